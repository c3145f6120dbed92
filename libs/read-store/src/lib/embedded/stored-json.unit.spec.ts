import { jsonCopy, sameJson } from './stored-json';

const roundTrip = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A random JSON-ish value, with the things JSON drops or rewrites mixed in. */
const randomValue = (depth: number, random: () => number): unknown => {
  const pick = Math.floor(random() * (depth > 3 ? 8 : 11));
  switch (pick) {
    case 0: return null;
    case 1: return random() < 0.5;
    case 2: return Math.round(random() * 1000) - 500;
    case 3: return [NaN, Infinity, -0, 0.25][Math.floor(random() * 4)];
    case 4: return `s${Math.floor(random() * 100)}`;
    case 5: return undefined;
    case 6: return new Date(Math.floor(random() * 1e12));
    case 7: return '\ud800 lone surrogate';
    case 8: return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(depth + 1, random));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 5); i > 0; i--) object[random() < 0.2 ? String(i) : `k${Math.floor(random() * 9)}`] = randomValue(depth + 1, random);
      return object;
    }
  }
};

const seeded = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

describe('jsonCopy', () => {
  it('gives what a JSON round trip gives, field order included, on random values', () => {
    const random = seeded(7);
    for (let i = 0; i < 2000; i++) {
      const value = { _id: `d${i}`, value: randomValue(0, random) };
      const copy = jsonCopy(value);
      expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
      expect(copy).toEqual(roundTrip(value));
    }
  });

  it('drops undefined fields, writes null for undefined in arrays and for non-finite numbers, and shares nothing', () => {
    const nested = { a: 1 };
    const value = { nested, list: [undefined, NaN, nested], gone: undefined, date: new Date(0), zero: -0 };
    const copy = jsonCopy(value);
    expect(copy).toEqual({ nested: { a: 1 }, list: [null, null, { a: 1 }], date: '1970-01-01T00:00:00.000Z', zero: 0 });
    expect(Object.is(copy.zero, 0)).toBe(true);
    expect('gone' in copy).toBe(false);
    expect(copy.nested).not.toBe(nested);
    expect(copy.list[2]).not.toBe(nested);
  });

  it('fails on a bigint as JSON does', () => {
    expect(() => jsonCopy({ n: 1n })).toThrow(TypeError);
  });
});

describe('sameJson', () => {
  it('agrees with comparing the JSON texts of stored documents', () => {
    const random = seeded(11);
    for (let i = 0; i < 2000; i++) {
      const a = jsonCopy({ value: randomValue(0, random) });
      const b = random() < 0.3 ? jsonCopy(a) : jsonCopy({ value: randomValue(0, random) });
      expect(sameJson(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
    }
    expect(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(sameJson([1, 2], { 0: 1, 1: 2 })).toBe(false);
  });
});
