/**
 * What the large-organisation measurements of insights share (large-org-insights.ts, large-org-restart.ts):
 * the tenant, team and cycle to ask about, an auditor's token, a process's CPU and memory, and timed GETs
 * with their table row.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '@okr/event-store';
import { issueEmbeddedToken } from '@okr/platform';
import { percentile, send, type Reply } from './service-http';

export interface LargeOrgSubject {
  tenantId: string;
  /** The team and cycle of the log's first objective. */
  teamId: string;
  cycleId: string;
  /** When the log's first objective and its last event happened (ms since the epoch). */
  from: number;
  last: number;
  /** The log's last position. */
  head: number;
}

/** What to ask about in the data folder's events.sqlite: the first objective's tenant, team and cycle, and the log's span. */
export async function largeOrgSubject(dataDir: string): Promise<LargeOrgSubject> {
  const store = SqliteEventStore.open({ file: join(dataDir, 'events.sqlite') });
  try {
    const head = await store.headPosition();
    let first: Omit<LargeOrgSubject, 'last' | 'head'> | undefined;
    for await (const event of store.readAll({ categories: ['objective'], maxCount: 1 })) {
      const data = event.data as { teamId: string; cycleId: string };
      first = { tenantId: event.metadata.tenantId, teamId: data.teamId, cycleId: data.cycleId, from: Date.parse(event.metadata.occurredAt) };
    }
    let last = 0;
    for await (const event of store.readAll({ after: head - 1 })) last = Date.parse(event.metadata.occurredAt);
    if (!first) throw new Error('no objective in the log');
    return { ...first, last, head };
  } finally {
    await store.close();
  }
}

/** An admin's bearer token for the tenant, signed with the data folder's embedded key. */
export const auditorHeaders = async (dataDir: string, tenant: string): Promise<Record<string, string>> => ({
  authorization: `Bearer ${await issueEmbeddedToken({ dataDir, tenant, user: 'auditor', roles: ['admin'] })}`,
});

export const dashboardPath = (teamId: string, cycleId: string): string => `/api/v1/teams/${encodeURIComponent(teamId)}/dashboard?cycleId=${cycleId}`;

/** CPU seconds (user + system) and resident MB of a process, from /proc. */
export function usage(pid: number): { cpu: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const rssPages = Number(fields[21]);
  return { cpu: (Number(fields[11]) + Number(fields[12])) / 100, rssMb: (rssPages * 4096) / 2 ** 20 };
}

export interface Timed {
  latencies: number[];
  statuses: Map<number, number>;
}
export const timed = (): Timed => ({ latencies: [], statuses: new Map() });

export async function timedGet(port: number, path: string, headers: Record<string, string>, into: Timed): Promise<Reply> {
  const sent = performance.now();
  const reply = await send(port, path, headers);
  into.latencies.push(performance.now() - sent);
  into.statuses.set(reply.status, (into.statuses.get(reply.status) ?? 0) + 1);
  if (reply.status !== 200 && reply.status !== 503) throw new Error(`GET ${path}: ${reply.status} ${reply.body.slice(0, 300)}`);
  return reply;
}

export const row = (name: string, t: Timed): string => {
  const sorted = [...t.latencies].sort((a, b) => a - b);
  const answers = [...t.statuses].map(([status, n]) => `${n}x${status}`).join(' ');
  // Which request was the slowest (1 = the first: a cold path, or one that met a pause?).
  const slowest = t.latencies.indexOf(sorted.at(-1) ?? NaN) + 1;
  return `| ${name} | ${sorted.length} | ${percentile(sorted, 50)?.toFixed(1)} ms | ${percentile(sorted, 99)?.toFixed(1)} ms | ${sorted.at(-1)?.toFixed(1)} ms (#${slowest}) | ${answers} |\n`;
};

