import { formatDateTime } from '../../ui/format';
import { csvFileName, downloadCsv, toCsv } from './csv';
import { actorName, describeEntry, type AuditEntry, type AuditNames } from './describe-entry';

export const CSV_HEADER = ['When', 'When (UTC)', 'Who', 'What', 'Before', 'After', 'Reason'] as const;

/** The timeline's rows as people read them, for the table and the CSV alike. */
export function timelineRows(entries: readonly AuditEntry[], names: AuditNames) {
  return entries.map((entry) => {
    const { what, before, after } = describeEntry(entry, names);
    return {
      key: entry.id,
      when: formatDateTime(entry.occurredAt) + (entry.importedAt ? ` (imported ${formatDateTime(entry.importedAt)})` : ''),
      utc: entry.occurredAt,
      who: actorName(entry.actor),
      what,
      before,
      after,
      // Older events carry their reason in their data only.
      reason: entry.reason ?? (typeof entry.data['reason'] === 'string' ? entry.data['reason'] : ''),
    };
  });
}

/**
 * The timeline (oldest first) and its CSV export. The CSV is built here from the entries already
 * fetched, so it holds exactly what the table shows.
 */
export function AuditTimeline({
  entries,
  names,
  fileTitle,
  partial,
}: {
  entries: readonly AuditEntry[];
  names: AuditNames;
  fileTitle: string;
  partial: boolean;
}) {
  const rows = timelineRows(entries, names);
  const exportCsv = () =>
    downloadCsv(
      csvFileName(fileTitle, new Date()),
      toCsv(
        CSV_HEADER,
        rows.map((r) => [r.when, r.utc, r.who, r.what, r.before, r.after, r.reason]),
      ),
    );
  return (
    <>
      <div className="audit-actions">
        <button type="button" className="primary" onClick={exportCsv}>
          Export CSV
        </button>
        {partial && <p className="hint">The CSV holds the {rows.length} entries loaded so far; load more below to include later ones.</p>}
      </div>
      <div className="table-scroll">
        <table className="audit-table">
          <caption className="visually-hidden">Timeline, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <td>
                  <time dateTime={r.utc}>{r.when}</time>
                </td>
                <td>{r.who}</td>
                <td>{r.what}</td>
                <td>{r.before}</td>
                <td>{r.after}</td>
                <td>{r.reason || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
