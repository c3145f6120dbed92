export * from './lib/compatibility';
export * from './lib/event-schemas';
export * from './lib/json-schema';
export * from './lib/schema-names';
export * from './lib/validate-event-data';
