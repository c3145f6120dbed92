import { ProjectionHarness, StreamBuilder } from './testing/projection-harness';
import { questionsModel, type QuestionDoc } from './questions';

describe('questions read model', () => {
  let harness: ProjectionHarness<QuestionDoc>;
  beforeEach(async () => {
    harness = await ProjectionHarness.create(questionsModel);
  });
  afterEach(() => harness.close());

  const asked = (stream: StreamBuilder) =>
    stream.event(
      'QuestionAsked',
      { questionId: 'q-1', subject: 'key-result', subjectId: 'kr-1', objectiveId: 'obj-1', keyResultId: 'kr-1', teamId: 'growth', text: 'Why 40%?', askedBy: 'ceo' },
      '2026-10-20T10:00:00Z',
      'ceo',
    );

  it('keeps a question open until answered, counts answers, and ignores a redelivery', async () => {
    const stream = new StreamBuilder('question-q-1');
    const ask = asked(stream);
    await harness.apply(ask);
    expect(await harness.get('q-1')).toMatchObject({ status: 'open', objectiveId: 'obj-1', teamId: 'growth', askedAt: '2026-10-20T10:00:00Z', answerCount: 0 });
    const answer = stream.event('QuestionAnswered', { questionId: 'q-1', text: 'Because', answeredBy: 'ana', askedBy: 'ceo' }, '2026-10-21T10:00:00Z');
    await harness.apply(answer, answer, ask);
    expect(await harness.get('q-1')).toMatchObject({ status: 'answered', answerCount: 1, lastAnsweredAt: '2026-10-21T10:00:00Z', text: 'Why 40%?', revision: 1 });
  });

  it('sets a question aside, then answers it later', async () => {
    const stream = new StreamBuilder('question-q-1');
    await harness.apply(
      asked(stream),
      stream.event('QuestionSetAside', { questionId: 'q-1', by: 'ana' }, '2026-10-21T10:00:00Z'),
    );
    expect(await harness.get('q-1')).toMatchObject({ status: 'set-aside' });
    await harness.apply(stream.event('QuestionAnswered', { questionId: 'q-1', text: 'Now', answeredBy: 'ana', askedBy: 'ceo' }, '2026-11-01T10:00:00Z'));
    expect(await harness.get('q-1')).toMatchObject({ status: 'answered', answerCount: 1 });
  });
});
