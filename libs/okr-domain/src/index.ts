export * from './lib/shared/envelope';
export * from './lib/shared/errors';
export * from './lib/cycle/cycle';
export * from './lib/objective/key-result';
export * from './lib/objective/objective.events';
export * from './lib/objective/objective.commands';
