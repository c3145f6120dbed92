import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi, problem, type MockHandler } from '../../test/mock-api';
import { expectNoUuid } from '../../test/no-uuid';
import { renderPage } from '../../test/render';
import { TeamPage } from './TeamPage';
import { Q3, Q4, atRisk, cycles, dashboard, summary, teams } from './team-fixtures';

const NEW = '0193a000-0000-7000-8000-0000000000aa';

const setup = (over: Record<string, MockHandler> = {}) => {
  const mock = mockApi({
    'GET /api/v1/teams': teams,
    'GET /api/v1/cycles': cycles,
    'GET /api/v1/teams/{teamId}/dashboard': () => dashboard(),
    'GET /api/v1/objectives/{id}/summary': () => summary(),
    'GET /api/v1/at-risk': atRisk,
    'POST /api/v1/objectives': () => ({ status: 201, body: { id: NEW, revision: 0 } }),
    'POST /api/v1/objectives/{id}/key-results': (req) => ({ status: 201, body: { id: '0193a000-0000-7000-8000-0000000000bb', objectiveId: NEW, revision: Number(JSON.parse(req.headers.get('If-Match') ?? '0')) + 1, events: ['KeyResultAdded'] } }),
    'POST /api/v1/objectives/{id}/activation': (req) => ({ body: { id: NEW, revision: Number(JSON.parse(req.headers.get('If-Match') ?? '0')) + 1, events: ['ObjectiveActivated'] } }),
    ...over,
  });
  const view = renderPage(<TeamPage />, {
    api: mock.api,
    path: '/teams/:teamId',
    url: '/teams/growth',
    extraRoutes: [{ path: '/objectives/:objectiveId', element: <p>objective page</p> }],
  });
  return { ...mock, ...view };
};

async function openAndFill() {
  await screen.findByRole('link', { name: 'New customers succeed in their first week' });
  await userEvent.click(screen.getByRole('button', { name: 'New objective' }));
  const dialog = await screen.findByRole('dialog', { name: 'New objective for Growth' });
  await userEvent.type(within(dialog).getByLabelText('Title'), 'Trials turn into customers');
  await userEvent.type(within(dialog).getByLabelText('Description'), 'Half of our trials stall.');
  await userEvent.type(within(dialog).getByLabelText('Title (key result 1)'), 'Trial conversion');
  await userEvent.type(within(dialog).getByLabelText('Start (key result 1)'), '12');
  await userEvent.type(within(dialog).getByLabelText('Target (key result 1)'), '20.5');
  await userEvent.type(within(dialog).getByLabelText('Unit (key result 1)'), '%');
  return dialog;
}

describe('creating an objective from the team page', () => {
  it('sets the objective in the chosen cycle, adds each key result with the fields of its kind, activates it and opens it', async () => {
    const { calls, router } = setup();
    const dialog = await openAndFill();
    expect(within(dialog).getByLabelText('Cycle')).toHaveValue(Q4);
    await userEvent.selectOptions(within(dialog).getByLabelText('Cycle'), Q3);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add a key result' }));
    await userEvent.type(within(dialog).getByLabelText('Title (key result 2)'), 'NPS stays high');
    await userEvent.selectOptions(within(dialog).getByLabelText('Kind (key result 2)'), 'stay-at-or-above');
    expect(within(dialog).queryByLabelText('Target (key result 2)')).not.toBeInTheDocument();
    await userEvent.type(within(dialog).getByLabelText('Floor (key result 2)'), '40');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create objective' }));

    await screen.findByText('objective page');
    expect(router.state.location.pathname).toBe(`/objectives/${NEW}`);
    const writes = calls.filter((c) => c.method === 'POST');
    expect(writes.map((c) => c.path)).toEqual([
      '/api/v1/objectives',
      `/api/v1/objectives/${NEW}/key-results`,
      `/api/v1/objectives/${NEW}/key-results`,
      `/api/v1/objectives/${NEW}/activation`,
    ]);
    expect(writes[0]?.body).toEqual({ teamId: 'growth', cycleId: Q3, title: 'Trials turn into customers', description: 'Half of our trials stall.' });
    expect(writes[1]?.body).toEqual({ title: 'Trial conversion', kind: 'increase', start: 12, target: 20.5, unit: '%' });
    expect(writes[1]?.headers.get('If-Match')).toBe('"0"');
    expect(writes[2]?.body).toEqual({ title: 'NPS stays high', kind: 'stay-at-or-above', threshold: 40 });
    expect(writes[2]?.headers.get('If-Match')).toBe('"1"');
    expect(writes[3]?.headers.get('If-Match')).toBe('"2"');
  });

  it("shows a 400's field errors beside their fields and writes nothing more", async () => {
    const { calls } = setup({
      'POST /api/v1/objectives': () =>
        problem(400, 'The request is not valid', 'Some fields need a change.', [{ field: 'title', message: 'title must be shorter than or equal to 200 characters' }]),
    });
    const dialog = await openAndFill();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create objective' }));
    const title = within(dialog).getByLabelText('Title');
    expect(await within(dialog).findByText('title must be shorter than or equal to 200 characters')).toBeInTheDocument();
    expect(title).toHaveAttribute('aria-invalid', 'true');
    expect(title).toHaveAccessibleDescription('title must be shorter than or equal to 200 characters');
    expect(within(dialog).getByRole('alert')).toHaveTextContent('The request is not valid. Some fields need a change.');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it("shows a key result's field errors beside that key result, and a retry adds it to the objective already set", async () => {
    let refuse = true;
    const { calls } = setup({
      'POST /api/v1/objectives/{id}/key-results': () =>
        refuse
          ? problem(400, 'The request is not valid', 'Some fields need a change.', [{ field: 'target', message: 'target must be a number' }])
          : { status: 201, body: { id: '0193a000-0000-7000-8000-0000000000bb', objectiveId: NEW, revision: 1, events: ['KeyResultAdded'] } },
    });
    const dialog = await openAndFill();
    await userEvent.clear(within(dialog).getByLabelText('Target (key result 1)'));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create objective' }));
    expect(await within(dialog).findByText('target must be a number')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Target (key result 1)')).toHaveAttribute('aria-invalid', 'true');
    refuse = false;
    await userEvent.type(within(dialog).getByLabelText('Target (key result 1)'), '20');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create objective' }));
    await screen.findByText('objective page');
    expect(calls.filter((c) => c.method === 'POST' && c.path === '/api/v1/objectives')).toHaveLength(1);
  });

  it('shows the sentence of a rule the domain refuses (422)', async () => {
    setup({
      'POST /api/v1/objectives/{id}/activation': () => problem(422, 'A rule refuses this', 'An objective needs at least one key result to be activated.'),
    });
    const dialog = await openAndFill();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create objective' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('A rule refuses this. An objective needs at least one key result to be activated.');
    expectNoUuid();
  });
});
