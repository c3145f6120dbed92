import {
  CHECK_IN_CATEGORY,
  CYCLE_CATEGORY,
  INSIGHT_CATEGORY,
  LEARNING_CATEGORY,
  OBJECTIVE_CATEGORY,
  QUESTION_CATEGORY,
  TEAM_CATEGORY,
} from '@okr/okr-domain';

/**
 * The categories an export may hold: the facts analytics reads. Left out on purpose: cycle-name
 * reservations (a uniqueness lock, no fact), service-account registries (key digests) and the
 * platform's own streams (idempotency records, relay leases and checkpoints).
 */
export const EXPORTABLE_CATEGORIES = [
  OBJECTIVE_CATEGORY,
  CYCLE_CATEGORY,
  TEAM_CATEGORY,
  CHECK_IN_CATEGORY,
  LEARNING_CATEGORY,
  QUESTION_CATEGORY,
  INSIGHT_CATEGORY,
] as const;

export const EXPORT_FORMATS = ['jsonl', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  tenant: string;
  /** Inclusive, on `metadata.occurredAt`. */
  from?: Date;
  /** Exclusive, on `metadata.occurredAt`. */
  to?: Date;
  categories: readonly string[];
  format: ExportFormat;
  out: string;
}

export const EXPORT_USAGE = `Usage: npm run export -- --tenant <tenant> [--from <ISO instant>] [--to <ISO instant>]
         [--category ${EXPORTABLE_CATEGORIES.join(',')}] --format jsonl|parquet --out <file>
Writes a tenant's events (each in its latest schema version, with its metadata) from the configured
event store (OKR_DATA_DIR, OKR_EVENT_STORE, EVENTSTORE_URL) to <file>. --from is inclusive and --to
exclusive, both on the time a change happened (metadata.occurredAt). Progress goes to stderr.`;

const FLAGS = ['--tenant', '--from', '--to', '--category', '--format', '--out'] as const;

/** The options, or the sentences saying what is wrong with the arguments. */
export function parseExportArgs(argv: readonly string[]): ExportOptions | { problems: string[] } {
  const given = new Map<string, string>();
  const problems: string[] = [];
  for (let index = 0; index < argv.length; index += 2) {
    const [flag, value] = [argv[index], argv[index + 1]];
    if (!(FLAGS as readonly string[]).includes(flag)) problems.push(`unknown argument ${flag}`);
    else if (value === undefined || value.startsWith('--')) problems.push(`${flag} needs a value`);
    else if (given.has(flag)) problems.push(`${flag} is given twice`);
    else given.set(flag, value);
  }
  const tenant = given.get('--tenant');
  if (!tenant) problems.push('--tenant is required');
  const format = given.get('--format');
  if (!format) problems.push('--format is required (jsonl or parquet)');
  else if (!(EXPORT_FORMATS as readonly string[]).includes(format)) problems.push(`--format must be jsonl or parquet, not ${format}`);
  const out = given.get('--out');
  if (!out) problems.push('--out is required');
  const from = instant('--from', given.get('--from'), problems);
  const to = instant('--to', given.get('--to'), problems);
  if (from && to && from.getTime() >= to.getTime()) problems.push('--from must be before --to');
  const categories = given.has('--category') ? [...new Set((given.get('--category') as string).split(',').map((c) => c.trim()))] : [...EXPORTABLE_CATEGORIES];
  for (const category of categories) {
    if (!(EXPORTABLE_CATEGORIES as readonly string[]).includes(category)) {
      problems.push(`--category ${category} is not one of ${EXPORTABLE_CATEGORIES.join(', ')}`);
    }
  }
  if (problems.length > 0) return { problems };
  return { tenant: tenant as string, categories, format: format as ExportFormat, out: out as string, ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

function instant(flag: string, value: string | undefined, problems: string[]): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (!ISO_INSTANT.test(value) || Number.isNaN(date.getTime())) {
    problems.push(`${flag} must be an ISO-8601 date or instant with a zone (2026-10-01 or 2026-10-01T00:00:00Z), not ${value}`);
    return undefined;
  }
  return date;
}
