import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/**
 * What a direct build has committed, for a re-run to go on from there. Before each transaction it
 * records where the transaction ends and the store's head position before it; after the commit, that
 * it is done. A run that died in between finds the intent last: the store's head tells whether that
 * transaction committed (it moved past the recorded position) or not.
 */
export class DirectJournal {
  /** Writes of the plan committed. */
  done = 0;
  private pending: { upTo: number; after: number } | undefined;

  constructor(
    private readonly path: string,
    run: Record<string, unknown>,
  ) {
    if (!existsSync(path)) {
      appendFileSync(path, `${JSON.stringify({ run })}\n`);
      return;
    }
    const lines = readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '');
    const header = JSON.parse(lines[0] ?? '{}') as { run?: Record<string, unknown> };
    if (JSON.stringify(header.run) !== JSON.stringify(run)) {
      throw new Error(`${path} records another run (${JSON.stringify(header.run)}); this one is ${JSON.stringify(run)}. Use another --journal or --tenant.`);
    }
    for (const line of lines.slice(1)) {
      const entry = JSON.parse(line) as { committing?: number; after?: number; done?: number };
      if (entry.committing !== undefined) this.pending = { upTo: entry.committing, after: entry.after ?? -1 };
      if (entry.done !== undefined) {
        this.done = entry.done;
        this.pending = undefined;
      }
    }
  }

  /** Settles a transaction the last run did not see end, from the store's head position now. */
  settle(headPosition: number): void {
    if (!this.pending) return;
    if (headPosition > this.pending.after) this.committed(this.pending.upTo);
    this.pending = undefined;
  }

  committing(upTo: number, headPosition: number): void {
    appendFileSync(this.path, `${JSON.stringify({ committing: upTo, after: headPosition })}\n`);
  }

  committed(upTo: number): void {
    this.done = upTo;
    appendFileSync(this.path, `${JSON.stringify({ done: upTo })}\n`);
  }
}
