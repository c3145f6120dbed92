import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
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

const CHUNK_TABLE = `CREATE TABLE chunk (
  id VARCHAR, type VARCHAR, schema_version INTEGER, stream_id VARCHAR, category VARCHAR, revision BIGINT, position BIGINT,
  occurred_at VARCHAR, imported_at VARCHAR, tenant_id VARCHAR, actor VARCHAR, correlation_id VARCHAR, causation_id VARCHAR,
  traceparent VARCHAR, hash VARCHAR, data VARCHAR)`;

/** Typed columns: instants as TIMESTAMPTZ, `data` as JSON. */
const TYPED_COLUMNS = PARQUET_COLUMNS.map((column) =>
  column === 'occurred_at' || column === 'imported_at'
    ? `CAST(${column} AS TIMESTAMPTZ) AS ${column}`
    : column === 'data'
      ? 'CAST(data AS JSON) AS data'
      : column,
).join(', ');

/** Rows held in memory before they go to a part file (about 15 MB of DuckDB's memory). */
export const PARQUET_CHUNK_ROWS = 10_000;
/** Rows per row group of the output file. */
const ROW_GROUP_ROWS = 20_000;

const sqlString = (text: string): string => `'${text.replaceAll("'", "''")}'`;

export interface ParquetSinkOptions {
  /** DuckDB's memory limit (`memory_limit`). */
  memoryLimit?: string;
  /** Events held in memory before they go to a part file; tests make it small to cross chunk boundaries. */
  chunkRows?: number;
}

/**
 * Parquet through DuckDB, in memory that does not grow with the export: events are appended to an
 * in-memory table of at most `chunkRows` rows, each full chunk is written to a Parquet part file
 * (typed columns: instants as TIMESTAMPTZ, `data` as JSON) and the table emptied, and at the end the
 * parts are copied, streaming and in order, into one Parquet file (zstd, row groups of 20,000).
 * What DuckDB holds at any time is one chunk and the row group being written, whatever the log's size
 * (a staging table of the whole export, checkpointed as it grew, peaked at 3x the JSON Lines export).
 * One DuckDB thread: the copy keeps log order, and the machine's other cores stay with the services.
 */
export async function parquetSink(file: string, options: ParquetSinkOptions = {}): Promise<EventSink> {
  const chunkRows = options.chunkRows ?? PARQUET_CHUNK_ROWS;
  const partsDir = `${file}.parts`;
  rmSync(partsDir, { recursive: true, force: true });
  mkdirSync(partsDir, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: options.memoryLimit ?? '64MB',
    threads: '1',
    preserve_insertion_order: 'true',
    temp_directory: join(partsDir, 'spill'),
  });
  let connection: DuckDBConnection | undefined;
  try {
    connection = await instance.connect();
    await connection.run(CHUNK_TABLE);
  } catch (error) {
    connection?.closeSync();
    instance.closeSync();
    rmSync(partsDir, { recursive: true, force: true });
    throw error;
  }
  const db = connection;
  // One appender for the whole export: a new one per chunk left native memory behind that grew with the export.
  const rows: DuckDBAppender = await db.createAppender('chunk');
  const text = (value: string | undefined): void => (value === undefined ? rows.appendNull() : rows.appendVarchar(value));
  const parts: string[] = [];
  let inChunk = 0;

  /** Writes the chunk to its part file and empties it. */
  const writePart = async (): Promise<void> => {
    rows.flushSync();
    const part = join(partsDir, `part-${String(parts.length).padStart(6, '0')}.parquet`);
    await db.run(`COPY (SELECT ${TYPED_COLUMNS} FROM chunk) TO ${sqlString(part)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${chunkRows})`);
    parts.push(part);
    await db.run('TRUNCATE chunk');
    inChunk = 0;
  };

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
      if (++inChunk >= chunkRows) await writePart();
    },
    async close() {
      try {
        if (inChunk > 0 || parts.length === 0) await writePart();
        const list = `[${parts.map(sqlString).join(', ')}]`;
        await db.run(`COPY (SELECT * FROM read_parquet(${list})) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS})`);
      } finally {
        rows.closeSync();
        db.closeSync();
        instance.closeSync();
        rmSync(partsDir, { recursive: true, force: true });
      }
    },
  };
}
