import { ERASED_PERSON, checkInDecider, learningDecider, type CheckInCommand, type LearningCommand } from '@okr/okr-domain';
import { collect } from '../../testing/event-store.contract';
import { handleCommand, type CommandContext } from '../command-handler';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { ProtectedEventStore, storedEvents } from './protected-event-store';
import { SqliteKeyStore } from './sqlite-key-store';

const tenantId = 'acme';
const as = (actor: string): CommandContext => ({ tenantId, actor, correlationId: `c-${actor}`, now: new Date('2026-10-10T09:00:00Z') });
type Cmd<C> = Omit<C, 'metadata'>;

/**
 * A correction copies the text it replaces (`from`) from an event someone else wrote: those words stay
 * their writer's, so erasing the writer makes them unreadable in the correction too, and erasing the
 * corrector leaves the writer's words readable.
 */
describe('text copied from another person', () => {
  let store: ProtectedEventStore;
  const erase = async (person: string) => expect(await store.keys.destroy((await store.keys.keyIdOf(tenantId, person)) as string)).toBe(true);

  beforeEach(async () => {
    store = new ProtectedEventStore(SqliteEventStore.open({ file: ':memory:' }), SqliteKeyStore.open({ file: ':memory:' }));
    const record: Cmd<CheckInCommand> = {
      type: 'RecordCheckIn',
      data: { checkInId: 'ci1', keyResultId: 'kr1', objectiveId: 'o1', kind: 'increase', value: 40, confidence: 6, note: 'Ann: churn is up', blockers: ['Ann: no analyst'], effectiveAt: '2026-10-05' },
    };
    await handleCommand(store, 'checkins-kr1', checkInDecider, record, as('ann'));
    const correct: Cmd<CheckInCommand> = {
      type: 'CorrectCheckIn',
      data: { checkInId: 'ci1', kind: 'increase', value: 38, note: 'Bob: churn is flat', blockers: [], reason: 'Bob: recounted' },
    };
    await handleCommand(store, 'checkins-kr1', checkInDecider, correct, as('bob'));
    const capture: Cmd<LearningCommand> = {
      type: 'CaptureLearning',
      data: { learningId: 'l1', objectiveId: 'o1', keyResultIds: [], tried: 'Ann: a survey', result: 'validated', insight: 'Ann: price matters', evidence: [{ kind: 'survey', summary: 'Ann: 40 answers' }], tags: [], author: 'ann' },
    };
    await handleCommand(store, 'learning-l1', learningDecider, capture, as('ann'));
    const revise: Cmd<LearningCommand> = { type: 'ReviseLearning', data: { changes: { insight: 'Bob: price and speed matter' }, reason: 'Bob: more data' } };
    await handleCommand(store, 'learning-l1', learningDecider, revise, as('bob'));
  });
  afterEach(() => store.close());

  const correction = async () => (await collect(store.readStream('checkins-kr1')))[1]?.data as Record<string, unknown>;
  const revision = async () => (await collect(store.readStream('learning-l1')))[1]?.data as Record<string, unknown>;

  it('stores the copy sealed under its writer, not the corrector', async () => {
    const [, stored] = await collect(storedEvents(store).readStream('checkins-kr1'));
    const annKey = await store.keys.keyIdOf(tenantId, 'ann');
    const bobKey = await store.keys.keyIdOf(tenantId, 'bob');
    const data = stored?.data as { from: { note: string; blockers: string[] }; changes: { note: string } };
    expect(data.from.note).toContain(`pd1.${annKey}.`);
    expect(data.from.blockers[0]).toContain(`pd1.${annKey}.`);
    expect(data.changes.note).toContain(`pd1.${bobKey}.`);
    expect(JSON.stringify(stored)).not.toMatch(/Ann:|Bob:|"ann"|"bob"/);
  });

  it("erasing the original writer erases their words in the correction and keeps the corrector's", async () => {
    await erase('ann');
    expect(await correction()).toMatchObject({
      changes: { value: 38, note: 'Bob: churn is flat', blockers: [] },
      from: { value: 40, note: ERASED_PERSON, blockers: [ERASED_PERSON] },
      fromAuthors: { note: ERASED_PERSON, blockers: ERASED_PERSON },
      reason: 'Bob: recounted',
    });
    expect(await revision()).toMatchObject({
      changes: { insight: 'Bob: price and speed matter' },
      from: { insight: ERASED_PERSON },
      fromAuthors: { insight: ERASED_PERSON },
      reason: 'Bob: more data',
    });
  });

  it("erasing the corrector erases their words and keeps the original writer's", async () => {
    await erase('bob');
    expect(await correction()).toMatchObject({
      changes: { value: 38, note: ERASED_PERSON, blockers: [] },
      from: { value: 40, note: 'Ann: churn is up', blockers: ['Ann: no analyst'] },
      fromAuthors: { note: 'ann', blockers: 'ann' },
      reason: ERASED_PERSON,
    });
    expect(await revision()).toMatchObject({ changes: { insight: ERASED_PERSON }, from: { insight: 'Ann: price matters' }, reason: ERASED_PERSON });
  });

  it('a correction of a correction copies the earlier corrector’s words under their key', async () => {
    const again: Cmd<CheckInCommand> = { type: 'CorrectCheckIn', data: { checkInId: 'ci1', kind: 'increase', note: 'Cy: churn is down', reason: 'Cy: new data' } };
    await handleCommand(store, 'checkins-kr1', checkInDecider, again, as('cy'));
    await erase('bob');
    const [, , third] = await collect(store.readStream('checkins-kr1'));
    expect(third?.data).toMatchObject({ changes: { note: 'Cy: churn is down' }, from: { note: ERASED_PERSON }, reason: 'Cy: new data' });
  });
});
