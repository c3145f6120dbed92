import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { documentText, liveOpenApiDocuments, OPENAPI_DOCUMENTS_DIR, OPENAPI_TYPES_DIR, typesModule } from './support/openapi-documents';
import { SERVICE_NAMES, startPlatform, type Platform } from './support/platform';

const root = join(__dirname, '../../..');

describe("the web app's committed OpenAPI documents", () => {
  let platform: Platform;
  beforeAll(async () => (platform = await startPlatform()));
  afterAll(() => platform.close());

  it.each(SERVICE_NAMES)('%s: the committed document is what the service serves (run `npm run api:generate` after changing a route)', async (service) => {
    const live = (await liveOpenApiDocuments(platform))[service];
    const committed = await readFile(join(root, OPENAPI_DOCUMENTS_DIR, `${service}.json`), 'utf8');
    expect(committed).toBe(documentText(live));
  });

  it.each(SERVICE_NAMES)('%s: the web app\'s generated types are what openapi-typescript makes of the committed document', async (service) => {
    const document = await readFile(join(root, OPENAPI_DOCUMENTS_DIR, `${service}.json`), 'utf8');
    const types = await readFile(join(root, OPENAPI_TYPES_DIR, `${service}.ts`), 'utf8');
    expect(types).toBe(typesModule(service, document));
  });
});
