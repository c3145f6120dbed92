export * from './testing/event-store.contract';
export * from './testing/count-events';
export * from './testing/key-store.contract';
export * from './testing/snapshot-store.contract';
