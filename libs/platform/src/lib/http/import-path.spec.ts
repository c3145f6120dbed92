import { importPathProblem, normaliseRequestPath } from './import-path';

describe('import paths, checked as the router will see them', () => {
  it.each([
    ['/api/v1/objectives', '/api/v1/objectives'],
    ['/api/v1/./objectives', '/api/v1/objectives'],
    ['/api/v1/x/../objectives/', '/api/v1/objectives'],
    ['/api/v1//%6fbjectives?dryRun=1', '/api/v1/objectives?dryRun=1'],
    ['/api/v1/objectives/a%20b', '/api/v1/objectives/a%20b'],
    ['/api/v1/%2569mports', '/api/v1/%2569mports'],
  ])('normalises %s to %s', (path, normalised) => {
    expect(normaliseRequestPath(path)).toBe(normalised);
  });

  it.each([['/api/v1/%69mports'], ['/api/v1/./imports'], ['/api/v1/x/../imports'], ['/api/v1/%2e%2e/v1/imports/'], ['/api/v1/Imports?x=1']])(
    'refuses %s as a nested import',
    (path) => {
      expect(importPathProblem(normaliseRequestPath(path))).toContain('/api/v1/imports');
    },
  );

  it('refuses what is not a route under /api/v1/, or does not decode', () => {
    expect(importPathProblem(normaliseRequestPath('/api/v1/../../health/live'))).toBe('must be a write route under /api/v1/');
    expect(importPathProblem(normaliseRequestPath('/api/v1'))).toBe('must be a write route under /api/v1/');
    expect(normaliseRequestPath('/api/v1/%E0%A4%A')).toBeUndefined();
    expect(normaliseRequestPath('/api/v1/a%5Cb')).toBeUndefined();
    expect(normaliseRequestPath('/api/v1/a%00b')).toBeUndefined();
    expect(importPathProblem(undefined)).toContain('control characters');
    expect(importPathProblem(normaliseRequestPath('/api/v1/%2569mports'))).toBeUndefined();
  });
});
