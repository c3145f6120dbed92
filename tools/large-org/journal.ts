import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/**
 * What a run has had acknowledged, appended after every import request: how many writes of the
 * (deterministic) sequence are done, and the ids their answers gave. A re-run reads it, skips those
 * writes and goes on: nothing is sent twice. Interrupted (SIGINT/SIGTERM), the generator finishes
 * the request in flight and records it first.
 */
export class Journal {
  done = 0;
  readonly ids = new Map<string, string>();

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
      const entry = JSON.parse(line) as { done: number; ids: Record<string, string> };
      this.done = entry.done;
      for (const [name, id] of Object.entries(entry.ids)) this.ids.set(name, id);
    }
  }

  /** Whether a journal already exists at the path (a run to resume). */
  static exists(path: string): boolean {
    return existsSync(path);
  }

  record(done: number, ids: Record<string, string>): void {
    this.done = done;
    for (const [name, id] of Object.entries(ids)) this.ids.set(name, id);
    appendFileSync(this.path, `${JSON.stringify({ done, ids })}\n`);
  }

  /** Forgets ids no later write needs (a finished quarter's), to keep memory flat. */
  forget(prefix: string): void {
    for (const name of this.ids.keys()) if (name.startsWith(prefix)) this.ids.delete(name);
  }
}
