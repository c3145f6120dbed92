module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'event-contracts',
  rootDir: __dirname,
};
