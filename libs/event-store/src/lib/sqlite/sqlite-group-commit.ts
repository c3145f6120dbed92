/** What one request of a batch came to: its result, or the error that refused it alone. */
export type Outcome<Result> = { ok: true; result: Result } | { ok: false; error: unknown };

/**
 * Group commit for a synchronous database (better-sqlite3): requests submitted during one turn of the
 * event loop are committed together, in submission order, by one call of `commitBatch` (one transaction,
 * so one WAL sync at `synchronous=FULL` instead of one per request), at the next `setImmediate`.
 *
 * A request's promise settles only after `commitBatch` returned, that is after the transaction that
 * holds it committed: acknowledged still means durable. `commitBatch` answers each request's own
 * outcome (a request refused inside the transaction, e.g. by its optimistic-concurrency check, is rolled
 * back to its savepoint alone); when `commitBatch` throws, nothing of the batch was committed and every
 * request of it fails with that error.
 */
export class GroupCommit<Request, Result> {
  private pending: { request: Request; settle: (outcome: Outcome<Result>) => void }[] = [];
  private scheduled: NodeJS.Immediate | undefined;

  constructor(
    private readonly commitBatch: (requests: readonly Request[]) => Outcome<Result>[],
    /** Called after a batch in which at least one request committed. */
    private readonly committed: () => void = () => undefined,
  ) {}

  /** Queues `request` for the next batch; settles once that batch committed or failed. */
  submit(request: Request): Promise<Outcome<Result>> {
    return new Promise((settle) => {
      this.pending.push({ request, settle });
      this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Commits what is queued now (synchronously); `close` calls it so that no queued request is dropped. */
  flush(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let outcomes: Outcome<Result>[];
    try {
      outcomes = this.commitBatch(batch.map(({ request }) => request));
    } catch (error) {
      for (const { settle } of batch) settle({ ok: false, error });
      return;
    }
    batch.forEach(({ settle }, index) => settle(outcomes[index]));
    if (outcomes.some((outcome) => outcome.ok)) this.committed();
  }
}
