module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'insights',
  rootDir: __dirname,
};
