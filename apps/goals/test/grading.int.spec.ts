import { addKeyResult, cycleAndObjective } from './support/fixtures';
import { countEvents, createGoalsTestApp, type GoalsTestApp } from './support/goals-test-app';

describe('goals API: grades that say why, and corrections of a grade', () => {
  let t: GoalsTestApp;
  beforeAll(async () => {
    t = await createGoalsTestApp();
  });
  afterAll(() => t.close(true));

  /** An active objective with two key results. */
  async function activeWithTwo() {
    const { objectiveId } = await cycleAndObjective(t);
    const first = await addKeyResult(t, objectiveId);
    const second = await addKeyResult(t, objectiveId, { title: 'Guided onboarding', kind: 'milestone' });
    expect((await t.call('POST', `/api/v1/objectives/${objectiveId}/activation`)).status).toBe(200);
    return { objectiveId, grades: [{ keyResultId: first, grade: 0.3 }, { keyResultId: second, grade: 0.5 }] };
  }

  it("422 for an overall grade more than 0.2 from the key results' average without a reason; 200 with one", async () => {
    const { objectiveId, grades } = await activeWithTwo();
    const before = await countEvents(t.store);
    const bare = await t.call('POST', `/api/v1/objectives/${objectiveId}/grading`, {
      body: { keyResultGrades: grades, overallGrade: 0.9, retrospective: 'Onboarding changed everything' },
    });
    expect(bare.status).toBe(422);
    expect(bare.body).toMatchObject({
      code: 'grade-reason-required',
      detail: "The overall grade 0.9 is 0.5 away from the key results' average of 0.4; more than 0.2 needs a reason (overallGradeReason).",
    });
    expect(await countEvents(t.store)).toBe(before);

    const said = await t.call('POST', `/api/v1/objectives/${objectiveId}/grading`, {
      body: { keyResultGrades: grades, overallGrade: 0.9, overallGradeReason: 'Onboarding was the bet of the quarter', retrospective: 'r' },
    });
    expect(said.status).toBe(200);
    expect((await t.call('GET', `/api/v1/objectives/${objectiveId}`)).body).toMatchObject({
      status: 'closed',
      grade: { overallGrade: 0.9, overallGradeReason: 'Onboarding was the bet of the quarter' },
    });
  });

  it('corrects a grade with a reason, as its own event in the history; the first grading stays', async () => {
    const { objectiveId, grades } = await activeWithTwo();
    expect((await t.call('POST', `/api/v1/objectives/${objectiveId}/grading`, { body: { keyResultGrades: grades, retrospective: 'r' } })).status).toBe(200);

    const corrected = await t.call('POST', `/api/v1/objectives/${objectiveId}/grade-corrections`, {
      body: { keyResultGrades: [{ keyResultId: grades[0].keyResultId, grade: 0.7 }], reason: 'The last cohort was counted late' },
      headers: { 'if-match': '"4"' },
    });
    expect(corrected.status).toBe(200);
    expect(corrected.body.events).toEqual(['ObjectiveGradeCorrected']);
    expect((await t.call('GET', `/api/v1/objectives/${objectiveId}`)).body.grade).toMatchObject({
      overallGrade: 0.6,
      keyResultGrades: [{ keyResultId: grades[0].keyResultId, grade: 0.7 }, grades[1]],
    });

    const history = (await t.call('GET', `/api/v1/objectives/${objectiveId}/history`)).body.items;
    expect(history.map((e: { type: string }) => e.type).slice(-2)).toEqual(['ObjectiveGraded', 'ObjectiveGradeCorrected']);
    expect(history.at(-1)).toMatchObject({
      reason: 'The last cohort was counted late',
      data: { from: { overallGrade: 0.4 }, to: { overallGrade: 0.6 } },
    });
  });

  it('refuses a correction without a reason (400), of an ungraded objective (422), or a stale one (409)', async () => {
    const { objectiveId, grades } = await activeWithTwo();
    const noReason = await t.call('POST', `/api/v1/objectives/${objectiveId}/grade-corrections`, { body: { overallGrade: 0.5 } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([{ field: 'reason', message: 'reason is required' }]);
    const ungraded = await t.call('POST', `/api/v1/objectives/${objectiveId}/grade-corrections`, { body: { overallGrade: 0.5, reason: 'r' } });
    expect(ungraded.body).toMatchObject({ status: 422, code: 'objective-not-graded' });
    await t.call('POST', `/api/v1/objectives/${objectiveId}/grading`, { body: { keyResultGrades: grades, retrospective: 'r' } });
    const stale = await t.call('POST', `/api/v1/objectives/${objectiveId}/grade-corrections`, {
      body: { overallGrade: 0.5, reason: 'r' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(409);
  });
});
