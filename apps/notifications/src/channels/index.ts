export * from './types';
export * from './format';
export * from './http';
export * from './webhook';
export * from './chat';
export * from './email';
export * from './backoff';
export * from './destination-guard';
