import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { openEventStore, verifyChain, verifyExport, verifyTenantLog, type EventStore } from '@okr/event-store';
import { eventStoreConfig, loadConfig } from '@okr/platform';
import { INSIGHTS_DEFAULT_PORT } from '../insights.config';

export const AUDIT_VERIFY_USAGE = `Usage: npm run audit:verify -- --tenant <tenant> [--stream <stream-id>]
       npm run audit:verify -- --file <export.ndjson>
Checks the event hash chain of every stream of a tenant (or one stream) in the configured event store,
or an auditor's export file offline. Prints a JSON report; exit 0 intact, 1 broken, 2 cannot run.`;

type Args = { tenant?: string; stream?: string; file?: string };

function parseArgs(argv: readonly string[]): Args | undefined {
  const args: Args = {};
  for (let index = 0; index < argv.length; index += 2) {
    const [flag, value] = [argv[index], argv[index + 1]];
    if (value === undefined || !['--tenant', '--stream', '--file'].includes(flag)) return undefined;
    args[flag.slice(2) as keyof Args] = value;
  }
  const valid = args.file !== undefined ? args.tenant === undefined && args.stream === undefined : args.tenant !== undefined;
  return valid ? args : undefined;
}

/**
 * `npm run audit:verify`: the first broken link of every stream of a tenant, of one stream, or of an
 * export file. Reads the same environment as the insights service (`OKR_DATA_DIR`, `OKR_EVENT_STORE`,
 * `EVENTSTORE_URL`). Returns the exit code; writes the report to `out`.
 */
export async function runAuditVerify(argv: readonly string[], env: NodeJS.ProcessEnv, out: (text: string) => void): Promise<number> {
  const args = parseArgs(argv);
  if (!args) {
    out(`${AUDIT_VERIFY_USAGE}\n`);
    return 2;
  }
  if (args.file !== undefined) {
    const lines = createInterface({ input: createReadStream(args.file), crlfDelay: Infinity });
    const check = await verifyExport(lines);
    out(`${JSON.stringify(check, null, 2)}\n`);
    return check.intact ? 0 : 1;
  }
  const config = loadConfig(env, { PORT: INSIGHTS_DEFAULT_PORT }); // PORT is required by the schema, unused here
  let store: EventStore | undefined;
  try {
    store = await openEventStore(eventStoreConfig(config));
    const tenant = args.tenant as string;
    if (args.stream !== undefined) {
      const report = await verifyChain(args.stream, tenantOnly(store, args.stream, tenant));
      out(`${JSON.stringify(report, null, 2)}\n`);
      if (report.events === 0) return 2;
      return report.intact ? 0 : 1;
    }
    const report = await verifyTenantLog(store, tenant);
    out(`${JSON.stringify(report, null, 2)}\n`);
    return report.intact ? 0 : 1;
  } finally {
    await store?.close();
  }
}

/** The stream's events while they belong to the tenant (another tenant's stream reads as absent). */
async function* tenantOnly(store: EventStore, streamId: string, tenantId: string) {
  for await (const event of store.readStream(streamId, { asStored: true })) {
    if (event.metadata.tenantId !== tenantId) return;
    yield event;
  }
}
