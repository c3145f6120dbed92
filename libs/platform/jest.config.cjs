// jose ships ES modules only, so it is transformed too (the shared preset does not list it yet).
const preset = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: 'platform',
  rootDir: __dirname,
  transformIgnorePatterns: [
    '^(?!.*/node_modules/(?:@nestjs|jose|file-type|load-esm|uid|strtok3|token-types|@tokenizer|uint8array-extras|cookie)/).*/node_modules/',
  ],
};
