import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliToken, startService, type RunningService } from '@okr/platform/testing';

/**
 * The goals service as an OS process on a real data folder: graceful restart and SIGKILL in the
 * middle of concurrent writes. Every write the client saw acknowledged must survive; nothing half-written.
 */
describe('goals service process (e2e)', () => {
  let dataDir: string;
  let token: string;
  let service: RunningService | undefined;

  const running = (): RunningService => {
    if (!service) throw new Error('the service is not running');
    return service;
  };

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${running().url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  };

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'okr-goals-e2e-'));
    token = cliToken(dataDir, ['--tenant', 'acme', '--user', 'alice', '--roles', 'admin', '--teams', 'growth']);
    service = await startService('goals', { OKR_DATA_DIR: dataDir });
  });
  afterEach(async () => {
    await service?.stop('SIGKILL');
  });

  async function objectiveWithCycle() {
    const cycle = await call('POST', '/api/v1/cycles', {
      name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7,
    });
    expect(cycle.status).toBe(201);
    const objective = await call('POST', '/api/v1/objectives', {
      cycleId: cycle.body.id, teamId: 'growth', title: 'New customers succeed in their first week',
    });
    expect(objective.status).toBe(201);
    return objective.body.id as string;
  }

  it('a graceful restart on the same data folder serves the same state', async () => {
    const id = await objectiveWithCycle();
    const kr = await call('POST', `/api/v1/objectives/${id}/key-results`, {
      title: 'Week-1 activation', kind: 'increase', start: 20, target: 40, unit: '%',
    });
    expect(kr.status).toBe(201);
    const before = await call('GET', `/api/v1/objectives/${id}`);

    // Nest closes the app (store included), then re-raises the signal: a clean exit by SIGTERM.
    const ended = await running().stop('SIGTERM');
    expect(ended.code === 0 || ended.signal === 'SIGTERM').toBe(true);
    expect(running().output()).not.toMatch(/"level":"(error|fatal)"/);
    service = await startService('goals', { OKR_DATA_DIR: dataDir });

    const after = await call('GET', `/api/v1/objectives/${id}`);
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before.body);
    expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
  });

  it('SIGKILL during concurrent writes loses no acknowledged write and leaves no half append', async () => {
    const id = await objectiveWithCycle();
    const acknowledged: string[] = [];
    const writes = Array.from({ length: 60 }, (_, i) =>
      call('POST', `/api/v1/objectives/${id}/key-results`, { title: `KR ${i}`, kind: 'milestone' }).then(
        (r) => r.status === 201 && acknowledged.push(r.body.id),
        () => undefined, // the connection died with the process: the client never saw an answer
      ),
    );
    await new Promise((r) => setTimeout(r, 40));
    await running().stop('SIGKILL');
    await Promise.all(writes);

    service = await startService('goals', { OKR_DATA_DIR: dataDir });
    const objective = await call('GET', `/api/v1/objectives/${id}`);
    const history = await call('GET', `/api/v1/objectives/${id}/history`);
    const stored = objective.body.keyResults.map((k: { id: string }) => k.id);
    expect(stored).toEqual(expect.arrayContaining(acknowledged));
    // Every stored event is whole and in sequence: revisions 0..n without a hole.
    expect(history.body.items.map((e: { revision: number }) => e.revision)).toEqual(
      history.body.items.map((_: unknown, i: number) => i),
    );
    expect(objective.body.revision).toBe(history.body.items.length - 1);
    // And the service still takes writes after the crash.
    const more = await call('POST', `/api/v1/objectives/${id}/key-results`, { title: 'After the crash', kind: 'milestone' });
    expect(more.status).toBe(201);
  });

  it('a bad setting stops the service at start with one line naming it', async () => {
    await running().stop('SIGKILL');
    service = undefined;
    const failed = await startService('goals', { OKR_DATA_DIR: dataDir, OKR_EVENT_STORE: 'kurrentdb' }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failed).toMatch(/exited with 1/);
    const lines = (failed ?? '').split('\n').filter((line) => line.includes('"level":"fatal"'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('EVENTSTORE_URL');
  });
});
