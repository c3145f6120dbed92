import { expect } from 'vitest';

/** Any UUID (v1-v8, any case): a person must never read one. */
export const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Fails the test when the rendered page shows a UUID anywhere in its text (dialogs in portals included). */
export function expectNoUuid(root: { textContent: string | null } = document.body): void {
  const text = root.textContent ?? '';
  const found = UUID.exec(text);
  expect(found, found ? `a UUID is shown to the reader: …${text.slice(Math.max(0, found.index - 60), found.index + 40)}…` : undefined).toBeNull();
}
