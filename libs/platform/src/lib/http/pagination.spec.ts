import { ValidationProblem } from '../errors/problems';
import {
  DEFAULT_PAGE_LIMIT,
  decodeCursor,
  encodeCursor,
  pageArray,
  type CursorPosition,
} from './pagination';
import { walkPages as walk } from '../../testing/walk-pages';

const problemOf = (run: () => unknown): ValidationProblem => {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationProblem) return error;
    throw error;
  }
  throw new Error('expected a ValidationProblem');
};

describe('cursor codec', () => {
  const position: CursorPosition = { key: '2026-10-01T09:00:00.000Z', id: 'obj-1' };

  it('decodes what it encodes, for string, number and null keys', () => {
    for (const key of ['2026-10-01', 42, null]) expect(decodeCursor('objectives', encodeCursor('objectives', { key, id: 'x' }))).toEqual({ key, id: 'x' });
    expect(encodeCursor('objectives', position)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['another list', encodeCursor('check-ins', position)],
    ['not base64url', 'abc+/=='],
    ['a character changed', encodeCursor('objectives', position).slice(0, -2) + '!!'],
    ['truncated', encodeCursor('objectives', position).slice(0, 10)],
    ['JSON that is not an object', Buffer.from('[1,2]').toString('base64url')],
    ['not JSON', Buffer.from('{"l":"objectives",').toString('base64url')],
    ['no id', Buffer.from(JSON.stringify({ l: 'objectives', k: 1 })).toString('base64url')],
    ['a key that is an object', Buffer.from(JSON.stringify({ l: 'objectives', k: { $gt: '' }, i: 'x' })).toString('base64url')],
    ['extra fields', Buffer.from(JSON.stringify({ l: 'objectives', k: 1, i: 'x', tenant: 'globex' })).toString('base64url')],
    ['empty', ''],
    ['too long', 'A'.repeat(600)],
  ])('refuses a cursor that is %s, with a 400 naming cursor', (_what, cursor) => {
    const problem = problemOf(() => decodeCursor('objectives', cursor));
    expect(problem.getStatus()).toBe(400);
    expect(problem.errors).toEqual([{ field: 'cursor', message: expect.stringContaining('cursor') }]);
  });
});

describe('pageArray', () => {
  const events = Array.from({ length: 7 }, (_, i) => ({ id: `e${i}`, revision: i }));
  const spec = { list: 'history', position: (e: { id: string; revision: number }) => ({ key: e.revision, id: e.id }) };

  it('walks every item once, in order, and ends with a null cursor', async () => {
    const { items, pages } = await walk((request) => pageArray(events, request, spec), 3);
    expect(items.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(pages).toBe(3);
  });

  it('answers the default limit when none is given', () => {
    const many = Array.from({ length: DEFAULT_PAGE_LIMIT + 5 }, (_, i) => ({ id: `e${String(i).padStart(3, '0')}`, revision: i }));
    const page = pageArray(many, {}, spec);
    expect(page.items).toHaveLength(DEFAULT_PAGE_LIMIT);
    expect(page.nextCursor).not.toBeNull();
  });

  it('does not repeat or skip when items are added before the cursor (newest first)', () => {
    const newestFirst = [...events].reverse();
    const desc = { ...spec, order: 'desc' as const };
    const first = pageArray(newestFirst, { limit: 3 }, desc);
    const grown = [{ id: 'e7', revision: 7 }, ...newestFirst];
    const second = pageArray(grown, { limit: 3, cursor: first.nextCursor ?? undefined }, desc);
    expect([...first.items, ...second.items].map((e) => e.revision)).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it('answers an empty last page with a null cursor', () => {
    expect(pageArray([], { limit: 5 }, spec)).toEqual({ items: [], nextCursor: null });
    expect(pageArray(events, { limit: 7 }, spec).nextCursor).toBeNull();
  });
});
