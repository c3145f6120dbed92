/**
 * `npm run docs:permissions`: starts the four services on a temporary data folder, reads every
 * route's `@Permission()` and writes docs/PERMISSIONS.md (a test fails when the committed file differs).
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { permissionsDoc, PERMISSIONS_DOC } from '../apps/platform-e2e/test/support/permissions-doc';
import { startPlatform } from '../apps/platform-e2e/test/support/platform';

async function main(): Promise<void> {
  const platform = await startPlatform();
  try {
    const root = resolve(__dirname, '../..');
    await writeFile(join(root, PERMISSIONS_DOC), permissionsDoc(platform));
    process.stdout.write(`wrote ${PERMISSIONS_DOC}\n`);
  } finally {
    await platform.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
