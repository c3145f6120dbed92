import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockApi, page, problem, type MockHandler } from '../../test/mock-api';
import { renderPage } from '../../test/render';
import { AuditPage } from './AuditPage';
import { UUID, expectNoUuid } from '../../test/no-uuid';

const OBJ = '0193a000-0000-7000-8000-000000000001';
const PARENT = '0193a000-0000-7000-8000-000000000009';
const KR = '0193a000-0000-7000-8000-000000000101';
const Q3 = '0193a000-0000-7000-8000-00000000c003';
const LEARNING = '0193a000-0000-7000-8000-00000000a001';

let n = 0;
const entry = (type: string, data: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
  id: `0193a000-0000-7000-8000-0000000e000${n}`,
  type,
  revision: n,
  position: 100 + n++,
  actor: 'gina',
  occurredAt: '2026-08-01T10:00:00.000Z',
  correlationId: 'c',
  causationId: 'c',
  data,
  ...over,
});

const objectiveStream = () => {
  n = 0;
  return [
    entry('ObjectiveSet', { objectiveId: OBJ, title: 'Onboarding', teamId: 'growth', cycleId: Q3, ownerId: 'gina' }),
    entry('KeyResultAdded', { objectiveId: OBJ, keyResultId: KR, title: 'Activation rate', measure: { kind: 'increase', start: 20, target: 40, unit: '%' } }),
    entry('ObjectiveAligned', { objectiveId: OBJ, parentObjectiveId: PARENT }),
    entry('KeyResultTargetRevised', { objectiveId: OBJ, keyResultId: KR, from: { target: 40 }, to: { target: 35 } }, { reason: 'Market shrank, "really"', actor: 'omar', occurredAt: '2026-08-20T14:30:00.000Z' }),
  ];
};

const titles: Record<string, unknown> = {
  [OBJ]: { id: OBJ, title: 'Make onboarding delightful', teamId: 'growth', cycleId: Q3, keyResults: [{ id: KR, title: 'Activation rate to 40 %', unit: '%' }] },
  [PARENT]: { id: PARENT, title: 'Grow the company', teamId: 'company', cycleId: Q3, keyResults: [] },
};

const services = (timeline: MockHandler, verify: MockHandler = () => ({ body: { streamId: 's', events: 4, intact: true, unchainedBefore: 0, headHash: 'h' } })) =>
  mockApi({
    'GET /api/v1/audit/{streamId}': timeline,
    'GET /api/v1/audit/{streamId}/verify': verify,
    'GET /api/v1/objectives/{id}': (req) => (titles[req.params['id'] ?? ''] ? { body: titles[req.params['id'] ?? ''] } : problem(404, 'Not found', 'No such objective')),
    'GET /api/v1/teams': () => page([{ id: 'growth', name: 'Growth', parentTeamId: null, leads: [] }]),
    'GET /api/v1/cycles': () => page([{ id: Q3, name: '2026-Q3', startsOn: '2026-07-01', endsOn: '2026-09-30', checkInCadenceDays: 7, status: 'active', closedAt: null }]),
  });

