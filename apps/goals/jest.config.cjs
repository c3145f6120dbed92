module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'goals',
  rootDir: __dirname,
};
