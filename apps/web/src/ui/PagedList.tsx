import { useInfiniteQuery, type InfiniteData, type QueryKey, type UseInfiniteQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ErrorState, Empty, Loading } from './PageState';

/** One page of any list route: the one list convention of the API. */
export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** Items per request of a page's list (the services answer at most 200). */
export const PAGE_SIZE = 25;

/**
 * A paged list read one page at a time: the first page on mount, the next one only when the person asks
 * for it ("Load more"), so a large list is never fetched whole.
 */
export function usePagedList<P extends ListPage<unknown>>(
  queryKey: QueryKey,
  fetchPage: (cursor: string | undefined) => Promise<P>,
  { enabled = true }: { enabled?: boolean } = {},
) {
  return useInfiniteQuery({
    queryKey,
    enabled,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** Every item fetched so far, in order. */
export function itemsOf<T>(data: InfiniteData<ListPage<T>> | undefined): T[] {
  return (data?.pages ?? []).flatMap((p) => p.items);
}

/**
 * Loading, error (the problem's sentences), empty, or the items with a "Load more" button while the
 * service says there is more. A failed next page keeps what was shown and says why beside the button.
 */
export function PagedView<T, P extends ListPage<T>>({
  query,
  loading,
  empty,
  children,
}: {
  query: UseInfiniteQueryResult<InfiniteData<P>>;
  loading?: string;
  empty: ReactNode;
  children: (items: T[], pages: P[]) => ReactNode;
}) {
  if (query.isPending) return <Loading what={loading} />;
  if (query.isError && !query.isFetchNextPageError) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  const pages = query.data?.pages ?? [];
  const items = pages.flatMap((p) => p.items);
  if (items.length === 0) return <Empty>{empty}</Empty>;
  return (
    <>
      {children(items, pages)}
      {query.isFetchNextPageError && <ErrorState error={query.error} />}
      {query.hasNextPage && (
        <p className="load-more">
          <button type="button" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
            {query.isFetchingNextPage ? 'Loading more…' : 'Load more'}
          </button>
        </p>
      )}
    </>
  );
}
