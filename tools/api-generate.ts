/**
 * `npm run api:generate`: starts the four services on a temporary data folder, writes each one's OpenAPI
 * document to apps/web/src/api/openapi/{service}.json and the web app's types generated from it by
 * openapi-typescript to apps/web/src/api/schema/{service}.ts. Tests fail when either differs from what
 * this script would write, so the web app's client cannot drift from the services.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { documentText, liveOpenApiDocuments, OPENAPI_DOCUMENTS_DIR, OPENAPI_TYPES_DIR, typesModule } from '../apps/platform-e2e/test/support/openapi-documents';
import { SERVICE_NAMES, startPlatform } from '../apps/platform-e2e/test/support/platform';

async function main(): Promise<void> {
  const root = resolve(__dirname, '../..');
  const platform = await startPlatform();
  let documents: Awaited<ReturnType<typeof liveOpenApiDocuments>>;
  try {
    documents = await liveOpenApiDocuments(platform);
  } finally {
    await platform.close();
  }
  await mkdir(join(root, OPENAPI_DOCUMENTS_DIR), { recursive: true });
  await mkdir(join(root, OPENAPI_TYPES_DIR), { recursive: true });
  for (const service of SERVICE_NAMES) {
    const text = documentText(documents[service]);
    await writeFile(join(root, OPENAPI_DOCUMENTS_DIR, `${service}.json`), text);
    await writeFile(join(root, OPENAPI_TYPES_DIR, `${service}.ts`), typesModule(service, text));
    process.stdout.write(`wrote ${OPENAPI_DOCUMENTS_DIR}/${service}.json and ${OPENAPI_TYPES_DIR}/${service}.ts\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
