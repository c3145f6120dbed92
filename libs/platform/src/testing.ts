export * from './testing/platform-test-app';
