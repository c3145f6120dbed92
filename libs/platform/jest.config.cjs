// jose and content-disposition (under @fastify/static, for Swagger UI) ship ES modules only, so they
// are transformed too; the shared preset does not list them yet.
const preset = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: 'platform',
  rootDir: __dirname,
  transformIgnorePatterns: [
    '^(?!.*/node_modules/(?:@nestjs|jose|content-disposition|file-type|load-esm|uid|strtok3|token-types|@tokenizer|uint8array-extras|cookie)/).*/node_modules/',
  ],
};
