/**
 * The baseline of `bench/requests.bench.ts`: goals' work on an objective done by hand, on a bare Fastify
 * server (a child process of the bench, like the service). Each request reads the objective's stream from
 * the same SQLite file as the service (better-sqlite3, WAL, the service's `synchronous` level), parses and
 * folds it with the same decider, and for a command decides and appends the same events as the adapter
 * stores them (expected-revision check and chain hash in an immediate transaction, one commit per
 * request). What it leaves out is what the benchmark measures: Nest, validation, authentication and
 * permissions, personal-data sealing, the fold cache, logging, metrics and tracing.
 *
 *   node dist/bench/requests-bare-server.js <events file> <port>    (sends 'listening' over IPC)
 */
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import { chainHash, chainedContent } from '@okr/event-store';
import { latestSchemaVersion, objectiveDecider, type ObjectiveCommand, type ObjectiveEvent, type ObjectiveState } from '@okr/okr-domain';
import { INSERT_EVENT, STREAM_HEAD, configureSqliteConnection } from '../libs/event-store/src/lib/sqlite/sqlite-schema';

const [file, port] = process.argv.slice(2);
const db = new Database(file, { timeout: 5000 });
configureSqliteConnection(db, 'FULL');

const readStream = db.prepare<[string], [number, string, string, string, string | null]>(
  'SELECT revision, type, data, metadata, hash FROM events WHERE stream_id = ? ORDER BY revision',
).raw();
const head = db.prepare<[string], { revision: number; hash: string | null }>(STREAM_HEAD);
const insert = db.prepare(INSERT_EVENT);

interface Loaded {
  state: ObjectiveState;
  revision: number | null;
}

const load = (streamId: string, tenantId: string): Loaded => {
  let state = objectiveDecider.initialState();
  let revision: number | null = null;
  for (const [rev, type, data, metadata] of readStream.all(streamId)) {
    const event = { type, data: JSON.parse(data), metadata: JSON.parse(metadata) } as ObjectiveEvent & { metadata: { tenantId: string } };
    if (event.metadata.tenantId !== tenantId) return { state: objectiveDecider.initialState(), revision: null };
    state = objectiveDecider.evolve(state, event);
    revision = rev;
  }
  return { state, revision };
};

const append = db.transaction((streamId: string, expected: number | null, events: { id: string; type: string; data: unknown; metadata: Record<string, string> }[]) => {
  const current = head.get(streamId);
  if ((current?.revision ?? null) !== expected) throw Object.assign(new Error('conflict'), { statusCode: 409 });
  let previous = current?.hash ?? undefined;
  let revision = expected ?? -1;
  for (const event of events) {
    revision += 1;
    const schemaVersion = latestSchemaVersion(event.type);
    const hash = chainHash(previous, revision, chainedContent({ ...event, streamId, schemaVersion }));
    const category = streamId.slice(0, streamId.indexOf('-'));
    insert.run(event.id, streamId, revision, event.type, schemaVersion, JSON.stringify(event.data), JSON.stringify(event.metadata), Date.parse(event.metadata.occurredAt), category, hash);
    previous = hash;
  }
  return revision;
});

/** Load, decide, append: what a command handler does, minus everything around it. */
const command = (id: string, tenantId: string, actor: string, cmd: Omit<ObjectiveCommand, 'metadata'>) => {
  const streamId = `objective-${id}`;
  const { state, revision } = load(streamId, tenantId);
  const now = new Date().toISOString();
  const decided = objectiveDecider.decide({ ...cmd, metadata: { now } } as ObjectiveCommand, state);
  const correlationId = randomUUID();
  const events = decided.map((event) => ({
    id: randomUUID(),
    type: event.type,
    data: event.data,
    metadata: { tenantId, actor, correlationId, causationId: correlationId, occurredAt: now },
  }));
  const next = events.length === 0 ? revision : append.immediate(streamId, revision, events);
  return { id, revision: next, events: events.map((event) => ({ id: event.id, type: event.type })) };
};

const TENANT = 'bench';
const ACTOR = 'ana';
const app = Fastify({ logger: false });

app.post<{ Body: { objectiveId: string; title: string } }>('/objectives', async (request, reply) => {
  const { objectiveId, title } = request.body;
  const data = { objectiveId, cycleId: 'q4', teamId: 'growth', ownerId: ACTOR, title };
  reply.code(201);
  return command(objectiveId, TENANT, ACTOR, { type: 'SetObjective', data } as Omit<ObjectiveCommand, 'metadata'>);
});

app.post<{ Params: { id: string }; Body: { title: string } }>('/objectives/:id/rewordings', async (request, reply) => {
  reply.code(201);
  return command(request.params.id, TENANT, ACTOR, { type: 'RewordObjective', data: { title: request.body.title } } as Omit<ObjectiveCommand, 'metadata'>);
});

app.get<{ Params: { id: string } }>('/objectives/:id', async (request, reply) => {
  const { state, revision } = load(`objective-${request.params.id}`, TENANT);
  if (revision === null) return reply.code(404).send({ title: 'Not Found' });
  return { ...state, revision };
});

app.listen({ port: Number(port), host: '127.0.0.1' }).then(
  () => process.send?.('listening'),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
process.on('SIGTERM', () => void app.close().then(() => (db.close(), process.exit(0))));
