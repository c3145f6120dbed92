export * from './testing/read-store.contract';
