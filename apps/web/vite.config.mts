/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web app. `npm start` builds it into dist/apps/web, which the gateway serves at http://localhost:3000
 * beside the API (one origin). `nx serve web` runs Vite's dev server proxying /api to the gateway.
 */
export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/apps/web',
  plugins: [react()],
  server: { port: 4200, proxy: { '/api': 'http://localhost:3000' } },
  build: {
    outDir: '../../dist/apps/web',
    emptyOutDir: true,
    reportCompressedSize: false,
    sourcemap: true,
  },
  test: {
    name: 'web',
    environment: 'jsdom',
    globals: false,
    include: ['src/**/*.spec.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    // Component tests wait for what the page shows, not for the machine's speed.
    testTimeout: 60_000,
  },
});
