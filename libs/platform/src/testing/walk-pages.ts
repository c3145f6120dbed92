import type { Page, PageRequest } from '../lib/http/pagination';

/** Every item of a list, page after page, following nextCursor. */
export async function walkPages<T>(fetch: (request: PageRequest) => Page<T> | Promise<Page<T>>, limit: number): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await fetch({ limit, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    pages += 1;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { items, pages };
}
