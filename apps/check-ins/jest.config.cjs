module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'check-ins',
  rootDir: __dirname,
};
