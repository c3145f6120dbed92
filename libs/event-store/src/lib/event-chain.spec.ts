import { canonicalJson, chainHash, chainedContent, referenceCanonicalJson } from './event-chain';

class Point {
  constructor(
    readonly y: number,
    readonly x: number,
  ) {}
}

/** Values an event may carry, and the odd ones the one-pass writer hands to the reference. */
const corpus: Record<string, unknown> = {
  'a check-in': { keyResultId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', value: 42.5, confidence: 0.7, note: 'Churn fell — “finally”.' },
  'nested objects and arrays': { z: [{ b: 1, a: [3, { d: null, c: true }] }, [], {}], a: { y: 'é', x: '\u2028\n"' } },
  'unicode and escaped keys': { 'é': 1, e: 2, E: 3, '\u{1F600}': 4, 'a"b': 5, '': 6 },
  'undefined, functions and symbols': { keep: 1, gone: undefined, fn: () => 1, sym: Symbol('s'), list: [undefined, () => 1, Symbol('t'), 2] },
  'numbers JSON cannot say': { nan: Number.NaN, inf: Number.POSITIVE_INFINITY, negativeZero: -0, big: 1e21, small: 5e-7 },
  'index-like keys': { 10: 'ten', 2: 'two', b: 'b', a: 'a', '01': 'zero one', 4294967296: 'beyond' },
  'dates and toJSON': { at: new Date(1_750_000_000_000), custom: { toJSON: () => ({ b: 2, a: 1 }) } },
  'class instances and boxed values': { point: new Point(2, 1), boxed: Object('text'), number: Object(3) },
  'a null-prototype object': Object.assign(Object.create(null) as object, { b: 2, a: 1 }),
  'an own __proto__ key': JSON.parse('{"b":1,"__proto__":{"x":1},"a":2}'),
  'top-level scalars': ['text', 3, true, null],
};

describe('canonicalJson', () => {
  it.each(Object.entries(corpus))('writes exactly the reference bytes for %s', (_name, value) => {
    expect(canonicalJson(value)).toBe(referenceCanonicalJson(value));
  });

  it('sorts keys at every depth, so equal values written in another order have the same hash', () => {
    const one = { id: 'e1', streamId: 'objective-1', type: 'Drafted', schemaVersion: 1, data: { title: 'T', owner: 'o' }, metadata: { b: 1, a: 2 } };
    const other = { metadata: { a: 2, b: 1 }, data: { owner: 'o', title: 'T' }, schemaVersion: 1, type: 'Drafted', streamId: 'objective-1', id: 'e1' };
    expect(chainedContent(one)).toBe(chainedContent(other));
    expect(chainHash(undefined, 0, chainedContent(one))).toBe(chainHash(undefined, 0, chainedContent(other)));
    expect(canonicalJson(one.data)).toBe('{"owner":"o","title":"T"}');
  });

  it.each(Object.entries(corpus))('chains the bytes of the whole content object for data holding %s', (_name, value) => {
    const event = { id: 'e1', streamId: 'objective-1', type: 'Drafted', schemaVersion: 2, data: value, metadata: { tenantId: 't', b: [value] } };
    const { id, streamId, type, schemaVersion, data, metadata } = event;
    expect(chainedContent(event)).toBe(referenceCanonicalJson({ id, streamId, type, schemaVersion, data, metadata }));
  });

  it('leaves out of the content what JSON leaves out of an object', () => {
    const event = { id: 'e1', streamId: 'objective-1', type: 'Drafted', schemaVersion: undefined as unknown as number, data: undefined, metadata: {} };
    expect(chainedContent(event)).toBe('{"id":"e1","metadata":{},"streamId":"objective-1","type":"Drafted"}');
  });

  it('fails, as the reference does, on what JSON cannot hold', () => {
    expect(() => canonicalJson({ big: BigInt(1) })).toThrow(TypeError);
    const loop: Record<string, unknown> = {};
    loop['self'] = loop;
    expect(() => referenceCanonicalJson(loop)).toThrow();
    expect(() => canonicalJson(loop)).toThrow();
  });
});
