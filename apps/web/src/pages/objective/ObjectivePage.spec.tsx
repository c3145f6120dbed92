import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { page, problem } from '../../test/mock-api';
import { expectNoUuid } from '../../test/no-uuid';
import { stubResizeObserver } from '../../test/resize-observer';
import { TEST_SESSION, renderPage } from '../../test/render';
import { formatDate } from '../../ui/format';
import { KR_ACTIVATION, KR_LAUNCH, OBJECTIVE, summary, summaryKeyResult } from '../team/team-fixtures';
import { CHILD, PARENT, checkIns, objective, objectiveApi, series } from './objective-fixtures';
import { ObjectivePage } from './ObjectivePage';

beforeAll(stubResizeObserver);

const renderObjective = (api: ReturnType<typeof objectiveApi>['api'], session = TEST_SESSION) =>
  renderPage(<ObjectivePage />, { api, path: '/objectives/:objectiveId', url: `/objectives/${OBJECTIVE}`, session });

const section = async (title: string) => (await screen.findByRole('region', { name: title })) as HTMLElement;

describe('the objective page', () => {
  it('says it is loading, then shows the objective by names: team, owner, cycle, status, key results, risk, chart, learnings, alignment, history', async () => {
    const { api } = objectiveApi();
    renderObjective(api);
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
    expect(await screen.findByRole('heading', { level: 1, name: 'New customers succeed in their first week' })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Growth' })).toHaveAttribute('href', '/teams/growth');
    expect(await screen.findByText(/Cycle: 2026-Q4/)).toHaveTextContent('Owner: gina');
    expect(screen.getByText(/Status: Active/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Audit trail' })).toHaveAttribute('href', `/audit/objective/${OBJECTIVE}`);

    const kr = await section('Week-1 activation');
    expect(kr).toHaveTextContent('Increase to a target · target 40 % · started at 20 % · Owner: omar');
    expect(await within(kr).findByText(/Latest: 24.5 %/)).toHaveTextContent(`(as of ${formatDate('2026-10-12')})`);
    expect(kr).toHaveTextContent('down from 5 at the previous check-in');
    expect(await within(kr).findByText('Confidence is 3/10, below the threshold of 5/10.')).toBeInTheDocument();
    expect(within(kr).getByText('Progress is 23 % where the pace expects 45 % by now.')).toBeInTheDocument();
    // The chart's numbers as a table: value, target then, the expected pace by then (20 % on Oct 1 to 40 % on Dec 31), confidence.
    const chart = await within(kr).findByRole('table', { name: 'Check-ins of Week-1 activation with the target and the expected pace' });
    const rows = within(chart).getAllByRole('row');
    expect(rows[1]).toHaveTextContent(`${formatDate('2026-10-05')}22 %40 %`);
    expect(rows[1]).toHaveTextContent('7 / 10');
    expect(rows[2]).toHaveTextContent('24.5 % (corrected)');
    expect(rows[2]).toHaveTextContent('22.42 %'); // 20 + 20 × 11/91 days
    const list = await within(kr).findByRole('table', { name: 'Check-ins of Week-1 activation' });
    expect(list).toHaveTextContent('Checklist shipped to 20% of sign-ups Blockers: Waiting on the SSO vendor');

    const launch = await section('Guided import shipped');
    expect(launch).toHaveTextContent('Milestone (done or not)');
    expect(await within(launch).findByText('No check-ins yet: the chart starts with the first one.')).toBeInTheDocument();

    const learnings = await section('Learnings');
    expect(await within(learnings).findByText('Users stall on permissions, not on the import itself')).toBeInTheDocument();
    expect(learnings).toHaveTextContent('Invalidated');
    expect(learnings).toHaveTextContent('about Week-1 activation');

    const alignment = await section('Alignment');
    expect(await within(alignment).findByRole('link', { name: 'Customers love the product' })).toHaveAttribute('href', `/objectives/${PARENT}`);
    expect(within(alignment).getByRole('link', { name: 'Onboarding emails feel personal' })).toHaveAttribute('href', `/objectives/${CHILD}`);

    const history = await section('History');
    expect(await within(history).findByText(/Revised the target of “Week-1 activation”/)).toHaveTextContent(
      'Before: target 45 %. After: target 40 %. Why: The sales team halved the trial length',
    );
    expect(history).toHaveTextContent('omar on');
    expect(await within(history).findByText(/Aligned to a parent objective/)).toHaveTextContent('contributes to “Customers love the product”');
    expect(history).toHaveTextContent('for Growth in 2026-Q4');
    expect(history).toHaveTextContent('Continues an objective of 2026-Q3. Before: “Activation gets past the import”.');
    expectNoUuid();
  });

  it('says so in words when the objective does not exist (never its id)', async () => {
    const { api } = objectiveApi({ 'GET /api/v1/objectives/{id}': () => problem(404, 'Not found', `Objective ${OBJECTIVE} does not exist`) });
    renderObjective(api);
    expect(await screen.findByRole('alert')).toHaveTextContent('This objective does not exist, or it belongs to another organisation.');
    expectNoUuid();
  });

  it("shows the problem's sentences and a retry when the objective cannot be read", async () => {
    const { api } = objectiveApi({ 'GET /api/v1/objectives/{id}': () => problem(503, 'The event store is unavailable', 'Try again in a minute.') });
    renderObjective(api);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The event store is unavailable. Try again in a minute.');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('shows a new objective before insights has seen it, and before its first check-in and learning', async () => {
    let seen = false;
    const { api } = objectiveApi({
      'GET /api/v1/objectives/{id}/summary': () => (seen ? summary({ keyResults: [summaryKeyResult({ value: null, confidence: null, recentConfidences: [], checkIns: [] })] }) : ((seen = true), problem(404, 'Not found', 'Not seen yet'))),
      'GET /api/v1/key-results/{krId}/series': (req) => series(req.params['krId'] as string),
      'GET /api/v1/key-results/{krId}/check-ins': (req) => checkIns(req.params['krId'] as string),
      'GET /api/v1/objectives/{id}/learnings': () => page([]),
      'GET /api/v1/at-risk': () => page([]),
    });
    renderObjective(api);
    expect(await screen.findByText('Progress and charts appear as soon as the views have caught up with this objective.')).toBeInTheDocument();
    const kr = await section('Week-1 activation');
    // The summary is polled while insights has not seen the objective; then the figures appear.
    expect(await within(kr).findByText(/Latest: no check-in yet/)).toBeInTheDocument();
    expect(within(kr).getByText('No confidence given yet')).toBeInTheDocument();
    expect(await within(kr).findByText('No check-ins yet: the chart starts with the first one.')).toBeInTheDocument();
    expect(await within(await section('Learnings')).findByText('No learnings yet.')).toBeInTheDocument();
    expect(screen.queryByText('Progress and charts appear as soon as the views have caught up with this objective.')).not.toBeInTheDocument();
    expectNoUuid();
  });

  it('never shows an owner known only by an id (an identity provider\'s subject)', async () => {
    const subject = '5f0c2a9e-1b7d-4c3e-9a8f-2d6b1e0c7a41';
    const { api } = objectiveApi({
      'GET /api/v1/objectives/{id}': () => objective({ ownerId: subject, keyResults: [{ ...objective().body.keyResults[0], ownerId: subject }] }),
    });
    renderObjective(api);
    expect(await screen.findByText(/Cycle: 2026-Q4/)).toHaveTextContent('Owner: an unnamed person');
    expect(await section('Week-1 activation')).toHaveTextContent('Owner: an unnamed person');
    expectNoUuid();
  });

  it("links each key result's audit trail (its check-ins and their corrections) by the key result's title", async () => {
    const { api } = objectiveApi();
    renderObjective(api, { ...TEST_SESSION, roles: ['auditor'] });
    const kr = await section('Week-1 activation');
    expect(within(kr).getByRole('link', { name: 'Audit trail of Week-1 activation' })).toHaveAttribute('href', `/audit/key-result/${KR_ACTIVATION}`);
    expect(within(await section('Guided import shipped')).getByRole('link', { name: 'Audit trail of Guided import shipped' })).toHaveAttribute('href', `/audit/key-result/${KR_LAUNCH}`);
  });

  it('offers no forms to an auditor (read only)', async () => {
    const { api } = objectiveApi();
    renderObjective(api, { ...TEST_SESSION, roles: ['auditor'] });
    await section('Week-1 activation');
    expect(screen.queryByRole('button', { name: /Check in/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Capture a learning' })).not.toBeInTheDocument();
  });

  it('shows the grade and retrospective of a graded objective, and no forms to change it', async () => {
    const { api } = objectiveApi({
      'GET /api/v1/objectives/{id}': () => objective({ status: 'closed', grade: { overallGrade: 0.7, keyResultGrades: [], retrospective: 'Activation moved once onboarding emails were personal.' } }),
    });
    renderObjective(api);
    expect(await screen.findByText(/Graded 70/)).toHaveTextContent('Retrospective: Activation moved once onboarding emails were personal.');
    await section('Week-1 activation');
    expect(screen.queryByRole('button', { name: /Check in on/ })).not.toBeInTheDocument();
    expect(screen.getByText(/Status: Graded/)).toBeInTheDocument();
  });

  it('lets a draft objective be activated with its revision as If-Match', async () => {
    const { api, calls } = objectiveApi({
      'GET /api/v1/objectives/{id}': () => ({ body: { ...objective().body, status: 'draft' } }),
      'POST /api/v1/objectives/{id}/activation': () => problem(422, 'A rule refuses this', 'An objective needs at least one key result to be activated.'),
    });
    renderObjective(api);
    await userEvent.click(await screen.findByRole('button', { name: 'Activate' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('An objective needs at least one key result to be activated.');
    expect(calls.find((c) => c.method === 'POST')?.headers.get('If-Match')).toBe('"7"');
  });
});
