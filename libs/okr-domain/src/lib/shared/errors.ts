/**
 * Typed domain errors. `kind` tells the edge how to answer (404 for `not-found`, 422 for a broken
 * rule) without the domain knowing about HTTP.
 */
export type DomainErrorKind = 'not-found' | 'rule-broken';

export class DomainError extends Error {
  constructor(
    /** Stable, kebab-case code for clients, e.g. `objective-closed`. */
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'rule-broken',
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (code: string, message: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError(code, message, 'not-found', details);

export const ruleBroken = (code: string, message: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError(code, message, 'rule-broken', details);
