import type { components } from '../../api/schema/insights';

/**
 * What an audit URL (`/audit/:kind/:id`) reads: the event stream insights audits, named as the domain
 * names streams (`{category}-{id}`). A key result's own timeline is its check-ins stream; its definition
 * (added, target revised, dropped) is part of its objective's timeline.
 */
export const AUDIT_KINDS = {
  objective: { category: 'objective', label: 'objective' },
  'key-result': { category: 'checkins', label: 'key result' },
  learning: { category: 'learning', label: 'learning' },
} as const;
export type AuditKind = keyof typeof AUDIT_KINDS;

export function isAuditKind(kind: string | undefined): kind is AuditKind {
  return kind !== undefined && Object.hasOwn(AUDIT_KINDS, kind);
}

export const streamIdOf = (kind: AuditKind, id: string): string => `${AUDIT_KINDS[kind].category}-${id}`;

type ChainReportDto = components['schemas']['ChainReportDto'];

/** What a chain sentence needs of insights' verify answer (`GET /audit/{streamId}/verify`). */
export type ChainReport = Pick<ChainReportDto, 'events' | 'intact' | 'unchainedBefore'> & {
  firstBrokenLink?: Pick<NonNullable<ChainReportDto['firstBrokenLink']>, 'revision' | 'reason'>;
};

const BROKEN_BECAUSE: Record<NonNullable<ChainReport['firstBrokenLink']>['reason'], string> = {
  'hash-mismatch': 'its content no longer matches the hash recorded when it was written, so it was altered',
  'missing-hash': 'it carries no hash although the events before it do',
  'revision-gap': 'an event before it was removed or one was inserted',
};

const events = (n: number) => (n === 1 ? '1 event' : `${n} events`);

/** The verification as one sentence a person can act on. `at` names when an entry happened, when known. */
export function chainSentence(report: ChainReport, at?: (revision: number) => string | undefined): string {
  if (!report.intact && report.firstBrokenLink) {
    const { revision, reason } = report.firstBrokenLink;
    const when = at?.(revision);
    // A reason a newer insights adds reads plainly until this client learns it.
    const because = BROKEN_BECAUSE[reason] ?? 'it does not match the chain';
    return `The record has been tampered with: entry ${revision + 1}${when ? ` (${when})` : ''} fails verification because ${because}.`;
  }
  if (!report.intact) return 'The record could not be verified.';
  if (report.events === 0) return 'There is nothing to verify yet.';
  if (report.unchainedBefore >= report.events) {
    return `The ${events(report.events)} of this record were written before entries were chained, so they cannot be verified.`;
  }
  if (report.unchainedBefore > 0) {
    return `Verified: the record is intact from entry ${report.unchainedBefore + 1} on; the first ${events(report.unchainedBefore)} predate chaining and cannot be verified.`;
  }
  if (report.events === 1) return 'Verified: its one event is intact; it was not altered.';
  return `Verified: all ${events(report.events)} are intact; none was altered, removed or inserted.`;
}
