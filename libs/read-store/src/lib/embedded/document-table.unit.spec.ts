import { DocumentCache, DocumentTable } from './document-table';

/** A table over a fake file: every document's text, and a count of the reads that went to it. */
const tableOver = (budget: number) => {
  const file = new Map<string, string>();
  const reads: string[] = [];
  const cache = new DocumentCache(budget);
  const table = new DocumentTable('docs', cache, (collection, id) => {
    reads.push(id);
    return file.get(`${collection}|${id}`);
  });
  const commit = (id: string, document: { _id: string } & Record<string, unknown>): void => {
    const text = JSON.stringify(document);
    file.set(`${table.name}|${id}`, text);
    table.set(id, document, text.length);
  };
  return { table, cache, reads, commit };
};

const doc = (id: string) => ({ _id: id, padding: 'x'.repeat(80) });
const size = JSON.stringify(doc('d0')).length;

describe('DocumentTable and its cache', () => {
  it('keeps documents within the budget and reads the evicted ones back from the file', () => {
    const { table, cache, reads, commit } = tableOver(10 * size);
    for (let i = 0; i < 100; i++) commit(`d${i}`, doc(`d${i}`));
    expect(cache.usage().bytes).toBeLessThanOrEqual(10 * size);
    expect(cache.usage().documents).toBeGreaterThan(0);
    expect(table.size).toBe(100);
    for (let i = 0; i < 100; i++) expect(table.get(`d${i}`)).toEqual(doc(`d${i}`));
    expect(reads.length).toBeGreaterThan(80);
    expect(cache.usage().bytes).toBeLessThanOrEqual(10 * size);
  });

  it('gives a document read since the last sweep a second chance', () => {
    const { table, reads, commit } = tableOver(10 * size);
    for (let i = 0; i < 10; i++) commit(`d${i}`, doc(`d${i}`));
    // Over budget: a sweep passes every document (each was read: admitted) and evicts the oldest two.
    commit('d10', doc('d10'));
    // d2, now the oldest cached, is read; the next sweep passes it by and evicts d3 and d4 instead.
    table.get('d2');
    commit('d11', doc('d11'));
    commit('d12', doc('d12'));
    reads.length = 0;
    table.get('d2');
    expect(reads).toEqual([]);
    table.get('d3');
    expect(reads).toEqual(['d3']);
  });

  it('a new version is a new identity; the old one leaves the cache', () => {
    const { table, cache, commit } = tableOver(1_000_000);
    commit('a', { _id: 'a', n: 1 });
    const first = table.version('a');
    commit('a', { _id: 'a', n: 2 });
    expect(table.version('a')).not.toBe(first);
    expect(first?.doc).toBeUndefined();
    expect(cache.usage().documents).toBe(1);
    table.delete('a');
    expect(cache.usage()).toEqual({ bytes: 0, documents: 0, fileReads: 0 });
  });

  it('a walk of the whole table reads evicted documents without flushing the cache', () => {
    const { table, cache, commit } = tableOver(5 * size);
    for (let i = 0; i < 50; i++) commit(`d${i}`, doc(`d${i}`));
    const before = cache.usage();
    expect([...table.entries()].map(([id]) => id)).toEqual(Array.from({ length: 50 }, (_, i) => `d${i}`));
    expect(cache.usage()).toEqual({ ...before, fileReads: before.fileReads + 50 - before.documents });
  });

  it('with a budget of 0 nothing stays parsed', () => {
    const { table, cache, reads, commit } = tableOver(0);
    commit('a', doc('a'));
    expect(cache.usage().documents).toBe(0);
    expect(table.get('a')).toEqual(doc('a'));
    expect(table.get('a')).toEqual(doc('a'));
    expect(reads).toEqual(['a', 'a']);
  });
});
