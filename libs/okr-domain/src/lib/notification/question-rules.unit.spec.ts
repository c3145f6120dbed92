import type { QuestionAnswered, QuestionAsked } from '../question/question';
import { questionAnswered, questionAsked } from './question-rules';

const asked = (data: Partial<QuestionAsked['data']> = {}): { id: string; data: QuestionAsked['data'] } => ({
  id: 'evt-q-1',
  data: { questionId: 'q-1', subject: 'key-result', subjectId: 'kr-1', objectiveId: 'obj-1', keyResultId: 'kr-1', teamId: 'growth', text: 'Why 40%?', askedBy: 'ceo', ...data },
});

describe('questionAsked', () => {
  it('tells the owners and followers once each, not the asker, naming the key result', () => {
    const result = questionAsked(asked(), ['ana', 'bob', undefined], ['bob', 'ceo', 'cleo'], { keyResult: 'Week-1 activation' });
    expect(result.map((n) => n.recipient)).toEqual(['ana', 'bob', 'cleo']);
    expect(result[0]).toEqual({
      rule: 'question-asked',
      recipient: 'ana',
      dedupeKey: 'question-asked:evt-q-1:ana',
      subject: 'ceo asked about "Week-1 activation"',
      body: 'ceo asked: "Why 40%?"',
      objectiveId: 'obj-1',
      keyResultId: 'kr-1',
      triggeredBy: 'evt-q-1',
    });
  });

  it('names the objective for a question on it or on one of its learnings, never an id', () => {
    const onObjective = questionAsked(asked({ subject: 'objective', subjectId: 'obj-1', keyResultId: undefined }), ['ana'], [], { objective: 'Grow' });
    expect(onObjective[0]?.subject).toBe('ceo asked about "Grow"');
    expect(onObjective[0]).not.toHaveProperty('keyResultId');
    const onLearning = questionAsked(asked({ subject: 'learning', subjectId: 'l-1' }), ['ana'], []);
    expect(onLearning[0]?.subject).toBe('ceo asked about a learning on your objective');
  });
});

describe('questionAnswered', () => {
  const answered = (answeredBy: string): { id: string; data: QuestionAnswered['data'] } => ({
    id: 'evt-a-1',
    data: { questionId: 'q-1', objectiveId: 'obj-1', text: 'First 50 sign-ups', answeredBy, askedBy: 'ceo' },
  });

  it('tells the asker the answer, with the question', () => {
    expect(questionAnswered(answered('ana'), 'Why 40%?')).toEqual([
      {
        rule: 'question-answered',
        recipient: 'ceo',
        dedupeKey: 'question-answered:evt-a-1:ceo',
        subject: 'ana answered your question',
        body: 'You asked: "Why 40%?". ana answered: "First 50 sign-ups"',
        objectiveId: 'obj-1',
        triggeredBy: 'evt-a-1',
      },
    ]);
  });

  it('tells nobody when the asker answered it', () => {
    expect(questionAnswered(answered('ceo'))).toEqual([]);
  });
});
