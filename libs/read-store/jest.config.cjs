module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'read-store',
  rootDir: __dirname,
};
