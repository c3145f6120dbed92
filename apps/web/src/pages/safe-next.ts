/** Only same-origin paths are followed after sign-in (never an absolute URL from the query string or state). */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
