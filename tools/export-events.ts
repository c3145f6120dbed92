/**
 * `npm run export -- --tenant T [--from ISO] [--to ISO] [--category objective,checkins,...]
 * --format jsonl|parquet --out FILE`: a tenant's event log for a warehouse or a notebook. Reads the
 * same environment as the services (OKR_DATA_DIR, OKR_EVENT_STORE, EVENTSTORE_URL).
 */
import { openEventStore, type EventStore } from '@okr/event-store';
import { eventStoreConfig, loadConfig } from '@okr/platform';
import { exportEvents, type EventSink, type ExportProgress } from './event-export/event-export';
import { EXPORT_USAGE, parseExportArgs } from './event-export/export-options';
import { jsonlSink } from './event-export/jsonl-sink';
import { parquetSink } from './event-export/parquet-sink';

/** Runs the export; returns the exit code (0 done, 2 bad arguments or cannot run). */
export async function runExport(argv: readonly string[], env: NodeJS.ProcessEnv, err: (text: string) => void): Promise<number> {
  const options = parseExportArgs(argv);
  if ('problems' in options) {
    err(`${options.problems.map((problem) => `export: ${problem}`).join('\n')}\n${EXPORT_USAGE}\n`);
    return 2;
  }
  // PORT is required by the services' schema, unused here.
  const config = loadConfig(env, { PORT: 0 });
  const started = Date.now();
  const progress = ({ read, written, done }: ExportProgress): void => {
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    err(`export: ${done ? 'done, ' : ''}${read} events read, ${written} written to ${options.out} (${Math.round(read / seconds)} events/s)\n`);
  };
  let store: EventStore | undefined;
  try {
    store = await openEventStore(eventStoreConfig(config));
    const sink: EventSink = options.format === 'jsonl' ? jsonlSink(options.out) : await parquetSink(options.out);
    await exportEvents(store, options, sink, progress);
    return 0;
  } finally {
    await store?.close();
  }
}

if (require.main === module) {
  runExport(process.argv.slice(2), process.env, (text) => process.stderr.write(text)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`export failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
