/**
 * `npm run gateway:routes`: starts the four services on a temporary data folder, reads their OpenAPI
 * documents and writes the routing table the gateway and the Kubernetes HTTPRoutes are made from
 * (a test fails when the committed table differs). Fails, naming them, when two services claim one request.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { routeTableModule } from '@okr/routing';
import { startPlatform } from '../apps/platform-e2e/test/support/platform';
import { liveRouteTable, ROUTE_TABLE_MODULE } from '../apps/platform-e2e/test/support/route-table';

async function main(): Promise<void> {
  const platform = await startPlatform();
  try {
    const table = await liveRouteTable(platform);
    await writeFile(join(resolve(__dirname, '../..'), ROUTE_TABLE_MODULE), routeTableModule(table));
    process.stdout.write(`wrote ${ROUTE_TABLE_MODULE}: ${table.routes.length} routes\n`);
  } finally {
    await platform.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
