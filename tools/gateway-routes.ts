/**
 * `npm run gateway:routes`: starts the four services on a temporary data folder, reads their OpenAPI
 * documents and writes the routing table the gateway routes by, and the Kubernetes HTTPRoutes made
 * from it (tests fail when either committed file differs). Fails, naming them, when two services claim one request.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HTTP_ROUTES_MANIFEST, httpRoutesManifest, routeTableModule } from '@okr/routing';
import { startPlatform } from '../apps/platform-e2e/test/support/platform';
import { liveRouteTable, ROUTE_TABLE_MODULE } from '../apps/platform-e2e/test/support/route-table';

async function main(): Promise<void> {
  const platform = await startPlatform();
  try {
    const table = await liveRouteTable(platform);
    const root = resolve(__dirname, '../..');
    await writeFile(join(root, ROUTE_TABLE_MODULE), routeTableModule(table));
    await writeFile(join(root, HTTP_ROUTES_MANIFEST), httpRoutesManifest(table));
    process.stdout.write(`wrote ${ROUTE_TABLE_MODULE} (${table.routes.length} routes) and ${HTTP_ROUTES_MANIFEST}\n`);
  } finally {
    await platform.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
