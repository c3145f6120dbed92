import { vi } from 'vitest';

/**
 * jsdom lays nothing out and has no ResizeObserver; Recharts' ResponsiveContainer wants one. Pages with
 * charts call this in their tests: the chart draws at its initial size, the tests read its table.
 */
export function stubResizeObserver(): void {
  if (globalThis.ResizeObserver) return;
  vi.stubGlobal(
    'ResizeObserver',
    class {
      observe = (): void => undefined;
      unobserve = (): void => undefined;
      disconnect = (): void => undefined;
    },
  );
}
