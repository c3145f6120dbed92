export * from './lib/integration-event';
export * from './lib/topics';
export * from './lib/messaging.port';
