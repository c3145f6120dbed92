module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'notifications-e2e',
  rootDir: __dirname,
};
