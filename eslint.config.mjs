import { builtinModules } from 'node:module';
import nx from '@nx/eslint-plugin';
import reactHooks from 'eslint-plugin-react-hooks';

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

/** What the end-to-end projects may import of the apps they start (and of the command-line tools they drive). */
const e2eImportsOfApps = [
  '@okr/goals-app',
  '@okr/check-ins-app',
  '@okr/check-ins-app/testing',
  '@okr/insights-app',
  '@okr/insights-app/testing',
  '@okr/notifications-app',
  '@okr/notifications-app/testing',
  '@okr/gateway-app',
  '../../../tools/large-org/*',
  '../../../tools/event-export/*',
  '../../../tools/export-events',
];

/**
 * What the command-line tools (`npm run api:generate`, `gateway:routes`, `docs:permissions`,
 * `asyncapi:generate`) import by path: the platform-e2e harness that starts the four services in one
 * process, and the AsyncAPI document builder inside the messaging library.
 */
const toolImportsByPath = ['../apps/platform-e2e/test/support/*', '../libs/messaging/src/lib/asyncapi/asyncapi-document'];

/** The Nx module-boundary options, with the imports that skip them (`allow`: only the e2e projects and the tools have any). */
const moduleBoundaries = (allow) => ({
  enforceBuildableLibDependency: true,
  allow,
  depConstraints: [
    // End-to-end projects start the apps they test; nothing else may import an app.
    { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:app', 'type:data-access', 'type:util', 'type:domain'] },
    // The web app runs in browsers: it talks to the services over HTTP only, never through their code.
    { sourceTag: 'type:web', onlyDependOnLibsWithTags: [] },
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:domain'] },
    // The command-line tools (tools/) drive the platform as the end-to-end projects do.
    { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:e2e', 'type:app', 'type:data-access', 'type:util', 'type:domain'] },
    { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:domain'] },
    { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:domain'] },
    {
      sourceTag: 'type:domain',
      onlyDependOnLibsWithTags: ['type:domain'],
      bannedExternalImports: adapterLibraries,
    },
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    { sourceTag: 'scope:web', onlyDependOnLibsWithTags: [] },
    { sourceTag: 'scope:goals', onlyDependOnLibsWithTags: ['scope:goals', 'scope:shared'] },
    { sourceTag: 'scope:check-ins', onlyDependOnLibsWithTags: ['scope:check-ins', 'scope:shared'] },
    { sourceTag: 'scope:notifications', onlyDependOnLibsWithTags: ['scope:notifications', 'scope:shared'] },
    { sourceTag: 'scope:insights', onlyDependOnLibsWithTags: ['scope:insights', 'scope:shared'] },
  ],
});

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/.nx', '**/tmp', '**/data', '**/jest.config.cjs'] },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.cjs', '**/*.mjs', '**/*.mts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries([])],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Nx forbids importing an app from any project, its e2e projects included; these start the apps in-process.
    // Every other project keeps `allow: []`, so no app imports another (by alias or relative path).
    files: ['apps/platform-e2e/**', 'apps/check-ins-e2e/**', 'apps/insights-e2e/**', 'apps/notifications-e2e/**'],
    rules: { '@nx/enforce-module-boundaries': ['error', moduleBoundaries(e2eImportsOfApps)] },
  },
  {
    files: ['tools/**'],
    rules: { '@nx/enforce-module-boundaries': ['error', moduleBoundaries(toolImportsByPath)] },
  },
  {
    // One way to use @nestjs/cqrs: a service's controller sends commands and queries on the buses and
    // injects nothing else; the handlers hold the logic (docs/ARCHITECTURE.md).
    files: ['apps/{goals,check-ins,insights,notifications}/src/**/*.controller.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "MethodDefinition[kind='constructor'] > FunctionExpression > :matches(TSParameterProperty, Identifier) TSTypeReference[typeName.name!=/^(CommandBus|QueryBus)$/]",
          message: 'A controller injects only CommandBus and QueryBus: put the logic in a command or query handler.',
        },
      ],
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
  {
    files: ['apps/web/**/*.ts', 'apps/web/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // Generated by `npm run api:generate` from the services' OpenAPI documents.
    ignores: ['apps/web/src/api/schema/**'],
  },
];
