module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'insights-e2e',
  rootDir: __dirname,
};
