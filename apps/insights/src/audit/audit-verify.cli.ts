/**
 * `npm run audit:verify -- --tenant acme [--stream objective-…]` or `-- --file export.ndjson`: see
 * `runAuditVerify`. Exit 0 when every chain is intact, 1 at a broken link, 2 when it cannot run.
 */
import 'reflect-metadata';
import { runAuditVerify } from './audit-verify';

runAuditVerify(process.argv.slice(2), process.env, (text) => process.stdout.write(text)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
