export * from './lib/route-table';
export * from './lib/route-table.generated';
export * from './lib/http-routes';
