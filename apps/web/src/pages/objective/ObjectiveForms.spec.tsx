import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { page, problem } from '../../test/mock-api';
import { expectNoUuid } from '../../test/no-uuid';
import { stubResizeObserver } from '../../test/resize-observer';
import { renderPage } from '../../test/render';
import { formatDate } from '../../ui/format';
import { KR_ACTIVATION, OBJECTIVE, atRisk, summary, summaryKeyResult } from '../team/team-fixtures';
import { CHECK_IN_2, LEARNING, objectiveApi } from './objective-fixtures';
import { ObjectivePage } from './ObjectivePage';

beforeAll(stubResizeObserver);

const render = (api: ReturnType<typeof objectiveApi>['api']) =>
  renderPage(<ObjectivePage />, { api, path: '/objectives/:objectiveId', url: `/objectives/${OBJECTIVE}` });

async function openDialog(button: string, title: string) {
  await userEvent.click(await screen.findByRole('button', { name: button }));
  return screen.findByRole('dialog', { name: title });
}

async function fillCheckIn(dialog: HTMLElement) {
  await userEvent.type(within(dialog).getByLabelText('Value (%)'), '27');
  await userEvent.type(within(dialog).getByLabelText('Confidence (0-10)'), '3');
  await userEvent.clear(within(dialog).getByLabelText('Date it describes'));
  await userEvent.type(within(dialog).getByLabelText('Date it describes'), '2026-10-19');
  await userEvent.type(within(dialog).getByLabelText('Note'), 'Checklist live for everyone');
  await userEvent.type(within(dialog).getByLabelText('Blockers'), 'SSO vendor late{enter}{enter}Legal review');
}

