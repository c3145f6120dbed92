/**
 * `npm run schemas:generate`: writes the JSON Schema of every event type and version the domain
 * declares to libs/event-contracts/schemas (and the module the services serve them from). Refuses,
 * writing nothing, a change that would break a committed version: that needs a new version.
 */
import { resolve } from 'node:path';
import { writeEventContracts } from '@okr/event-contracts/generator';

try {
  const files = writeEventContracts(resolve(__dirname, '../..'));
  process.stdout.write(`wrote ${files.length - 1} event schemas and their module\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
