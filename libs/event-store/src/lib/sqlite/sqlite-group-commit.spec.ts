import { GroupCommit, type Outcome } from './sqlite-group-commit';

/** A fake database that records each batch it commits; `refuse` answers a request's own failure. */
const recorder = (refuse: (request: number) => boolean = () => false) => {
  const batches: number[][] = [];
  const commit = jest.fn((requests: readonly number[]): Outcome<string>[] => {
    batches.push([...requests]);
    return requests.map((request) => (refuse(request) ? { ok: false, error: new Error(`refused ${request}`) } : { ok: true, result: `stored ${request}` }));
  });
  return { batches, commit };
};

describe('GroupCommit', () => {
  it('commits the requests of one event-loop turn in one batch, in submission order', async () => {
    const { batches, commit } = recorder();
    const committed = jest.fn();
    const group = new GroupCommit(commit, committed);

    const first = Promise.all([1, 2, 3].map((request) => group.submit(request)));
    expect(commit).not.toHaveBeenCalled();
    const outcomes = await first;
    const later = await group.submit(4);

    expect(batches).toEqual([[1, 2, 3], [4]]);
    expect(outcomes).toEqual([1, 2, 3].map((request) => ({ ok: true, result: `stored ${request}` })));
    expect(later).toEqual({ ok: true, result: 'stored 4' });
    expect(committed).toHaveBeenCalledTimes(2);
  });

  it('answers no request before its batch committed', async () => {
    let commits = 0;
    const group = new GroupCommit<number, number>((requests) => {
      commits += 1;
      return requests.map(() => ({ ok: true, result: commits }));
    });
    const answered: number[] = [];
    const pending = [1, 2].map((request) => group.submit(request).then(() => answered.push(request)));
    await Promise.resolve();
    expect(answered).toEqual([]);
    await Promise.all(pending);
    expect(commits).toBe(1);
    expect(answered).toEqual([1, 2]);
  });

  it('fails one refused request alone, and every request of a batch whose commit threw', async () => {
    const { commit } = recorder((request) => request === 2);
    const group = new GroupCommit(commit);
    const [one, two, three] = await Promise.all([1, 2, 3].map((request) => group.submit(request)));
    expect(one.ok && three.ok).toBe(true);
    expect(two).toEqual({ ok: false, error: new Error('refused 2') });

    const failing = new GroupCommit<number, string>(() => {
      throw new Error('disk I/O error');
    });
    const outcomes = await Promise.all([1, 2].map((request) => failing.submit(request)));
    expect(outcomes).toEqual([1, 2].map(() => ({ ok: false, error: new Error('disk I/O error') })));
  });

  it('commits what is queued at once on flush (close), and nothing twice', async () => {
    const { batches, commit } = recorder();
    const group = new GroupCommit(commit);
    const outcome = group.submit(7);
    group.flush();
    expect(batches).toEqual([[7]]);
    await expect(outcome).resolves.toEqual({ ok: true, result: 'stored 7' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[7]]);
  });
});
