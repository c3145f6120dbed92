import { builtinModules } from 'node:module';
import nx from '@nx/eslint-plugin';

/**
 * Module boundaries: apps -> platform/adapters -> okr-domain, never back. The domain is pure:
 * no framework, no adapter library, no I/O.
 */
const adapterLibraries = [
  '@nestjs/*',
  'kafkajs',
  'mongoose',
  'mingo',
  'better-sqlite3',
  '@eventstore/db-client',
  '@kurrent/kurrentdb-client',
  'fastify',
  'pino',
  'jose',
  'node:fs',
  'fs',
  'node:http',
  'http',
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/.nx', '**/tmp', '**/data', '**/jest.config.cjs'] },
  {
    files: ['**/*.ts', '**/*.js', '**/*.cjs', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            // End-to-end projects start the apps they test; nothing else may import an app.
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:app', 'type:data-access', 'type:util', 'type:domain'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:domain'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:domain'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:domain'] },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain'],
              bannedExternalImports: adapterLibraries,
            },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:goals', onlyDependOnLibsWithTags: ['scope:goals', 'scope:shared'] },
            { sourceTag: 'scope:check-ins', onlyDependOnLibsWithTags: ['scope:check-ins', 'scope:shared'] },
            { sourceTag: 'scope:notifications', onlyDependOnLibsWithTags: ['scope:notifications', 'scope:shared'] },
            { sourceTag: 'scope:insights', onlyDependOnLibsWithTags: ['scope:insights', 'scope:shared'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['tools/**', 'bench/**', '**/*.spec.ts', '**/testing/**', '**/jest.config.cjs'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Benchmarks measure internals on purpose (an adapter's schema, an app's dispatcher) beside a raw baseline.
    files: ['bench/**'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // bannedExternalImports above only matches npm packages: Node's built-ins need a rule of their own.
    files: ['libs/okr-domain/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^node:', message: 'The domain is pure: no Node built-ins (I/O belongs to the adapters).' }], paths: builtinModules.map((name) => ({ name, message: 'The domain is pure: no Node built-ins (I/O belongs to the adapters).' })) },
      ],
    },
  },
];
