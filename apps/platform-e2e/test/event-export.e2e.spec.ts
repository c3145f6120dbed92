// The export is a command-line tool (tools/ is no Nx project): its modules are on the e2e projects' allow list.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { SqliteEventStore, type NewEvent } from '@okr/event-store';
import { exportEvents, type ExportProgress } from '../../../tools/event-export/event-export';
import { parseExportArgs } from '../../../tools/event-export/export-options';
import { jsonlSink } from '../../../tools/event-export/jsonl-sink';
import { PARQUET_COLUMNS, parquetSink } from '../../../tools/event-export/parquet-sink';
import { runExport } from '../../../tools/export-events';

const event = (type: string, data: Record<string, unknown>, tenantId: string, occurredAt: string, schemaVersion?: number): NewEvent => ({
  id: crypto.randomUUID(),
  type,
  ...(schemaVersion === undefined ? {} : { schemaVersion }),
  data,
  metadata: { tenantId, actor: 'user-ann', correlationId: 'corr-1', causationId: 'corr-1', occurredAt },
});

describe('npm run export', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'okr-export-'));
    store = SqliteEventStore.open({ file: join(dir, 'data', 'events.sqlite'), synchronous: 'NORMAL' });
    const objective = 'objective-0193a5e0-0000-7000-8000-000000000001';
    await store.append(objective, [
      event('ObjectiveSet', { objectiveId: 'o-1', cycleId: 'q3', teamId: 't', ownerId: 'user-ann', title: 'Grow' }, 'acme', '2026-07-01T09:00:00.000Z'),
      // Stored as schema version 1 (as the code before versions wrote it): exported as the latest.
      event('ObjectiveOwnershipTransferred', { objectiveId: 'o-1', from: 'user-ann', to: 'user-bo' }, 'acme', '2026-08-01T09:00:00.000Z', 1),
      event('ObjectiveActivated', { objectiveId: 'o-1' }, 'acme', '2026-10-01T09:00:00.000Z'),
    ], 'no_stream');
    await store.append('checkins-kr-1', [
      event('CheckInRecorded', { checkInId: 'c-1', keyResultId: 'kr-1', objectiveId: 'o-1', value: 3, confidence: 7, effectiveAt: '2026-08-02', recordedAt: '2026-08-02T09:00:00.000Z' }, 'acme', '2026-08-02T09:00:00.000Z'),
    ], 'no_stream');
    await store.append('objective-other-tenant', [event('ObjectiveActivated', { objectiveId: 'o-9' }, 'globex', '2026-08-01T09:00:00.000Z')], 'no_stream');
    await store.append('cyclename-acme:q3', [event('CycleNameReserved', { name: 'q3' }, 'acme', '2026-07-01T09:00:00.000Z')], 'no_stream');
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const q3 = { tenant: 'acme', from: new Date('2026-07-01T00:00:00Z'), to: new Date('2026-10-01T00:00:00Z'), categories: ['objective', 'checkins'] };

  it('writes JSON Lines of one tenant, a quarter, the chosen categories, each event in its latest version with its metadata', async () => {
    const out = join(dir, 'q3.jsonl');
    const progress: ExportProgress[] = [];
    const report = await exportEvents(store, q3, jsonlSink(out), (p) => progress.push(p), 2);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.type)).toEqual(['ObjectiveSet', 'ObjectiveOwnershipTransferred', 'CheckInRecorded']);
    expect(lines[1]).toMatchObject({
      schemaVersion: 2,
      data: { objectiveId: 'o-1', fromOwnerId: 'user-ann', toOwnerId: 'user-bo' },
      metadata: { tenantId: 'acme', actor: 'user-ann', correlationId: 'corr-1', occurredAt: '2026-08-01T09:00:00.000Z' },
      streamId: 'objective-0193a5e0-0000-7000-8000-000000000001',
      revision: 1,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(report).toEqual({ read: 5, written: 3 });
    expect(progress).toEqual([
      { read: 2, written: 2, done: false },
      { read: 4, written: 3, done: false },
      { read: 5, written: 3, done: true },
    ]);
  });

  it('writes Parquet that DuckDB reads back: the same rows, typed columns', async () => {
    const out = join(dir, 'q3.parquet');
    expect(await exportEvents(store, q3, await parquetSink(out))).toEqual({ read: 5, written: 3 });
    const duckdb = await DuckDBInstance.create(':memory:');
    const connection = await duckdb.connect();
    try {
      const path = out.replaceAll("'", "''");
      const columns = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
      expect(columns.getRowObjectsJson().map((row) => [row['column_name'], row['column_type']])).toEqual(
        PARQUET_COLUMNS.map((name) => [name, expect.any(String)]),
      );
      const types = Object.fromEntries(columns.getRowObjectsJson().map((row) => [row['column_name'], row['column_type']]));
      expect(types).toMatchObject({ schema_version: 'INTEGER', position: 'BIGINT', occurred_at: 'TIMESTAMP WITH TIME ZONE', data: 'JSON' });
      const rows = await connection.runAndReadAll(
        `SELECT type, schema_version, category, tenant_id, data->>'toOwnerId' AS to_owner, epoch_ms(occurred_at) AS at FROM read_parquet('${path}') ORDER BY position`,
      );
      expect(rows.getRowObjectsJson()).toEqual([
        { type: 'ObjectiveSet', schema_version: 1, category: 'objective', tenant_id: 'acme', to_owner: null, at: String(Date.parse('2026-07-01T09:00:00Z')) },
        { type: 'ObjectiveOwnershipTransferred', schema_version: 2, category: 'objective', tenant_id: 'acme', to_owner: 'user-bo', at: String(Date.parse('2026-08-01T09:00:00Z')) },
        { type: 'CheckInRecorded', schema_version: 1, category: 'checkins', tenant_id: 'acme', to_owner: null, at: String(Date.parse('2026-08-02T09:00:00Z')) },
      ]);
    } finally {
      connection.closeSync();
      duckdb.closeSync();
    }
  });

  it('writes Parquet in chunks of bounded size, in log order, with nothing left beside the file', async () => {
    const out = join(dir, 'chunked.parquet');
    // Two events per chunk: five chunks, the last one short.
    const sink = await parquetSink(out, { chunkRows: 2 });
    expect(readdirSync(dir)).toContain('chunked.parquet.parts');
    const events = Array.from({ length: 9 }, (_, i) => ({
      id: `e-${i}`, type: 'CheckInRecorded', schemaVersion: 1, streamId: `checkins-kr-${i % 3}`, revision: i, position: 100 + i,
      data: { value: i }, metadata: { tenantId: 'acme', actor: 'user-ann', correlationId: 'c', causationId: 'c', occurredAt: '2026-08-02T09:00:00.000Z' },
    }));
    for (const e of events) await sink.write(e);
    await sink.close();
    expect(readdirSync(dir).filter((name) => name.startsWith('chunked'))).toEqual(['chunked.parquet']);
    const duckdb = await DuckDBInstance.create(':memory:');
    const connection = await duckdb.connect();
    try {
      const rows = await connection.runAndReadAll(`SELECT id, position, data->>'value' AS value FROM read_parquet('${out.replaceAll("'", "''")}')`);
      expect(rows.getRowObjectsJson()).toEqual(events.map((e, i) => ({ id: e.id, position: String(100 + i), value: String(i) })));
    } finally {
      connection.closeSync();
      duckdb.closeSync();
    }
  });

  it('writes an empty Parquet file with its columns when no event matches', async () => {
    const out = join(dir, 'empty.parquet');
    expect(await exportEvents(store, { ...q3, tenant: 'nobody' }, await parquetSink(out))).toEqual({ read: 5, written: 0 });
    const duckdb = await DuckDBInstance.create(':memory:');
    const connection = await duckdb.connect();
    try {
      const columns = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${out.replaceAll("'", "''")}')`);
      expect(columns.getRowObjectsJson().map((row) => row['column_name'])).toEqual([...PARQUET_COLUMNS]);
      const count = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet('${out.replaceAll("'", "''")}')`);
      expect(count.getRowObjectsJson()).toEqual([{ n: 0 }]);
    } finally {
      connection.closeSync();
      duckdb.closeSync();
    }
  });

  it('runs from the command line with the services environment, progress on stderr', async () => {
    await store.close();
    const out = join(dir, 'all.parquet');
    const stderr: string[] = [];
    const code = await runExport(['--tenant', 'acme', '--format', 'parquet', '--out', out], { OKR_DATA_DIR: join(dir, 'data') }, (text) => stderr.push(text));
    store = SqliteEventStore.open({ file: join(dir, 'data', 'events.sqlite') });
    expect(code).toBe(0);
    expect(stderr.join('')).toMatch(/export: done, 5 events read, 4 written to .*all\.parquet/);
  });

  it('refuses bad arguments, saying what is wrong with each', async () => {
    expect(parseExportArgs(['--tenant', 'acme', '--format', 'csv', '--out', 'x', '--from', '2026-13-01', '--category', 'objective,cyclename'])).toEqual({
      problems: [
        '--format must be jsonl or parquet, not csv',
        '--from must be an ISO-8601 date or instant with a zone (2026-10-01 or 2026-10-01T00:00:00Z), not 2026-13-01',
        '--category cyclename is not one of objective, cycle, team, checkins, learning, question, insight',
      ],
    });
    expect(parseExportArgs(['--format', 'jsonl', '--from', '2026-10-01', '--to', '2026-07-01'])).toEqual({
      problems: ['--tenant is required', '--out is required', '--from must be before --to'],
    });
    const stderr: string[] = [];
    expect(await runExport(['--tenant', 'acme'], {}, (text) => stderr.push(text))).toBe(2);
    expect(stderr.join('')).toContain('export: --format is required (jsonl or parquet)');
  });
});
