import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { RunningService } from '@okr/platform/testing';

/** The environment of an insights process on `dataDir`: the embedded default, no rate limit (the test polls). */
export const insightsEnv = (dataDir: string): Record<string, string> => ({
  OKR_DATA_DIR: dataDir,
  OKR_RATE_LIMIT_PER_IP: '0',
  OKR_RATE_LIMIT_PER_PRINCIPAL: '0',
});

/** An HTTP answer, or `refused` when nothing accepted the connection. */
export type Answer = { status: number; text: string } | 'refused';

/**
 * GET, with a hang guard: an answer that has not come after `hangGuardMs` fails the test with the
 * URL (the guard catches a stuck request, it does not time the service).
 */
export async function get(url: string, token?: string, hangGuardMs = 120_000): Promise<Answer> {
  try {
    const response = await fetch(url, { ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}), signal: AbortSignal.timeout(hangGuardMs) });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED') return 'refused';
    if ((error as { name?: string }).name === 'TimeoutError') throw new Error(`GET ${url}: no answer after ${hangGuardMs} ms`, { cause: error });
    throw error;
  }
}

/**
 * What the service itself reports of its read models' progress: `okr_consumer_lag` of every insights
 * read model's group (per topic) from its `/metrics`, summed, and how many series it has (one per
 * group and topic once every consumer has started).
 */
export async function readModelLag(url: string): Promise<{ lag: number; series: number }> {
  const answer = await get(`${url}/metrics`);
  if (answer === 'refused' || answer.status !== 200) throw new Error(`/metrics answered ${answer === 'refused' ? 'refused' : answer.status}`);
  let lag = 0;
  let series = 0;
  for (const line of answer.text.split('\n')) {
    const match = /^okr_consumer_lag\{[^}]*group="insights\.[^"]*"[^}]*\} (\S+)$/.exec(line);
    if (!match) continue;
    lag += Number(match[1]);
    series += 1;
  }
  return { lag, series };
}

/** Polls (without a deadline: Jest's limit catches a hang) until the process answers, or fails when it exits first. */
export async function until<T>(service: RunningService, what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    if (service.process.exitCode !== null || service.process.signalCode !== null) throw new Error(`insights exited before ${what}:\n${service.output().slice(-3000)}`);
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * SIGTERM, then how the process ended. The guard only turns a hang (a process that ignores the signal)
 * into a failure with a message instead of Jest's timeout; nothing is asserted about how long it took.
 */
export async function terminate(service: RunningService, hangGuardMs = 120_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; hung: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(resolve, hangGuardMs, 'hung')));
  const exit = service.stop('SIGTERM');
  const first = await Promise.race([exit, hung]);
  clearTimeout(timer);
  if (first !== 'hung') return { ...first, hung: false };
  service.process.kill('SIGKILL');
  return { ...(await exit), hung: true };
}

/** Where insights' read-model groups are in the log's check-ins topic: how many have a checkpoint, the lowest one. */
export function checkInsCheckpoints(dataDir: string): { groups: number; lowest: number } {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true, timeout: 5000 });
  try {
    const row = db
      .prepare(`SELECT count(*) AS groups, coalesce(min(position), -1) AS lowest FROM bus_checkpoints WHERE "group" LIKE 'insights.%' AND topic = 'okr.checkins.v1'`)
      .get() as { groups: number; lowest: number };
    return row;
  } finally {
    db.close();
  }
}

/** Fields that record WHEN a process applied or bound something, not WHAT the log says. */
const VOLATILE_FIELDS = ['appliedAt', 'boundAt'];
/** The runner's bookkeeping of which (randomly named) group a store follows. */
const BOOKKEEPING = new Set(['_followed_groups']);

/** Every document of insights' read store in `dataDir`, by collection and id, as JSON without its volatile fields. */
export function readModelDocuments(dataDir: string): Map<string, Map<string, string>> {
  const db = new Database(join(dataDir, 'insights.read.sqlite'), { readonly: true, timeout: 5000 });
  try {
    const collections = new Map<string, Map<string, string>>();
    for (const { collection, id, doc } of db.prepare('SELECT collection, id, doc FROM read_docs ORDER BY collection, id').iterate() as Iterable<{ collection: string; id: string; doc: string }>) {
      if (BOOKKEEPING.has(collection)) continue;
      const document = JSON.parse(doc) as Record<string, unknown>;
      for (const field of VOLATILE_FIELDS) delete document[field];
      let documents = collections.get(collection);
      if (!documents) collections.set(collection, (documents = new Map()));
      documents.set(id, JSON.stringify(document));
    }
    return collections;
  } finally {
    db.close();
  }
}

/** Up to `max` differences between two stores' documents (`collection/id: left | right`), none when equal. */
export function differences(left: Map<string, Map<string, string>>, right: Map<string, Map<string, string>>, max = 10): string[] {
  const found: string[] = [];
  for (const collection of new Set([...left.keys(), ...right.keys()])) {
    const a = left.get(collection) ?? new Map<string, string>();
    const b = right.get(collection) ?? new Map<string, string>();
    for (const id of new Set([...a.keys(), ...b.keys()])) {
      if (a.get(id) === b.get(id)) continue;
      found.push(`${collection}/${id}: ${a.get(id) ?? '(none)'} | ${b.get(id) ?? '(none)'}`);
      if (found.length >= max) return found;
    }
  }
  return found;
}
