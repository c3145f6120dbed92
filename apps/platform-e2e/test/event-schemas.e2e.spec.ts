import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { EVENT_STORE, type EventStore } from '@okr/event-store';
import { latestSchemaVersion, validateEventData } from '@okr/event-contracts';
import { IDEMPOTENCY_CLAIM_RELEASED, IDEMPOTENCY_KEY_CLAIMED, IDEMPOTENT_RESPONSE_LOST, IDEMPOTENT_RESPONSE_RECORDED } from '@okr/platform';
import { buildProjects, eventually } from '@okr/platform/testing';
import { listenPlatform, startPlatform, type Platform, type ServiceName } from './support/platform';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../..');

/** What the platform stores beside the domain's events: records of its own, never published, with no contract. */
const PLATFORM_RECORDS = new Set([IDEMPOTENCY_KEY_CLAIMED, IDEMPOTENT_RESPONSE_RECORDED, IDEMPOTENCY_CLAIM_RELEASED, IDEMPOTENT_RESPONSE_LOST]);

/**
 * `npm run demo`'s quarter, written through the four services (imports, live measurements with a
 * service account's key, questions, a closing and a carry-over), then every stored event checked
 * against the committed schema of its type and version: the schemas describe what is really written.
 */
describe('every event the demo writes matches its committed schema', () => {
  let platform: Platform;
  let urls: Record<ServiceName, string>;

  beforeAll(async () => {
    // The demo signs its token with dist/tools/token.js.
    buildProjects(['tools']);
    platform = await startPlatform();
    urls = await listenPlatform(platform);
    await run(process.execPath, [join(ROOT, 'tools/demo.mjs')], {
      cwd: ROOT,
      env: { ...process.env, OKR_DATA_DIR: platform.dataDir, GOALS_URL: urls.goals, CHECKINS_URL: urls['check-ins'], INSIGHTS_URL: urls.insights },
      maxBuffer: 16 * 1024 * 1024,
    });
  });
  afterAll(() => platform?.close());

  it('validates each event against the schema of its type and version, and knows every type written', async () => {
    const store = platform.apps.goals.get<EventStore>(EVENT_STORE);
    // Insights writes its risk signals (KeyResultAtRisk) as its read models follow the log, after the
    // demo has returned: wait for that event, not for a time.
    await eventually(async () => {
      for await (const event of store.readAll()) if (event.type === 'KeyResultAtRisk') return true;
      return false;
    }, 60_000, 'insights wrote its risk signals');
    const failures: string[] = [];
    const withoutSchema = new Set<string>();
    const seen = new Map<string, number>();
    for await (const event of store.readAll()) {
      if (PLATFORM_RECORDS.has(event.type)) continue;
      seen.set(event.type, (seen.get(event.type) ?? 0) + 1);
      if (latestSchemaVersion(event.type) === undefined) {
        withoutSchema.add(event.type);
        continue;
      }
      const result = validateEventData(event.type, event.schemaVersion, event.data);
      if (!result.valid && failures.length < 20) failures.push(`${event.type} v${event.schemaVersion} (${event.streamId}@${event.revision}): ${JSON.stringify(result.errors)}`);
    }
    expect([...withoutSchema]).toEqual([]);
    expect(failures).toEqual([]);
    // The demo is representative: it writes most of the catalogue (every service, live and imported).
    expect(seen.size).toBeGreaterThanOrEqual(15);
    expect([...seen.keys()]).toEqual(expect.arrayContaining(['CyclePlanned', 'ObjectiveSet', 'KeyResultAdded', 'CheckInRecorded', 'MeasurementRecorded', 'LearningCaptured', 'QuestionAsked', 'KeyResultAtRisk', 'TeamRegistered', 'CycleClosed', 'ObjectiveCarriedOver']));
  });

  it('serves the same catalogue from every service', async () => {
    const token = await platform.token({});
    const answers = await Promise.all(
      (['goals', 'check-ins', 'insights', 'notifications'] as const).map(async (service) => (await platform.call(service, 'GET', '/api/events/schemas/CheckInRecorded/1', token)).body),
    );
    expect(answers[0]).toMatchObject({ $id: 'urn:okr:event:CheckInRecorded:v1' });
    for (const answer of answers) expect(answer).toEqual(answers[0]);
  });
});
