import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { declaredEventVersions, DOMAIN_SOURCES } from './domain-event-types';

/** A domain of one file, in a temporary root. */
function domainOf(source: string): string {
  const root = mkdtempSync(join(tmpdir(), 'okr-event-types-'));
  mkdirSync(join(root, DOMAIN_SOURCES, 'thing'), { recursive: true });
  writeFileSync(join(root, DOMAIN_SOURCES, 'thing/thing.ts'), `import type { DomainEvent } from '../shared/envelope';\n${source}`);
  return root;
}

describe('declaredEventVersions', () => {
  const roots: string[] = [];
  const declared = (source: string) => {
    const root = domainOf(source);
    roots.push(root);
    return declaredEventVersions(root);
  };
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

  it('reads the version written today from `X` and older ones, kept for upcasters, from `XV<n>`', () => {
    const found = declared(`
/** A thing was named. */
export type ThingNamed = DomainEvent<'ThingNamed', { thingId: string; firstName: string; lastName: string }>;
export type ThingNamedV1 = DomainEvent<'ThingNamed', { thingId: string; name: string }>;
export type ThingDropped = DomainEvent<'ThingDropped', { thingId: string }>;
type Internal = DomainEvent<'Internal', { x: string }>;
export type NotAnEvent = { type: 'NotAnEvent' };
`);
    expect(found.map(({ type, version, alias, description }) => ({ type, version, alias, description }))).toEqual([
      { type: 'ThingDropped', version: 1, alias: 'ThingDropped', description: undefined },
      { type: 'ThingNamed', version: 1, alias: 'ThingNamedV1', description: undefined },
      { type: 'ThingNamed', version: 2, alias: 'ThingNamed', description: 'A thing was named.' },
    ]);
  });

  it('refuses an alias that names no version, a gap in the versions, or a type without its current alias', () => {
    expect(() => declared(`export type OldThing = DomainEvent<'ThingNamed', { a: string }>;\nexport type ThingNamed = DomainEvent<'ThingNamed', { b: string }>;`)).toThrow(
      'the alias OldThing of event type ThingNamed must be named ThingNamed (written today) or ThingNamedV<N> (an older version)',
    );
    expect(() => declared(`export type ThingNamedV2 = DomainEvent<'ThingNamed', { a: string }>;\nexport type ThingNamed = DomainEvent<'ThingNamed', { b: string }>;`)).toThrow(
      'older versions must be V1..V1, found ThingNamedV2',
    );
    expect(() => declared(`export type ThingNamedV1 = DomainEvent<'ThingNamed', { a: string }>;`)).toThrow('needs exactly one alias named ThingNamed');
  });
});
