import type { EventEnvelope } from '@okr/okr-domain';
import { SharedPages, deepFreeze, firstAfter, type SharedPage } from './shared-pages';

const envelope = (position: number): EventEnvelope => ({
  id: `e${position}`,
  type: 'Counted',
  schemaVersion: 1,
  streamId: 'c-1',
  revision: position,
  position,
  data: { position },
  metadata: { tenantId: 't', actor: 'a', correlationId: 'c', causationId: 'c', occurredAt: '2026-12-04T00:00:00.000Z' },
});
const page = (after: number, positions: number[]): SharedPage => ({
  after,
  last: positions[positions.length - 1],
  stored: positions.map(envelope),
  lifted: [],
});

describe('SharedPages', () => {
  it('finds the page holding `after` (inclusive start, exclusive end), the one reaching furthest', () => {
    const pages = new SharedPages(100);
    pages.add('k', page(10, [11, 13]));
    pages.add('k', page(10, [11, 13, 15, 17])); // read again after more was committed: replaces
    pages.add('k', page(17, [20]));

    expect(pages.find('k', 10)?.last).toBe(17);
    expect(pages.find('k', 16)?.last).toBe(17);
    expect(pages.find('k', 17)?.last).toBe(20);
    expect(pages.find('k', 20)).toBeUndefined(); // nothing known after the last page
    expect(pages.find('k', 9)).toBeUndefined(); // (9, 10] was never read
    expect(pages.find('other', 10)).toBeUndefined();
    expect(pages.stats()).toMatchObject({ pagesRead: 3, rowsParsed: 7, pagesShared: 3, cachedPages: 2, cachedEvents: 5 });
  });

  it('drops the least recently used pages beyond its bound, and keeps none when off', () => {
    const pages = new SharedPages(4);
    pages.add('k', page(0, [1, 2]));
    pages.add('k', page(2, [3, 4]));
    pages.find('k', 0); // touched: the page of (2, 4] is now the oldest
    pages.add('k', page(4, [5, 6]));

    expect(pages.find('k', 2)).toBeUndefined();
    expect(pages.find('k', 0)?.last).toBe(2);
    expect(pages.stats()).toMatchObject({ cachedEvents: 4, cachedPages: 2 });

    const off = new SharedPages(0);
    off.add('k', page(0, [1]));
    expect(off.enabled).toBe(false);
    expect(off.stats()).toMatchObject({ pagesRead: 1, rowsParsed: 1, cachedEvents: 0 });
  });

  it('finds the first event past a position', () => {
    const events = [2, 4, 6].map(envelope);
    expect([0, 2, 3, 4, 6, 7].map((after) => firstAfter(events, after))).toEqual([0, 1, 1, 2, 3, 3]);
  });

  it('freezes an event all the way down', () => {
    const event = deepFreeze({ data: { list: [{ value: 1 }] }, metadata: { tenantId: 't' } });
    expect(Object.isFrozen(event.data.list[0])).toBe(true);
    expect(Object.isFrozen(event.metadata)).toBe(true);
  });
});
