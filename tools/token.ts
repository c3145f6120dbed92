/**
 * `npm run token -- --tenant acme --user alice --roles admin --teams growth`
 * Prints a bearer token signed with the embedded key of OKR_DATA_DIR (default ./data), accepted by
 * every service running in embedded auth mode on that data folder.
 */
import { runTokenCli, TokenCliUsageError } from '@okr/platform';

runTokenCli(process.argv.slice(2), process.env).then(
  (token) => {
    process.stdout.write(`${token}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof TokenCliUsageError ? 2 : 1;
  },
);
