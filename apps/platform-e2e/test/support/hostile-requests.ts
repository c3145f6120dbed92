import fc from 'fast-check';
import type { RouteInfo } from './routes';

/** One generated request: everything `inject` needs. */
export interface HostileRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString'];

/** Strings that tend to break parsers, validators, queries and logs. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '😀'.repeat(50),
  'e\u0301',
  '\u202e\u0041',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '{"$gt":""}',
  '$where',
  '../../../etc/passwd',
  '%00',
  'NaN',
  '-1',
  '1e999',
  'true',
  'null',
  '2026-02-30',
  '2026-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '0000-01-01',
  'https://127.0.0.1/x',
  'http://169.254.169.254/latest/meta-data/',
  'smtp.example.com',
  'slack',
  'json',
  'admin',
  'increase',
  'objective',
  'team',
  'Europe/Paris',
  '09:00',
];

/** Hostile leaf and container values: wrong types, nulls, huge and odd strings, odd numbers, nesting. */
const hostileValue = (ids: readonly string[]): fc.Arbitrary<unknown> =>
  fc.oneof(
    // Wrong types first: nulls and arrays where objects or strings belong found most of the 500s.
    { arbitrary: fc.constantFrom<unknown>(null, [], [[]], {}, [null], [{}], ''), weight: 10 },
    { arbitrary: fc.constantFrom<unknown>(true, false, 0, -0, -1, 1.5, 2 ** 53 + 1, 1e308, -1e308), weight: 3 },
    { arbitrary: fc.constantFrom(...NASTY_STRINGS), weight: 4 },
    { arbitrary: fc.constantFrom(...ids), weight: 3 },
    { arbitrary: fc.uuid(), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
    { arbitrary: fc.integer({ min: 1000, max: 200_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
    { arbitrary: fc.integer({ min: 33, max: 3000 }).map((depth) => nest(depth)), weight: 1 },
    { arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => ({ i }))), weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 3 },
    { arbitrary: fc.array(fc.constantFrom(...ids, 'x', ''), { maxLength: 30 }), weight: 2 },
  );

function nest(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

/** An object with the route's own field names (and prototype keys), each given a hostile value. */
const hostileObject = (route: RouteInfo, ids: readonly string[]): fc.Arbitrary<Record<string, unknown>> => {
  const keys = [...route.bodyFields, ...PROTO_KEYS, 'extra'];
  return fc
    .array(fc.tuple(fc.constantFrom(...keys), hostileValue(ids)), { maxLength: Math.max(3, route.bodyFields.length + 2) })
    .map((entries) => {
      // JSON.parse makes `__proto__` an own key: so does defineProperty, and JSON.stringify then sends it.
      const object: Record<string, unknown> = {};
      for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      return object;
    });
};

/**
 * A body the route accepts, with one to three fields replaced by hostile values, removed, or (for an
 * array or object field) given a hostile element: what reaches the handler past most of validation.
 */
const mutatedBase = (route: RouteInfo, bases: readonly Record<string, unknown>[], ids: readonly string[]): fc.Arbitrary<Record<string, unknown>> => {
  const keys = [...new Set([...route.bodyFields, ...bases.flatMap((b) => Object.keys(b))])];
  const mutation = fc.tuple(fc.constantFrom(...keys), fc.constantFrom('set', 'set', 'set', 'delete', 'element'), hostileValue(ids));
  return fc.tuple(fc.constantFrom(...bases), fc.array(mutation, { minLength: 1, maxLength: 2 })).map(([base, mutations]) => {
    const body: Record<string, unknown> = structuredClone(base);
    for (const [key, kind, value] of mutations) {
      if (kind === 'delete') delete body[key];
      else if (kind === 'element' && Array.isArray(body[key])) body[key] = [...(body[key] as unknown[]), value];
      else if (kind === 'element' && typeof body[key] === 'object' && body[key] !== null) body[key] = { ...(body[key] as object), [key]: value };
      else body[key] = value;
    }
    return body;
  });
};

const body = (route: RouteInfo, ids: readonly string[], bases: readonly Record<string, unknown>[]): fc.Arbitrary<{ contentType?: string; payload?: string }> =>
  fc.oneof(
    ...(bases.length > 0
      ? [{ arbitrary: mutatedBase(route, bases, ids).map((o) => ({ contentType: 'application/json', payload: JSON.stringify(o) })), weight: 10 }]
      : []),
    { arbitrary: hostileObject(route, ids).map((o) => ({ contentType: 'application/json', payload: JSON.stringify(o) })), weight: 8 },
    { arbitrary: hostileValue(ids).map((v) => ({ contentType: 'application/json', payload: JSON.stringify(v) ?? 'null' })), weight: 3 },
    {
      arbitrary: fc.constantFrom(
        '{"title": ',
        '[' .repeat(100_000),
        '{"a":1,"a":2}',
        '\u0000',
        '',
        '{"__proto__":{"isAdmin":true}}',
        '{"constructor":{"prototype":{"isAdmin":true}}}',
        'null',
        '"just a string"',
        '1e999999',
      ).map((payload) => ({ contentType: 'application/json', payload })),
      weight: 2,
    },
    {
      arbitrary: fc.tuple(
        fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=utf-16', 'application/merge-patch+json'),
        fc.constantFrom('a=1&__proto__[admin]=1', '{"title":"x"}', '<x/>', '--x\r\n\r\n--x--', ''),
      ).map(([contentType, payload]) => ({ contentType, payload })),
      weight: 1,
    },
    { arbitrary: fc.constant({}), weight: 1 },
  );

/** Path segments: seeded ids (so the deep paths run), and ids that are not. */
const segment = (ids: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...ids), weight: 6 },
    { arbitrary: fc.uuid().map(String), weight: 2 },
    {
      arbitrary: fc.constantFrom(
        'not-a-uuid',
        '00000000-0000-0000-0000-000000000000',
        '..',
        '%2e%2e',
        '%2F',
        '%00',
        '%E0%A4%A',
        '%ZZ',
        encodeURIComponent('é😀'),
        '__proto__',
        'constructor',
        encodeURIComponent("' OR 1=1 --"),
        'x'.repeat(300),
        'objective',
        'team',
      ),
      weight: 3,
    },
  );

const header = (values: readonly string[]) => fc.option(fc.constantFrom(...values), { nil: undefined });

/**
 * A hostile request to one write route. `tokens` are bearer tokens of different principals; `bases`
 * bodies the route accepts, to mutate (none: only generated bodies).
 */
export const hostileRequest = (
  route: RouteInfo,
  ids: readonly string[],
  tokens: readonly string[],
  bases: readonly Record<string, unknown>[] = [],
): fc.Arbitrary<HostileRequest> =>
  fc
    .record({
      segments: fc.array(segment(ids), { minLength: route.params.length, maxLength: route.params.length }),
      body: body(route, ids, bases),
      token: fc.oneof({ arbitrary: fc.constantFrom(...tokens), weight: 9 }, { arbitrary: fc.constantFrom('', 'garbage', 'eyJhbGciOiJub25lIn0.e30.'), weight: 1 }),
      ifMatch: header(['"0"', '"-1"', '"999999999999999999999"', '*', 'W/"1"', '"x"', 'garbage', '"' + 'x'.repeat(5000) + '"', '"1", "2"']),
      idempotencyKey: header(['k-1', 'k-2', 'x'.repeat(500), ' ', 'é', '\t']),
      // Valid ones are unique: the suite finds a request's events by its correlation id.
      correlationId: fc.option(fc.oneof(fc.constantFrom('../../x', 'x'.repeat(300), 'a b'), fc.uuid()), { nil: undefined }),
      query: fc.constantFrom('', '?asOf=garbage', '?x=%00', '?__proto__[a]=1', '?limit=-1&cursor=%ZZ'),
    })
    .map(({ segments, body: b, token, ifMatch, idempotencyKey, correlationId, query }) => {
      let i = 0;
      const url = route.path.replace(/:\w+/g, () => segments[i++] ?? 'x') + query;
      const headers: Record<string, string> = {};
      if (token) headers['authorization'] = `Bearer ${token}`;
      if (b.contentType) headers['content-type'] = b.contentType;
      if (ifMatch !== undefined) headers['if-match'] = ifMatch;
      if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
      if (correlationId !== undefined) headers['x-correlation-id'] = correlationId;
      return { method: route.method, url, headers, ...(b.payload !== undefined ? { payload: b.payload } : {}) };
    });
