export * from './testing/platform-test-app';
export * from './testing/service-test-app';
export * from './testing/list-convention';
export * from './testing/idempotency-store.contract';
export * from './testing/walk-pages';
export * from './testing/openapi-gaps';
export * from './testing/fake-oidc-issuer';
export * from './testing/openapi-answers';
