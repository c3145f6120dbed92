import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { EVENT_SCHEMAS } from '../lib/event-schemas';
import { committedSchemaFiles, eventContractFiles, GENERATED_MODULE, refusals } from './event-contract-files';
import { declaredEventVersions } from './domain-event-types';

const root = resolve(__dirname, '../../../..');

describe('committed event schemas', () => {
  // One generation for the whole file: building the TypeScript program is the slow part.
  const generated = eventContractFiles(root);
  const committed = committedSchemaFiles(root);

  it('are exactly what `npm run schemas:generate` writes from the domain types (run it when this fails)', () => {
    const generatedSchemas = [...generated.keys()].filter((file) => file !== GENERATED_MODULE).sort();
    expect([...committed.keys()].sort()).toEqual(generatedSchemas);
    for (const file of generatedSchemas) expect({ file, text: committed.get(file) }).toEqual({ file, text: generated.get(file) });
    expect(readFileSync(resolve(root, GENERATED_MODULE), 'utf8')).toBe(generated.get(GENERATED_MODULE));
  });

  it('cover every event type the domain declares, one schema per version', () => {
    const declared = declaredEventVersions(root).map(({ type, version }) => `${type}/v${version}`);
    expect(declared.length).toBeGreaterThan(30);
    expect(EVENT_SCHEMAS.map(({ type, version }) => `${type}/v${version}`)).toEqual(declared);
  });

  it('change no committed version incompatibly', () => {
    expect(refusals(committed, generated)).toEqual([]);
  });
});
