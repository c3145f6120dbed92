import type { ReadCollection, ReadStore } from '@okr/read-store';

/**
 * A read store whose collection `collectionName` makes two transactions race: writes are held until
 * two reads of it have returned (so each transaction reads before the other writes), and the second
 * write waits for `firstCommitted` (so it commits from a read that is stale by then). A projection
 * that loses an update or keeps a write skew under this interleaving fails its test; what two
 * partitions or two replicas do at random, this does every time.
 */
export function racingReadStore(store: ReadStore, collectionName: string, firstCommitted: () => Promise<unknown>): ReadStore {
  let reads = 0;
  let writes = 0;
  let bothRead!: () => void;
  const bothHaveRead = new Promise<void>((resolve) => (bothRead = resolve));
  const gate = (collection: ReadCollection): ReadCollection =>
    new Proxy(collection, {
      get(target, property) {
        if (property === 'find') {
          return async (...args: Parameters<ReadCollection['find']>) => {
            const found = await target.find(...args);
            if (++reads === 2) bothRead();
            return found;
          };
        }
        if (property === 'bulkWrite') {
          return async (...args: Parameters<ReadCollection['bulkWrite']>) => {
            await bothHaveRead;
            if (++writes === 2) await firstCommitted();
            return target.bulkWrite(...args);
          };
        }
        return bound(target, property);
      },
    });
  return new Proxy(store, {
    get(target, property) {
      if (property === 'collection') {
        return async (...args: Parameters<ReadStore['collection']>) => {
          const collection = await target.collection(...args);
          return args[0].name === collectionName ? gate(collection) : collection;
        };
      }
      return bound(target, property);
    },
  });
}

const bound = (target: object, property: string | symbol): unknown => {
  const value: unknown = Reflect.get(target, property);
  return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
};
