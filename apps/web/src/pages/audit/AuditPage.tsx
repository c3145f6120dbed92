import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { useApi } from '../../api/ApiContext';
import { data } from '../../api/client';
import { useCycles, useTeams } from '../../api/directory';
import { useObjectiveNames } from '../../api/objective-names';
import { errorSentence } from '../../api/problem';
import { formatDateTime } from '../../ui/format';
import { Empty } from '../../ui/PageState';
import { itemsOf, PAGE_SIZE, PagedView, usePagedList, type ListPage } from '../../ui/PagedList';
import { AUDIT_KINDS, chainSentence, isAuditKind, streamIdOf, type AuditKind, type ChainReport } from './audit-stream';
import { AuditTimeline } from './AuditTimeline';
import type { AuditEntry, AuditNames } from './describe-entry';

/** `/audit/:kind/:id`: who changed what, when and why, for an objective, a key result or a learning. */
export function AuditPage() {
  const { kind, id = '' } = useParams();
  if (!isAuditKind(kind)) return <Empty>There is no audit trail of this kind. Open one from an objective, a key result or a learning.</Empty>;
  return <AuditTrail kind={kind} id={id} />;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const ids = (entries: readonly AuditEntry[], field: string) => entries.map((e) => str(e.data[field]));

function AuditTrail({ kind, id }: { kind: AuditKind; id: string }) {
  const api = useApi();
  const streamId = streamIdOf(kind, id);
  const timeline = usePagedList<ListPage<AuditEntry>>(['audit', streamId], (cursor) =>
    data(api.insights.GET('/api/v1/audit/{streamId}', { params: { path: { streamId }, query: { limit: PAGE_SIZE * 2, ...(cursor ? { cursor } : {}) } } })),
  );
  const verify = useQuery({
    queryKey: ['audit-verify', streamId],
    queryFn: () => data(api.insights.GET('/api/v1/audit/{streamId}/verify', { params: { path: { streamId } } })),
  });
  const entries = itemsOf(timeline.data);

  // The objective a key result's check-ins or a learning are about comes with their events.
  const objectiveId = kind === 'objective' ? id : ids(entries, 'objectiveId').find(Boolean);
  const objectives = useObjectiveNames([objectiveId, ...ids(entries, 'parentObjectiveId'), ...ids(entries, 'toObjectiveId'), ...ids(entries, 'fromObjectiveId')]);
  const teams = useTeams();
  const cycles = useCycles();
  // Titles as the events gave them, for what the objective no longer lists (a key result dropped since).
  const addedTitles = new Map(entries.filter((e) => e.type === 'KeyResultAdded').map((e) => [str(e.data['keyResultId']), str(e.data['title'])]));
  const setTitle = str(entries.find((e) => e.type === 'ObjectiveSet')?.data['title']);
  const names: AuditNames = {
    objectiveTitle: (oid) => objectives.objectiveTitle(oid) ?? (oid === id && kind === 'objective' ? setTitle : undefined),
    keyResultTitle: (krId) => objectives.keyResultTitle(krId) ?? addedTitles.get(krId),
    keyResultUnit: (krId) => objectives.keyResultUnit(krId),
    teamName: (teamId) => teams.data?.find((t) => t.id === teamId)?.name,
    cycleName: (cycleId) => cycles.data?.find((c) => c.id === cycleId)?.name,
  };
  const objectiveTitle = objectiveId ? names.objectiveTitle(objectiveId) : undefined;
  const subject =
    kind === 'objective'
      ? objectiveTitle
      : kind === 'key-result'
        ? names.keyResultTitle(id)
        : str(entries.find((e) => e.type === 'LearningCaptured')?.data['tried']);
  const label = AUDIT_KINDS[kind].label;

  return (
    <section className="audit">
      <h1>
        Audit trail of the {label}
        {subject ? ` “${subject}”` : ''}
      </h1>
      {objectiveId && (
        <p className="card-meta">
          {kind === 'objective' ? 'Objective page: ' : 'About the objective '}
          <Link to={`/objectives/${encodeURIComponent(objectiveId)}`}>{objectiveTitle ?? 'the objective'}</Link>
          {kind !== 'objective' && (
            <>
              {' · '}
              <Link to={`/audit/objective/${encodeURIComponent(objectiveId)}`}>its audit trail</Link>
            </>
          )}
        </p>
      )}
      <VerifyResult query={verify} at={(revision) => (entries[revision] ? formatDateTime(entries[revision].occurredAt) : undefined)} />
      <PagedView<AuditEntry, ListPage<AuditEntry>> query={timeline} loading="Loading the audit trail" empty={`Nothing has been recorded for this ${label} yet.`}>
        {(items) => <AuditTimeline entries={items} names={names} fileTitle={objectiveTitle ?? subject ?? label} partial={timeline.hasNextPage} />}
      </PagedView>
    </section>
  );
}

function VerifyResult({ query, at }: { query: UseQueryResult<ChainReport>; at: (revision: number) => string | undefined }) {
  if (query.isPending) return <p className="verify">Verifying the record…</p>;
  if (query.isError) return <p className="verify verify-unknown">The record could not be verified: {errorSentence(query.error)}</p>;
  const broken = !query.data.intact;
  return (
    <p className={`verify ${broken ? 'verify-broken' : 'verify-ok'}`} role={broken ? 'alert' : undefined}>
      {chainSentence(query.data, at)}
    </p>
  );
}
