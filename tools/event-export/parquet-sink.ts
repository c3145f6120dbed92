import { rmSync } from 'node:fs';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { EventEnvelope } from '@okr/okr-domain';
import type { EventSink } from './event-export';

/** The Parquet file's columns, in order: the envelope with its metadata flattened, `data` as JSON. */
export const PARQUET_COLUMNS = [
  'id',
  'type',
  'schema_version',
  'stream_id',
  'category',
  'revision',
  'position',
  'occurred_at',
  'imported_at',
  'tenant_id',
  'actor',
  'correlation_id',
  'causation_id',
  'traceparent',
  'hash',
  'data',
] as const;

const STAGING_TABLE = `CREATE TABLE events (
  id VARCHAR, type VARCHAR, schema_version INTEGER, stream_id VARCHAR, category VARCHAR, revision BIGINT, position BIGINT,
  occurred_at VARCHAR, imported_at VARCHAR, tenant_id VARCHAR, actor VARCHAR, correlation_id VARCHAR, causation_id VARCHAR,
  traceparent VARCHAR, hash VARCHAR, data VARCHAR)`;

const CHECKPOINT_EVERY = 50_000;

const sqlString = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/**
 * Parquet through DuckDB: events are appended to a staging table in a DuckDB file beside the output
 * (checkpointed as it grows, and DuckDB spills to disk past `memory_limit`, so memory is bounded by
 * configuration rather than by the log's size), then copied to one Parquet file (zstd, row groups of
 * 20,000) with typed columns: instants as TIMESTAMPTZ, `data` as JSON. One DuckDB thread: the copy
 * keeps log order, and the machine's other cores stay with the services.
 */
export async function parquetSink(file: string, memoryLimit = '64MB'): Promise<EventSink> {
  const staging = `${file}.staging.duckdb`;
  removeStaging(staging);
  const instance = await DuckDBInstance.create(staging, { memory_limit: memoryLimit, threads: '1' });
  let connection: DuckDBConnection | undefined;
  let appender: DuckDBAppender | undefined;
  try {
    connection = await instance.connect();
    await connection.run(STAGING_TABLE);
    appender = await connection.createAppender('events');
  } catch (error) {
    connection?.closeSync();
    instance.closeSync();
    removeStaging(staging);
    throw error;
  }
  const db = connection;
  const rows = appender;
  const text = (value: string | undefined): void => (value === undefined ? rows.appendNull() : rows.appendVarchar(value));
  let staged = 0;
  return {
    async write(event: EventEnvelope) {
      const { metadata } = event;
      rows.appendVarchar(event.id);
      rows.appendVarchar(event.type);
      rows.appendInteger(event.schemaVersion);
      rows.appendVarchar(event.streamId);
      rows.appendVarchar(event.streamId.slice(0, Math.max(0, event.streamId.indexOf('-'))) || event.streamId);
      rows.appendBigInt(BigInt(event.revision));
      rows.appendBigInt(BigInt(event.position));
      rows.appendVarchar(metadata.occurredAt);
      text(metadata.importedAt);
      rows.appendVarchar(metadata.tenantId);
      rows.appendVarchar(metadata.actor);
      rows.appendVarchar(metadata.correlationId);
      rows.appendVarchar(metadata.causationId);
      text(metadata.traceparent);
      text(event.hash);
      rows.appendVarchar(JSON.stringify(event.data));
      rows.endRow();
      // Appended rows stay in memory until a checkpoint moves them from the WAL into the file, where
      // the buffer manager may evict them: without it, memory grows with the export.
      if (++staged % CHECKPOINT_EVERY === 0) {
        rows.flushSync();
        await db.run('CHECKPOINT');
      }
    },
    async close() {
      try {
        rows.closeSync();
        const columns = PARQUET_COLUMNS.map((column) =>
          column === 'occurred_at' || column === 'imported_at'
            ? `CAST(${column} AS TIMESTAMPTZ) AS ${column}`
            : column === 'data'
              ? 'CAST(data AS JSON) AS data'
              : column,
        );
        await db.run(`COPY (SELECT ${columns.join(', ')} FROM events) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 20000)`);
      } finally {
        db.closeSync();
        instance.closeSync();
        removeStaging(staging);
      }
    },
  };
}

function removeStaging(staging: string): void {
  rmSync(staging, { force: true });
  rmSync(`${staging}.wal`, { force: true });
}