describe('the forms of the objective page', () => {
  it('checks in with the right body and If-Match, then polls until insights shows it, and the at-risk badge appears with its reason', async () => {
    let processed = false;
    let summariesAfterWrite = 0;
    let written = false;
    const { api, calls } = objectiveApi({
      'GET /api/v1/at-risk': () => (processed ? atRisk() : page([])),
      'GET /api/v1/objectives/{id}/summary': () => {
        if (written && ++summariesAfterWrite >= 3) processed = true;
        return processed ? summary({ keyResults: [summaryKeyResult({ value: 27, checkInRevision: 3, recentConfidences: [5, 3, 3] })] }) : summary({ keyResults: [summaryKeyResult({ confidence: 5, recentConfidences: [7, 5] })] });
      },
      'POST /api/v1/key-results/{krId}/check-ins': () => ((written = true), { status: 201, body: { id: '0193a000-0000-7000-8000-000000000303', keyResultId: KR_ACTIVATION, revision: 3 } }),
    });
    render(api);
    const kr = (await screen.findByRole('region', { name: 'Week-1 activation' })) as HTMLElement;
    await within(kr).findByText(/Latest: 24.5 %/);
    expect(within(kr).queryByText('At risk')).not.toBeInTheDocument();
    const dialog = await openDialog('Check in on Week-1 activation', 'Check in on Week-1 activation');
    await fillCheckIn(dialog);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Check in' }));

    expect(await within(kr).findByText('Confidence is 3/10, below the threshold of 5/10.', {}, { timeout: 30_000 })).toBeInTheDocument();
    expect(within(kr).getByText('At risk')).toBeInTheDocument();
    expect(within(kr).getByText(/Latest: 27 %/)).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.path).toBe(`/api/v1/key-results/${KR_ACTIVATION}/check-ins`);
    expect(post?.body).toEqual({ value: 27, confidence: 3, effectiveAt: '2026-10-19', note: 'Checklist live for everyone', blockers: ['SSO vendor late', 'Legal review'] });
    expect(post?.headers.get('If-Match')).toBe('"2"');
    expect(summariesAfterWrite).toBeGreaterThanOrEqual(3);
    expectNoUuid();
  });

  it("shows a 400's field errors beside their fields", async () => {
    const { api } = objectiveApi({
      'POST /api/v1/key-results/{krId}/check-ins': () =>
        problem(400, 'The request is not valid', 'One field needs a change.', [{ field: 'confidence', message: 'confidence must not be greater than 10' }]),
    });
    render(api);
    const dialog = await openDialog('Check in on Week-1 activation', 'Check in on Week-1 activation');
    await fillCheckIn(dialog);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Check in' }));
    const confidence = within(dialog).getByLabelText('Confidence (0-10)');
    expect(await within(dialog).findByText('confidence must not be greater than 10')).toBeInTheDocument();
    expect(confidence).toHaveAttribute('aria-invalid', 'true');
    expect(confidence).toHaveAccessibleDescription(/confidence must not be greater than 10/);
    expect(within(dialog).getByLabelText('Value (%)')).toHaveAttribute('aria-invalid', 'false');
  });

  it("shows the sentence of a rule the domain refuses (422), and a 409 as someone else's change with a reload", async () => {
    let status = 422;
    const { api } = objectiveApi({
      'POST /api/v1/key-results/{krId}/check-ins': () =>
        status === 422
          ? problem(422, 'A rule refuses this', 'A check-in cannot describe a day after today.')
          : problem(409, 'Conflict', 'The check-ins changed since revision 2.'),
    });
    render(api);
    const dialog = await openDialog('Check in on Week-1 activation', 'Check in on Week-1 activation');
    await fillCheckIn(dialog);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Check in' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('A rule refuses this. A check-in cannot describe a day after today.');
    status = 409;
    await userEvent.click(within(dialog).getByRole('button', { name: 'Check in' }));
    expect(await within(dialog).findByText('Someone changed this meanwhile. Reload to see their change, then try again.')).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Reload' }));
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('corrects a check-in: only what changed, the reason, and the check-ins revision as If-Match', async () => {
    const { api, calls } = objectiveApi({
      'POST /api/v1/check-ins/{id}/corrections': () => ({ status: 201, body: { id: CHECK_IN_2, keyResultId: KR_ACTIVATION, revision: 3, events: ['CheckInCorrected'] } }),
    });
    render(api);
    const kr = (await screen.findByRole('region', { name: 'Week-1 activation' })) as HTMLElement;
    await userEvent.click(within(kr).getByText(/^Check-ins/));
    const day = formatDate('2026-10-12');
    const dialog = await openDialog(`Correct the check-in of ${day}`, `Correct the check-in of ${day} on Week-1 activation`);
    expect(within(dialog).getByLabelText('Value (%)')).toHaveValue('24.5');
    await userEvent.clear(within(dialog).getByLabelText('Confidence (0-10)'));
    await userEvent.type(within(dialog).getByLabelText('Confidence (0-10)'), '4');
    await userEvent.type(within(dialog).getByLabelText('Reason for the correction'), 'Typed 3 for 4');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Correct' }));
    await waitForNoDialog();
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.path).toBe(`/api/v1/check-ins/${CHECK_IN_2}/corrections`);
    expect(post?.body).toEqual({ confidence: 4, reason: 'Typed 3 for 4' });
    expect(post?.headers.get('If-Match')).toBe('"2"');
  });

  it("revises a target with a reason and the objective's revision as If-Match", async () => {
    const { api, calls } = objectiveApi({
      'POST /api/v1/objectives/{id}/key-results/{krId}/target-revisions': () => ({ status: 201, body: { id: OBJECTIVE, revision: 8, events: ['KeyResultTargetRevised'] } }),
    });
    render(api);
    const dialog = await openDialog('Revise the target of Week-1 activation', 'Revise the target of Week-1 activation');
    expect(dialog).toHaveTextContent('Now 40 %.');
    await userEvent.type(within(dialog).getByLabelText('New target (%)'), '35');
    await userEvent.type(within(dialog).getByLabelText('Reason for the revision'), 'Trials are half as long');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Revise target' }));
    await waitForNoDialog();
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.path).toBe(`/api/v1/objectives/${OBJECTIVE}/key-results/${KR_ACTIVATION}/target-revisions`);
    expect(post?.body).toEqual({ target: 35, reason: 'Trials are half as long' });
    expect(post?.headers.get('If-Match')).toBe('"7"');
  });

  it('captures a learning: what was tried, the result, what was learned, the next step, key results and evidence', async () => {
    const { api, calls } = objectiveApi({
      'POST /api/v1/learnings': (req) =>
        (req.body as { insight?: string }).insight
          ? { status: 201, body: { id: LEARNING, revision: 0 } }
          : problem(400, 'The request is not valid', 'One field needs a change.', [{ field: 'insight', message: 'insight should not be empty' }]),
    });
    render(api);
    const dialog = await openDialog('Capture a learning', 'Capture a learning on New customers succeed in their first week');
    await userEvent.type(within(dialog).getByLabelText('What was tried'), 'A guided import on day one');
    await userEvent.click(within(dialog).getByLabelText(/Invalidated/));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Capture learning' }));
    expect(await within(dialog).findByText('insight should not be empty')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('What was learned')).toHaveAttribute('aria-invalid', 'true');

    await userEvent.type(within(dialog).getByLabelText('What was learned'), 'Users stall on permissions');
    await userEvent.type(within(dialog).getByLabelText('Next step'), 'Ship a permissions checklist');
    await userEvent.click(within(dialog).getByLabelText('Week-1 activation'));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add evidence' }));
    await userEvent.type(within(dialog).getByLabelText('What it shows (evidence 1)'), '5 of 8 interviewees stalled');
    await userEvent.type(within(dialog).getByLabelText('Tags'), 'onboarding, Permissions');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Capture learning' }));
    await waitForNoDialog();
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts.at(-1)?.body).toEqual({
      objectiveId: OBJECTIVE,
      tried: 'A guided import on day one',
      result: 'invalidated',
      insight: 'Users stall on permissions',
      nextStep: 'Ship a permissions checklist',
      keyResultIds: [KR_ACTIVATION],
      evidence: [{ kind: 'customer-interview', summary: '5 of 8 interviewees stalled' }],
      tags: ['onboarding', 'Permissions'],
    });
  });
});

async function waitForNoDialog() {
  await screen.findByRole('heading', { level: 1 });
  await expect.poll(() => screen.queryByRole('dialog')).toBeNull();
}