const inZone = (iso: string) => new Intl.DateTimeFormat(navigator.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

afterEach(() => vi.restoreAllMocks());

describe('the audit page', () => {
  it('shows the timeline with who, when in the reader’s zone, why, and before and after in words, by titles', async () => {
    const { api, calls } = services(() => page(objectiveStream()));
    const { container } = renderPage(<AuditPage />, { api, path: '/audit/:kind/:id', url: `/audit/objective/${OBJ}` });
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
    expect(await screen.findByRole('heading', { name: 'Audit trail of the objective “Make onboarding delightful”' })).toBeInTheDocument();
    const revision = (await screen.findByText('Revised the target of “Activation rate to 40 %”')).closest('tr') as HTMLElement;
    expect(within(revision).getByText('omar')).toBeInTheDocument();
    expect(within(revision).getByText(inZone('2026-08-20T14:30:00Z'))).toBeInTheDocument();
    expect(within(revision).getByText('target 40 %')).toBeInTheDocument();
    expect(within(revision).getByText('target 35 %')).toBeInTheDocument();
    expect(within(revision).getByText('Market shrank, "really"')).toBeInTheDocument();
    expect(await screen.findByText('contributes to “Grow the company”')).toBeInTheDocument();
    expect(await screen.findByText('Set the objective “Onboarding” for Growth in 2026-Q3')).toBeInTheDocument();
    expect(await screen.findByText('Verified: all 4 events are intact; none was altered, removed or inserted.')).toBeInTheDocument();
    expect(calls.find((c) => c.path.endsWith('/verify'))?.params['streamId']).toBe(`objective-${OBJ}`);
    expectNoUuid(container);
  });

  it('exports the timeline as a quoted CSV with a header row, named after the objective and the day', async () => {
    const { api } = services(() => page(objectiveStream()));
    const blobs: Blob[] = [];
    const names: string[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => (blobs.push(blob), 'blob:audit'));
    URL.revokeObjectURL = vi.fn();
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    renderPage(<AuditPage />, { api, path: '/audit/:kind/:id', url: `/audit/objective/${OBJ}` });
    await screen.findByRole('heading', { name: /Make onboarding delightful/ });
    await screen.findByText('contributes to “Grow the company”');
    await userEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    const today = new Date();
    const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    expect(names).toEqual([`audit-make-onboarding-delightful-${day}.csv`]);
    const text = await new Promise<string>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.readAsText(blobs[0] as Blob);
    });
    const lines = text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('When,When (UTC),Who,What,Before,After,Reason');
    expect(lines).toHaveLength(6);
    expect(lines[4]).toBe(`"${inZone('2026-08-20T14:30:00Z')}",2026-08-20T14:30:00.000Z,omar,Revised the target of “Activation rate to 40 %”,target 40 %,target 35 %,"Market shrank, ""really"""`);
    expect(text).not.toMatch(UUID);
  });

  it('says the record was tampered with, at which entry, when the chain is broken', async () => {
    const { api } = services(
      () => page(objectiveStream()),
      () => ({ body: { streamId: 's', events: 4, intact: false, unchainedBefore: 0, firstBrokenLink: { revision: 3, eventId: 'e', reason: 'hash-mismatch' } } }),
    );
    renderPage(<AuditPage />, { api, path: '/audit/:kind/:id', url: `/audit/objective/${OBJ}` });
    expect(await screen.findByText(/The record has been tampered with: entry 4 \(.+\) fails verification because its content no longer matches/)).toHaveAttribute('role', 'alert');
  });

  it("shows the problem's sentences when the trail cannot be read", async () => {
    const { api } = services(() => problem(404, 'Stream not found', 'Nothing was recorded under this id'), () => problem(404, 'Stream not found', 'Nothing was recorded under this id'));
    renderPage(<AuditPage />, { api, path: '/audit/:kind/:id', url: `/audit/objective/${OBJ}` });
    expect(await screen.findByRole('alert')).toHaveTextContent('Stream not found. Nothing was recorded under this id.');
    expect(await screen.findByText('The record could not be verified: Stream not found. Nothing was recorded under this id.')).toBeInTheDocument();
  });

  it('says when nothing has been recorded yet', async () => {
    const { api } = services(() => page([]), () => ({ body: { streamId: 's', events: 0, intact: true, unchainedBefore: 0 } }));
    renderPage(<AuditPage />, { api, path: '/audit/:kind/:id', url: `/audit/learning/${LEARNING}` });
    expect(await screen.findByText('Nothing has been recorded for this learning yet.')).toBeInTheDocument();
    expect(await screen.findByText('There is nothing to verify yet.')).toBeInTheDocument();
  });

  it("reads a learning's stream and a key result's check-ins stream, named by their titles", async () => {
    n = 0;
    const learning = [entry('LearningCaptured', { learningId: LEARNING, objectiveId: OBJ, keyResultIds: [KR], tried: 'A product tour', result: 'invalidated', insight: 'Users skip it', evidence: [], tags: [], author: 'gina' })];
    const checkIns = [entry('CheckInRecorded', { checkInId: 'x', keyResultId: KR, objectiveId: OBJ, value: 31.5, confidence: 3, effectiveAt: '2026-08-14', recordedAt: '2026-08-14T10:00:00Z' })];
    const { api, calls } = services((req) => page(req.params['streamId']?.startsWith('learning-') ? learning : checkIns));
    const first = renderPage(<AuditPage />, { api, path: '/audit/:kind/:id', url: `/audit/learning/${LEARNING}` });
    expect(await screen.findByRole('heading', { name: 'Audit trail of the learning “A product tour”' })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Make onboarding delightful' })).toHaveAttribute('href', `/objectives/${OBJ}`);
    first.unmount();
    renderPage(<AuditPage />, { api, path: '/audit/:kind/:id', url: `/audit/key-result/${KR}` });
    expect(await screen.findByRole('heading', { name: 'Audit trail of the key result “Activation rate to 40 %”' })).toBeInTheDocument();
    expect(screen.getByText('value 31.5 %; confidence 3 / 10')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'its audit trail' })).toHaveAttribute('href', `/audit/objective/${OBJ}`);
    expect(calls.filter((c) => c.path.startsWith('/api/v1/audit/') && !c.path.endsWith('/verify')).map((c) => c.params['streamId'])).toEqual([`learning-${LEARNING}`, `checkins-${KR}`]);
  });

  it('loads later entries only on "Load more" and says the CSV holds what is loaded', async () => {
    const [a, b, c, d] = objectiveStream();
    const { api, calls } = services((req) => (req.query.get('cursor') === 'p2' ? page([c, d]) : page([a, b], 'p2')));
    renderPage(<AuditPage />, { api, path: '/audit/:kind/:id', url: `/audit/objective/${OBJ}` });
    expect(await screen.findByText(/The CSV holds the 2 entries loaded so far/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('Revised the target of “Activation rate to 40 %”')).toBeInTheDocument();
    expect(screen.queryByText(/The CSV holds/)).not.toBeInTheDocument();
    expect(calls.filter((x) => x.path === `/api/v1/audit/objective-${OBJ}`).map((x) => x.query.get('cursor'))).toEqual([null, 'p2']);
  });

  it('explains an unknown kind of audit trail', () => {
    renderPage(<AuditPage />, { api: mockApi({}).api, path: '/audit/:kind/:id', url: '/audit/team/growth' });
    expect(screen.getByText(/There is no audit trail of this kind/)).toBeInTheDocument();
  });
});
