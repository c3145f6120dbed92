// The web app in Chromium against `npm start` on a fresh data folder with the demo quarter imported:
// one platform for every file (global setup), files one after another (they share its data).
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'web-e2e',
  rootDir: __dirname,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  maxWorkers: 1,
};
