module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'check-ins-e2e',
  rootDir: __dirname,
};
