import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// `findBy…` and `waitFor` wait for what the page shows. Their 1 s default is a speed limit that a
// loaded CI machine misses (a team page test failed so); this is only a guard against a page that never shows it.
configure({ asyncUtilTimeout: 30_000 });

afterEach(() => {
  cleanup();
  sessionStorage.clear();
});
