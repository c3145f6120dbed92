import { ERASED_PERSON, PERSONAL_DATA_FIELDS, personalValuesOf, placeAt } from './personal-data';

const envelope = (type: string, data: unknown, actor = 'user-ann') => ({ type, data, metadata: { tenantId: 't1', actor } });

describe('personal data catalogue', () => {
  it('finds the actor of every event, even of a type with no personal data', () => {
    const found = personalValuesOf(envelope('CyclePlanned', { cycleId: 'c1', name: '2026-Q4' }));
    expect(found.map(({ field, value, subject }) => [field.path, value, subject])).toEqual([['metadata.actor', 'user-ann', 'user-ann']]);
  });

  it('gives each person of a list their own subject, and free text the person who wrote it', () => {
    const team = personalValuesOf(envelope('TeamLeadsChanged', { teamId: 'web', from: ['user-bob'], to: ['user-bob', 'user-cy'] }));
    expect(team.slice(1).map(({ value, subject }) => [value, subject])).toEqual([
      ['user-bob', 'user-bob'],
      ['user-bob', 'user-bob'],
      ['user-cy', 'user-cy'],
    ]);
    const answer = personalValuesOf(
      envelope('QuestionAnswered', { questionId: 'q', text: 'Because', answeredBy: 'user-cy', askedBy: 'user-bob' }, 'user-cy'),
    );
    expect(answer.map(({ field, subject }) => [field.path, subject])).toEqual([
      ['metadata.actor', 'user-cy'],
      ['data.answeredBy', 'user-cy'],
      ['data.askedBy', 'user-bob'],
      ['data.text', 'user-cy'],
    ]);
  });

  it('reaches into lists of objects and skips absent optional fields', () => {
    const learning = envelope('LearningCaptured', {
      learningId: 'l1',
      tried: 'A/B test',
      insight: 'nobody reads banners',
      evidence: [{ kind: 'link', summary: 'dashboard', link: 'https://x' }, { kind: 'note', summary: 'call' }],
      keyResultIds: ['kr1'],
      tags: ['growth'],
      author: 'user-dee',
    });
    expect(personalValuesOf(learning).map(({ location }) => location)).toEqual([
      'metadata.actor',
      'data.author',
      'data.tried',
      'data.insight',
      'data.evidence.0.summary',
      'data.evidence.1.summary',
      'data.evidence.0.link',
    ]);
    placeAt(learning, 'data.evidence.1.summary', 'sealed');
    expect(personalValuesOf(learning)[5]?.value).toBe('sealed');
  });

  it('replaces values in place, leaving numbers, dates and ids as they are', () => {
    const checkIn = envelope('CheckInRecorded', {
      checkInId: 'ci',
      value: 42,
      confidence: 3,
      note: 'slow week',
      blockers: ['hiring', 'vacation'],
      effectiveAt: '2026-10-01',
    });
    for (const found of personalValuesOf(checkIn)) found.replace(ERASED_PERSON);
    expect(checkIn).toEqual(
      envelope(
        'CheckInRecorded',
        { checkInId: 'ci', value: 42, confidence: 3, note: ERASED_PERSON, blockers: [ERASED_PERSON, ERASED_PERSON], effectiveAt: '2026-10-01' },
        ERASED_PERSON,
      ),
    );
  });

  it("gives text copied from someone else's event its writer, the corrector's own text the corrector", () => {
    const correction = (fromAuthors?: object) =>
      envelope(
        'CheckInCorrected',
        { checkInId: 'ci', changes: { note: 'recounted', blockers: [] }, from: { note: 'slow week', blockers: ['hiring'] }, ...(fromAuthors ? { fromAuthors } : {}), reason: 'typo' },
        'user-bob',
      );
    const subjects = (event: object) => personalValuesOf(event as never).map(({ location, subject }) => [location, subject]);
    expect(subjects(correction({ note: 'user-ann', blockers: 'user-cy' }))).toEqual([
      ['metadata.actor', 'user-bob'],
      ['data.changes.note', 'user-bob'],
      ['data.reason', 'user-bob'],
      ['data.fromAuthors.note', 'user-ann'],
      ['data.fromAuthors.blockers', 'user-cy'],
      ['data.from.note', 'user-ann'],
      ['data.from.blockers.0', 'user-cy'],
    ]);
    // Without a named writer, or with one already erased, the corrector's key seals the copy.
    expect(subjects(correction()).filter(([location]) => String(location).startsWith('data.from.'))).toEqual([
      ['data.from.note', 'user-bob'],
      ['data.from.blockers.0', 'user-bob'],
    ]);
    expect(subjects(correction({ note: ERASED_PERSON })).find(([location]) => location === 'data.from.note')).toEqual(['data.from.note', 'user-bob']);
    const revision = envelope(
      'LearningRevised',
      { learningId: 'l', changes: { insight: 'new' }, from: { insight: 'old', evidence: [{ kind: 'survey', summary: 's', link: 'https://x' }] }, fromAuthors: { insight: 'user-dee', evidence: 'user-eve' }, reason: 'r' },
      'user-bob',
    );
    expect(subjects(revision).filter(([location]) => String(location).startsWith('data.from.'))).toEqual([
      ['data.from.insight', 'user-dee'],
      ['data.from.evidence.0.summary', 'user-eve'],
      ['data.from.evidence.0.link', 'user-eve'],
    ]);
  });

  it('gives a recorded answer every person it may echo, in order, without the erased', () => {
    const recorded = envelope('IdempotentResponseRecorded', { actor: 'user-bob', bodyJson: '{"note":"x"}', bodySubjects: ['user-bob', 'user-ann', ERASED_PERSON, 'user-ann'] }, 'user-bob');
    expect(personalValuesOf(recorded).find(({ location }) => location === 'data.bodyJson')?.subjects).toEqual(['user-bob', 'user-ann']);
    const nobody = envelope('IdempotentResponseRecorded', { actor: 'user-bob', bodyJson: '{}' }, 'user-bob');
    expect(personalValuesOf(nobody).find(({ location }) => location === 'data.bodyJson')?.subjects).toEqual(['user-bob']);
  });

  it('names the owners and the authors of every kind of record', () => {
    for (const type of ['ObjectiveSet', 'KeyResultAdded', 'LearningCaptured', 'QuestionAsked', 'TeamRegistered', 'PersonalDataErased']) {
      expect(PERSONAL_DATA_FIELDS[type]?.length).toBeGreaterThan(0);
    }
  });
});
