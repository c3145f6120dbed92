import { DeciderSpecification, replay } from '../../testing/decider-spec';
import type { AnswerQuestion, AskQuestion, QuestionAnswered, QuestionAsked, QuestionSetAside, SetQuestionAside } from './question';
import { questionStreamName } from './question';
import { decideQuestion, evolveQuestion, initialQuestionState, questionDecider } from './question.decider';

const spec = DeciderSpecification.for(questionDecider);
const meta = { now: '2026-10-20T10:00:00.000Z' };

const asked: QuestionAsked = {
  type: 'QuestionAsked',
  data: {
    questionId: 'q-1',
    subject: 'key-result',
    subjectId: 'kr-1',
    objectiveId: 'obj-1',
    keyResultId: 'kr-1',
    teamId: 'growth',
    text: 'What would tell you the checklist works before the quarter ends?',
    askedBy: 'ceo',
  },
};
const ask = (data: Partial<AskQuestion['data']> = {}): AskQuestion => ({ type: 'AskQuestion', data: { ...asked.data, ...data }, metadata: meta });
const answer = (text: string, answeredBy = 'ana'): AnswerQuestion => ({ type: 'AnswerQuestion', data: { text, answeredBy }, metadata: meta });
const answered = (text: string, answeredBy = 'ana'): QuestionAnswered => ({
  type: 'QuestionAnswered',
  data: { questionId: 'q-1', objectiveId: 'obj-1', teamId: 'growth', text, answeredBy, askedBy: 'ceo' },
});
const setAside = (by = 'ana', note?: string): SetQuestionAside => ({
  type: 'SetQuestionAside',
  data: { by, ...(note === undefined ? {} : { note }) },
  metadata: meta,
});
const wasSetAside: QuestionSetAside = { type: 'QuestionSetAside', data: { questionId: 'q-1', objectiveId: 'obj-1', teamId: 'growth', by: 'ana' } };

describe('question decider', () => {
  describe('AskQuestion', () => {
    it('records the question with what it is about and who asked', () => {
      spec.given([]).when(ask()).then([asked]);
    });

    it('trims the text and leaves out blank optional links', () => {
      const { keyResultId: _k, teamId: _t, objectiveId: _o, ...bare } = asked.data;
      spec
        .given([])
        .when(ask({ subject: 'key-result', text: `  ${asked.data.text}  `, keyResultId: ' ', teamId: '', objectiveId: undefined }))
        .then([{ type: 'QuestionAsked', data: bare }]);
    });

    it.each([
      ['text', 'text-required'],
      ['askedBy', 'asker-required'],
      ['subjectId', 'subject-id-required'],
      ['questionId', 'question-id-required'],
    ])('requires %s', (field, code) => {
      expect(spec.given([]).when(ask({ [field]: '  ' })).thenThrows(code, 'rule-broken').details).toEqual({ field });
    });

    it('refuses a text over the limit, naming the limit', () => {
      const error = spec.given([]).when(ask({ text: 'x'.repeat(2001) })).thenThrows('question-too-long');
      expect(error.message).toBe('text has at most 2000 characters.');
    });

    it('refuses an unknown subject', () => {
      spec.given([]).when(ask({ subject: 'cycle' as never })).thenThrows('invalid-question-subject');
    });

    it('refuses to ask the same question twice', () => {
      spec.given([asked]).when(ask()).thenThrows('question-already-asked');
    });
  });

  describe('AnswerQuestion', () => {
    it('records the answer with the asker, so that the asker can be told', () => {
      spec.given([asked]).when(answer(' Activation of the first 50 sign-ups ')).then([answered('Activation of the first 50 sign-ups')]);
    });

    it('takes further answers, but not the same answer twice', () => {
      spec.given([asked, answered('First')]).when(answer('And a follow-up', 'ben')).then([answered('And a follow-up', 'ben')]);
      spec.given([asked, answered('First')]).when(answer('First')).thenNothingHappened();
    });

    it('answers a question set aside earlier', () => {
      spec.given([asked, wasSetAside]).when(answer('Now we know')).then([answered('Now we know')]);
    });

    it('refuses a question that was never asked, and a blank answer', () => {
      spec.given([]).when(answer('x')).thenThrows('question-not-found', 'not-found');
      spec.given([asked]).when(answer('  ')).thenThrows('text-required');
      spec.given([asked]).when(answer('x'.repeat(4001))).thenThrows('answer-too-long');
    });
  });

  describe('SetQuestionAside', () => {
    it('sets an open question aside with a note', () => {
      spec
        .given([asked])
        .when(setAside('ana', ' Next planning '))
        .then([{ type: 'QuestionSetAside', data: { ...wasSetAside.data, note: 'Next planning' } }]);
    });

    it('does nothing the second time, and refuses an answered question', () => {
      spec.given([asked, wasSetAside]).when(setAside()).thenNothingHappened();
      spec.given([asked, answered('Done')]).when(setAside()).thenThrows('question-already-answered');
    });
  });

  describe('evolve', () => {
    it('folds the question, its answers and its status', () => {
      const state = replay(questionDecider, [asked, wasSetAside, answered('One'), answered('Two', 'ben')]);
      expect(state).toMatchObject({
        status: 'answered',
        id: 'q-1',
        teamId: 'growth',
        setAsideBy: 'ana',
        answers: [
          { text: 'One', answeredBy: 'ana' },
          { text: 'Two', answeredBy: 'ben' },
        ],
      });
    });

    it('ignores events before the question and unknown events', () => {
      const empty = initialQuestionState();
      expect(evolveQuestion(empty, answered('x'))).toBe(empty);
      const state = evolveQuestion(empty, asked);
      expect(evolveQuestion(state, { type: 'QuestionDeleted', data: {} } as unknown as QuestionAsked)).toBe(state);
    });
  });

  it('fails loudly on an unknown command and names its stream', () => {
    const unknown = { ...answer('x'), type: 'DeleteQuestion' } as unknown as AnswerQuestion;
    expect(() => decideQuestion(unknown, replay(questionDecider, [asked]))).toThrow('Unhandled command type');
    expect(questionStreamName('q-1')).toBe('question-q-1');
  });
});
