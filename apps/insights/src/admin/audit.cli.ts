/**
 * Projection audit from the command line, against the configured stores (the service may be running):
 *
 *   npm run audit:projections   (nx run insights:build, then node dist/apps/insights/src/admin/audit.cli.js)
 *
 * Reads the same environment as the insights service (`OKR_DATA_DIR`, `OKR_EVENT_STORE`,
 * `OKR_READ_STORE`...), prints the report as JSON on stdout and exits 0 when every read model matches
 * the log, 1 on drift, 2 when it cannot run (bad configuration, store unreachable).
 */
import 'reflect-metadata';
import { openEventStore, type EventStore } from '@okr/event-store';
import { eventStoreConfig, loadConfig } from '@okr/platform';
import { openReadStore, type ReadStore } from '@okr/read-store';
import { INSIGHTS_DEFAULT_PORT } from '../insights.config';
import { INSIGHTS_READ_MODELS } from '../read-models/read-models';
import { auditProjections } from './projection-audit';

/** The CLI's wait before its second look at drifting streams (a running service's consumer lag). */
const CLI_SETTLE_MS = 2000;

async function runAuditCli(env: NodeJS.ProcessEnv): Promise<number> {
  const config = loadConfig(env, { PORT: INSIGHTS_DEFAULT_PORT }); // PORT is required by the schema, unused here
  let events: EventStore | undefined;
  let store: ReadStore | undefined;
  try {
    events = await openEventStore(eventStoreConfig(config));
    store = await openReadStore(config, 'insights');
    const report = await auditProjections(events, store, INSIGHTS_READ_MODELS, { settleMs: CLI_SETTLE_MS });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await store?.close();
    await events?.close();
  }
}

runAuditCli(process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
