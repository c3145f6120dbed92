import { resolve } from 'node:path';
import { EVENT_SCHEMA_VERSIONS, latestSchemaVersion } from '@okr/okr-domain';
import { declaredEventVersions } from './domain-event-types';

const root = resolve(__dirname, '../../../..');

describe('event versions', () => {
  // The schemas come from the type aliases (`X`, `XV1`…); what is written and upcast to comes from the
  // domain's upcaster registry. A version with a schema but no upcaster (or the reverse) fails here.
  it('the type aliases and the upcaster registry declare the same latest version of every event type', () => {
    const latestByAliases = new Map<string, number>();
    for (const { type, version } of declaredEventVersions(root)) latestByAliases.set(type, Math.max(version, latestByAliases.get(type) ?? 0));
    for (const [type, version] of latestByAliases) expect({ type, version: latestSchemaVersion(type) }).toEqual({ type, version });
    for (const type of Object.keys(EVENT_SCHEMA_VERSIONS)) expect(latestByAliases.has(type)).toBe(true);
  });
});
