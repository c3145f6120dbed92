import { buildAlignmentTree, type AlignmentNode, type TreeSource } from './alignment-tree';

const objective = (id: string, progress: number, parents: string[] = [], extra: Partial<TreeSource> = {}): TreeSource => ({
  _id: id,
  title: `Objective ${id}`,
  teamId: 'growth',
  cycleId: 'q4',
  status: 'active',
  progress,
  parentObjectiveIds: parents,
  keyResults: [{ dropped: false }],
  ...extra,
});

/** id(children…) for readable structure assertions. */
const shape = (node: AlignmentNode): string =>
  node.children.length === 0 ? node.id : `${node.id}(${node.children.map(shape).join(',')})`;

describe('buildAlignmentTree', () => {
  it('puts an objective with two parents under each of them', () => {
    const tree = buildAlignmentTree([objective('p1', 0.2), objective('p2', 0.4), objective('c', 0.6, ['p1', 'p2'])]);
    expect(tree.roots.map(shape)).toEqual(['p1(c)', 'p2(c)']);
    expect(tree.roots[0].children[0]).toEqual(tree.roots[1].children[0]);
  });

  it('rolls progress up as the mean of its own progress and its children’s rolled-up progress', () => {
    const tree = buildAlignmentTree([
      objective('root', 0.1),
      objective('a', 0.5, ['root']),
      objective('b', 0.2, ['root']),
      objective('a1', 1, ['a']),
    ]);
    expect(tree.roots.map(shape)).toEqual(['root(a(a1),b)']);
    const [root] = tree.roots;
    const [a, b] = root.children;
    expect(a.children[0].rolledUpProgress).toBe(1);
    expect(a.rolledUpProgress).toBeCloseTo(0.75); // (0.5 + 1) / 2
    expect(b.rolledUpProgress).toBeCloseTo(0.2);
    expect(root.rolledUpProgress).toBeCloseTo((0.1 + 0.75 + 0.2) / 3);
    expect(root.progress).toBe(0.1);
  });

  it('leaves out its own progress without non-dropped key results, and unmeasurable children', () => {
    const tree = buildAlignmentTree([
      objective('root', 0, [], { keyResults: [{ dropped: true }] }),
      objective('a', 0.6, ['root']),
      objective('empty', 0, ['root'], { keyResults: [] }),
    ]);
    const [root] = tree.roots;
    expect(root.children.find((c) => c.id === 'empty')?.rolledUpProgress).toBeNull();
    expect(root.rolledUpProgress).toBeCloseTo(0.6);
    expect(buildAlignmentTree([objective('alone', 0, [], { keyResults: [] })]).roots[0].rolledUpProgress).toBeNull();
  });

  it('filters by cycle: a parent in another cycle makes the child a root', () => {
    const summaries = [
      objective('annual', 0.3, [], { cycleId: '2026' }),
      objective('q4-a', 0.5, ['annual']),
      objective('q4-b', 0.7, ['q4-a']),
    ];
    expect(buildAlignmentTree(summaries).roots.map(shape)).toEqual(['annual(q4-a(q4-b))']);
    const q4 = buildAlignmentTree(summaries, { cycleId: 'q4' });
    expect(q4.roots.map(shape)).toEqual(['q4-a(q4-b)']);
    expect(q4.roots[0].rolledUpProgress).toBeCloseTo(0.6);
    expect(buildAlignmentTree(summaries, { cycleId: 'other' })).toEqual({ roots: [] });
  });

  it('shows the public fields and leaves out placeholders not yet known as objectives', () => {
    const tree = buildAlignmentTree([objective('o', 0.5), objective('ghost', 0, [], { status: 'unknown', title: '' })]);
    expect(tree).toEqual({
      roots: [
        { id: 'o', title: 'Objective o', teamId: 'growth', teamName: 'growth', parentTeamId: null, cycleId: 'q4', status: 'active', progress: 0.5, rolledUpProgress: 0.5, children: [] },
      ],
    });
  });

  it("names each objective's team from the registry, with its parent team, and falls back to the id", () => {
    const teams = new Map([['growth', { name: 'Growth', parentTeamId: 'product' }]]);
    const tree = buildAlignmentTree([objective('o', 0.5), objective('p', 0.5, [], { teamId: 'platform' })], {}, teams);
    expect(tree.roots.map((n) => [n.teamId, n.teamName, n.parentTeamId])).toEqual([
      ['growth', 'Growth', 'product'],
      ['platform', 'platform', null],
    ]);
  });

  it('survives loops: a loop with a way in is cut on the path, one without becomes a root', () => {
    const entered = buildAlignmentTree([objective('r', 0), objective('x', 0, ['r', 'y']), objective('y', 0, ['x'])]);
    expect(entered.roots.map(shape)).toEqual(['r(x(y))']);
    const closed = buildAlignmentTree([objective('x', 0.2, ['y']), objective('y', 0.4, ['x']), objective('self', 1, ['self'])]);
    expect(closed.roots.map(shape)).toEqual(['self', 'x(y)']);
    expect(closed.roots[1].rolledUpProgress).toBeCloseTo(0.3);
  });
});
