// Shared Jest settings. NestJS 12, jose and content-disposition ship ES modules, so those node_modules are transformed by SWC too
// (see TOOLCHAIN.md); TypeScript path aliases come from tsconfig.base.json.
const path = require('node:path');
const fs = require('node:fs');

const swcrc = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));
delete swcrc.$schema;
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(__dirname, 'tsconfig.base.json'), 'utf8'));

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias.replace(/[/.]/g, '\\$&')}$`] = path.join(__dirname, target);
}

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  transformIgnorePatterns: [
    '^(?!.*/node_modules/(?:@nestjs|jose|content-disposition|file-type|load-esm|uid|strtok3|token-types|@tokenizer|uint8array-extras|cookie)/).*/node_modules/',
  ],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testMatch: ['**/*.spec.ts'],
  // Tests wait for events, not for the machine's speed (waitFor fails on a stall): Jest's limit only catches a hang.
  testTimeout: 600_000,
};
