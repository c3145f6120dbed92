module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'okr-domain',
  rootDir: __dirname,
};
