import { DeciderSpecification, replay } from '../../testing/decider-spec';
import type {
  AcknowledgeLearning,
  CaptureLearning,
  LearningAcknowledged,
  LearningCaptured,
  LearningFields,
  LearningRevised,
  ReviseLearning,
} from './learning';
import { learningStreamName } from './learning';
import { decideLearning, evolveLearning, initialLearningState, learningDecider } from './learning.decider';

const spec = DeciderSpecification.for(learningDecider);
const meta = { now: '2026-10-20T10:00:00.000Z' };

const captured: LearningCaptured = {
  type: 'LearningCaptured',
  data: {
    learningId: 'l-1',
    teamId: 'team-growth',
    objectiveId: 'obj-1',
    keyResultIds: ['kr-1'],
    tried: 'A guided onboarding checklist',
    approach: 'hypothesis',
    result: 'invalidated',
    insight: 'New users skip checklists; they want a working example.',
    nextStep: 'Ship a sample project on signup',
    evidence: [{ kind: 'customer-interview', summary: '7 of 8 interviewees ignored it' }],
    tags: ['onboarding'],
    author: 'ana',
  },
};

const capture = (data: Partial<CaptureLearning['data']> = {}): CaptureLearning => ({
  type: 'CaptureLearning',
  data: { ...captured.data, ...data },
  metadata: meta,
});

const revise = (changes: Partial<LearningFields>, reason = 'Survey results came in'): ReviseLearning => ({
  type: 'ReviseLearning',
  data: { changes, reason },
  metadata: meta,
});

const revised = (changes: Partial<LearningFields>, from: Partial<LearningFields>): LearningRevised => ({
  type: 'LearningRevised',
  data: { learningId: 'l-1', changes, from, reason: 'Survey results came in' },
});

const acknowledge = (by: string, note?: string): AcknowledgeLearning => ({
  type: 'AcknowledgeLearning',
  data: { by, ...(note === undefined ? {} : { note }) },
  metadata: meta,
});

const acknowledged = (by: string): LearningAcknowledged => ({ type: 'LearningAcknowledged', data: { learningId: 'l-1', by } });

