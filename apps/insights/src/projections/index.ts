export * from './objective-summary';
export * from './key-result-series';
export * from './learnings-feed';
export * from './at-risk';
export * from './questions';
