export * from './testing/event-store.contract';
