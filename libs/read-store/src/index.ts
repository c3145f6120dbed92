export * from './lib/read-store.port';
export * from './lib/errors';
export * from './lib/mongodb/mongo-read-store';
export * from './lib/embedded/embedded-read-store';
export * from './lib/read-store.module';
export * from './lib/page-collection';
export { jsonCopy } from './lib/embedded/stored-json';