describe('learning decider', () => {
  describe('CaptureLearning', () => {
    it('captures an invalidated hypothesis like any other outcome', () => {
      spec.given([]).when(capture()).then([captured]);
    });

    it.each(['validated', 'inconclusive'] as const)('captures a %s result', (result) => {
      spec.given([]).when(capture({ result })).then([{ ...captured, data: { ...captured.data, result } }]);
    });

    it('normalises tags: trimmed, lowercase, no duplicates, no blanks', () => {
      spec
        .given([])
        .when(capture({ tags: [' Onboarding', 'onboarding ', 'ACTIVATION', ' '] }))
        .then([{ ...captured, data: { ...captured.data, tags: ['onboarding', 'activation'] } }]);
    });

    it('trims text and leaves out blank optional fields', () => {
      const { teamId: _t, nextStep: _n, approach: _a, ...bare } = captured.data;
      spec
        .given([])
        .when(capture({ teamId: ' ', nextStep: '', approach: undefined, tried: `  ${captured.data.tried} ` }))
        .then([{ type: 'LearningCaptured', data: bare }]);
    });

    it('keeps an evidence link, trimmed', () => {
      const evidence = [{ kind: 'usage-data' as const, summary: ' Checklist opened by 4% ', link: ' https://metrics/x ' }];
      spec
        .given([])
        .when(capture({ evidence }))
        .then([{ ...captured, data: { ...captured.data, evidence: [{ kind: 'usage-data', summary: 'Checklist opened by 4%', link: 'https://metrics/x' }] } }]);
    });

    it('is linked to key results alone, or to an objective alone', () => {
      const { objectiveId: _, ...noObjective } = captured.data;
      spec.given([]).when(capture({ objectiveId: undefined })).then([{ type: 'LearningCaptured', data: noObjective }]);
      spec.given([]).when(capture({ keyResultIds: [] })).then([{ ...captured, data: { ...captured.data, keyResultIds: [] } }]);
    });

    it('needs an objective or a key result', () => {
      spec.given([]).when(capture({ objectiveId: ' ', keyResultIds: [' '] })).thenThrows('learning-needs-a-goal', 'rule-broken');
    });

    it.each([
      ['tried', 'tried-required'],
      ['insight', 'insight-required'],
      ['learningId', 'learning-id-required'],
      ['author', 'author-required'],
    ])('requires %s', (field, code) => {
      expect(spec.given([]).when(capture({ [field]: '  ' })).thenThrows(code).details).toEqual({ field });
    });

    it.each(['failed', '', undefined])('refuses result %p', (result) => {
      spec.given([]).when(capture({ result: result as never })).thenThrows('invalid-result');
    });

    it('refuses an unknown approach', () => {
      spec.given([]).when(capture({ approach: 'guess' as never })).thenThrows('invalid-approach');
    });

    it.each([
      ['an unknown kind', [{ kind: 'gut-feeling', summary: 'x' }]],
      ['a blank summary', [{ kind: 'survey', summary: '  ' }]],
      ['a non-object', ['interview']],
      ['a non-list', 'interview'],
    ])('refuses evidence with %s', (_, evidence) => {
      spec.given([]).when(capture({ evidence: evidence as never })).thenThrows('invalid-evidence');
    });

    it('refuses to capture a learning twice', () => {
      spec.given([captured]).when(capture()).thenThrows('learning-already-captured', 'rule-broken');
    });
  });

  describe('ReviseLearning', () => {
    it('records only the fields that change, with what they were', () => {
      spec
        .given([captured])
        .when(revise({ result: 'inconclusive', tried: captured.data.tried, tags: ['Onboarding', 'Survey'] }))
        .then([revised({ result: 'inconclusive', tags: ['onboarding', 'survey'] }, { result: 'invalidated', tags: ['onboarding'] })]);
    });

    it("removes the next step with ''", () => {
      const removed = revised({ nextStep: '' }, { nextStep: 'Ship a sample project on signup' });
      spec.given([captured]).when(revise({ nextStep: ' ' })).then([{ ...removed, data: { ...removed.data, fromAuthors: { nextStep: 'ana' } } }]);
    });

    it('names who wrote each copied text: the author, or the reviser who last changed it', () => {
      const byCy = { ...revised({ insight: 'They want an example' }, { insight: captured.data.insight }), metadata: { actor: 'cy' } } as LearningRevised;
      const second = revised({ insight: 'They want a template', tried: 'A checklist' }, { insight: 'They want an example', tried: captured.data.tried });
      spec
        .given([captured, byCy])
        .when(revise({ insight: 'They want a template', tried: 'A checklist' }))
        .then([{ ...second, data: { ...second.data, fromAuthors: { tried: 'ana', insight: 'cy' } } }]);
    });

    it('names no writer of a text last changed by an event that did not say who acted', () => {
      const unknown = revised({ insight: 'They want an example' }, { insight: captured.data.insight });
      const second = revised({ insight: 'They want a template' }, { insight: 'They want an example' });
      spec.given([captured, unknown]).when(revise({ insight: 'They want a template' })).then([second]);
    });

    it('refuses a learning that does not exist', () => {
      spec.given([]).when(revise({ result: 'validated' })).thenThrows('learning-not-found', 'not-found');
    });

    it.each(['', '  '])('requires a reason, not %j', (reason) => {
      spec.given([captured]).when(revise({ result: 'validated' }, reason)).thenThrows('reason-required');
    });

    it('refuses a revision that changes nothing', () => {
      spec.given([captured]).when(revise({ result: 'invalidated', tags: [' ONBOARDING'] })).thenThrows('revision-changes-nothing');
      spec.given([captured]).when(revise({})).thenThrows('revision-changes-nothing');
    });

    it('checks revised fields like captured ones', () => {
      spec.given([captured]).when(revise({ tried: ' ' })).thenThrows('tried-required');
      spec.given([captured]).when(revise({ insight: '' })).thenThrows('insight-required');
      spec.given([captured]).when(revise({ result: 'failed' as never })).thenThrows('invalid-result');
      spec.given([captured]).when(revise({ evidence: [{ kind: 'other', summary: '' }] })).thenThrows('invalid-evidence');
    });

    it('refuses to leave a learning without a goal', () => {
      const krOnly: LearningCaptured = { ...captured, data: (({ objectiveId: _, ...d }) => d)(captured.data) };
      spec.given([krOnly]).when(revise({ keyResultIds: [] })).thenThrows('learning-needs-a-goal');
      spec.given([captured]).when(revise({ keyResultIds: [] })).then([revised({ keyResultIds: [] }, { keyResultIds: ['kr-1'] })]);
    });
  });

  describe('AcknowledgeLearning', () => {
    it('records an acknowledgement with its note', () => {
      spec
        .given([captured])
        .when(acknowledge('ben', ' Same in our team '))
        .then([{ type: 'LearningAcknowledged', data: { learningId: 'l-1', by: 'ben', note: 'Same in our team' } }]);
    });

    it('lets several people acknowledge', () => {
      spec.given([captured, acknowledged('ben')]).when(acknowledge('cleo')).then([acknowledged('cleo')]);
    });

    it('refuses a second acknowledgement by the same person, saying so, rather than drop its note', () => {
      const error = spec.given([captured, acknowledged('ben')]).when(acknowledge('ben')).thenThrows('already-acknowledged', 'rule-broken');
      expect(error.message).toContain('acknowledged this learning already');
    });

    it('refuses an acknowledgement by the author', () => {
      spec.given([captured]).when(acknowledge('ana')).thenThrows('cannot-acknowledge-own-learning', 'rule-broken');
    });

    it('requires who acknowledges', () => {
      spec.given([captured]).when(acknowledge(' ')).thenThrows('acknowledger-required');
    });

    it('refuses a learning that does not exist', () => {
      spec.given([]).when(acknowledge('ben')).thenThrows('learning-not-found', 'not-found');
    });
  });

  describe('evolve', () => {
    it('folds captures, revisions and acknowledgements', () => {
      const state = replay(learningDecider, [
        captured,
        revised({ result: 'inconclusive', nextStep: '' }, { result: 'invalidated', nextStep: 'Ship a sample project on signup' }),
        acknowledged('ben'),
        acknowledged('ben'),
      ]);
      const { learningId: _, nextStep: _n, ...rest } = captured.data;
      expect(state).toStrictEqual({
        status: 'captured',
        id: 'l-1',
        ...rest,
        result: 'inconclusive',
        acknowledgedBy: ['ben'],
        revisions: 1,
        // The revision carried no actor: its next step has no known writer.
        authors: { tried: 'ana', insight: 'ana', evidence: 'ana' },
      });
    });

    it('ignores events on an empty stream and unknown events', () => {
      const empty = initialLearningState();
      expect(evolveLearning(empty, acknowledged('ben'))).toBe(empty);
      const state = evolveLearning(empty, captured);
      expect(evolveLearning(state, { type: 'LearningDeleted', data: {} } as unknown as LearningCaptured)).toBe(state);
    });
  });

  it('fails loudly on a command type it does not know', () => {
    const unknown = { ...acknowledge('ben'), type: 'DeleteLearning' } as unknown as AcknowledgeLearning;
    expect(() => decideLearning(unknown, replay(learningDecider, [captured]))).toThrow('Unhandled command type');
  });

  it('exposes decide, evolve and initialState as standalone functions too, and names its stream', () => {
    expect(learningDecider).toEqual({ decide: decideLearning, evolve: evolveLearning, initialState: initialLearningState });
    expect(learningStreamName('l-1')).toBe('learning-l-1');
  });
});
