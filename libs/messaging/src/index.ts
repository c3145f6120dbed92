export * from './lib/integration-event';
export * from './lib/topics';
export * from './lib/messaging.port';
export * from './lib/relay/relay-state.port';
export * from './lib/relay/sqlite-relay-state';
export * from './lib/relay/event-store-relay-state';
export * from './lib/relay/relay';
