/** The schema generator (`npm run schemas:generate` and the drift test): Node and the TypeScript compiler, never in a service. */
export * from './generator/domain-event-types';
export * from './generator/event-contract-files';
export * from './generator/generate-event-schemas';
export * from './generator/personal-data';
export * from './generator/older-personal-data';
