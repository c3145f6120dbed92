import { Parser } from '@asyncapi/parser';
import { TOPICS, deadLetterTopic } from '@okr/messaging';
import { createServiceTestApp, type ServiceTestApp } from '@okr/platform/testing';
import { InsightsModule } from '../src/app.module';

describe('GET /api/events/asyncapi (served by every service through serviceFoundation; here insights)', () => {
  let t: ServiceTestApp;
  beforeAll(async () => {
    t = await createServiceTestApp('insights', (config, logs) => InsightsModule.forRoot(config, logs), { openApi: { title: 'insights', version: '1' } });
  });
  afterAll(() => t.close(true));

  it('serves, without a token, a valid AsyncAPI 3.0 document of every topic with the schemas inlined', async () => {
    const answer = await t.call('GET', '/api/events/asyncapi', { token: null });
    expect(answer.status).toBe(200);
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(answer.body));
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.path.join('/')}: ${d.message}`)).toEqual([]);
    expect(document?.channels().all().map((channel) => channel.address()).sort()).toEqual(
      Object.values(TOPICS).flatMap((topic) => [topic.name, deadLetterTopic(topic.name)]).sort(),
    );
    const checkIn = document?.messages().all().find((message) => message.name() === 'CheckInRecorded');
    expect(checkIn?.payload()?.json()).toMatchObject({ schema: { title: 'CheckInRecorded v1', type: 'object' } });
    expect(checkIn?.description()).toContain('urn:okr:event:CheckInRecorded:v1');
  });
});
