/** Text helpers shared by the channels: escaping, truncation and keeping secrets out of messages. */

/** What stands in for a text that quoted a secret. */
export const WITHHELD = '[withheld: it quoted a secret]';

/**
 * `text` as it is, or, when it quotes any of the non-empty `secrets` (as given, URL-encoded or in
 * base64), {@link WITHHELD} in its place: the whole text, never the matching parts. Cutting a secret
 * out of a message mangles every word that shares its letters and, for a short secret, shows
 * exactly where it was; a text that quoted one is not kept at all.
 */
export function withholdIfSecret(text: string, secrets: readonly (string | undefined)[]): string {
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')]) {
      if (text.includes(form)) return WITHHELD;
    }
  }
  return text;
}

/** At most `max` characters, ending in `…` when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Like {@link truncate}, for entity-escaped text: never cuts an `&amp;`/`&lt;`/`&gt;` in half. */
export function truncateEscaped(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  return `${cut}…`;
}

/** Whitespace runs folded to one space, trimmed, cut at `max` characters: for error texts and details. */
export function oneLine(text: string, max: number): string {
  return truncate(text.replace(/\s+/g, ' ').trim(), max);
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Lines of a plain-text body, with CRLF/CR normalised to LF. */
export function linesOf(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n');
}

/** Paragraphs (separated by blank lines) of a plain-text body, each a list of its lines; empty ones dropped. */
export function paragraphsOf(text: string): string[][] {
  const paragraphs: string[][] = [];
  let current: string[] = [];
  for (const line of linesOf(text)) {
    if (line.trim() === '') {
      if (current.length) paragraphs.push(current);
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length) paragraphs.push(current);
  return paragraphs;
}
