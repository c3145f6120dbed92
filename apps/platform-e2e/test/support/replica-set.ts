import { startService, type RunningService } from '@okr/platform/testing';

export type ServiceName = 'goals' | 'check-ins' | 'insights' | 'notifications';

/** An answer of a service, with which replica gave it. */
export interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of many routes, read by the test
  replica: number;
}

/** One request that answered 404 after a replica of the service had answered it (the resource existed). */
export interface LostResource {
  service: ServiceName;
  replica: number;
  what: string;
  body: unknown;
}

/**
 * Two replicas of one service as OS processes on one data folder, as a Kubernetes Service sees them:
 * requests alternate between the replicas that are up; a killed replica gets none until its restart
 * reports ready again.
 */
export class ReplicaPair {
  readonly replicas: (RunningService | undefined)[] = [undefined, undefined];
  private readonly restarts: (Promise<void> | undefined)[] = [undefined, undefined];
  /** Every start, so that none outlives the test (a start still running when another failed included). */
  private readonly launches: Promise<RunningService>[] = [];
  private turn = 0;

  constructor(
    readonly service: ServiceName,
    private readonly env: () => Record<string, string>,
  ) {}

  /** Starts one replica (the second one starts while the first serves, as in a rollout). */
  async start(index: number): Promise<void> {
    this.replicas[index] = await this.launch();
  }

  private launch(): Promise<RunningService> {
    const started = startService(this.service, this.env());
    this.launches.push(started);
    return started;
  }

  /** SIGKILL of one replica; it is started again in the background, and serves again once ready. */
  async killAndRestart(index: number): Promise<void> {
    // One replica down at a time, as a disruption budget allows: the other one is up first.
    await this.restarts[1 - index];
    const victim = this.replicas[index];
    this.replicas[index] = undefined;
    await victim?.stop('SIGKILL');
    const restart = this.launch().then((started) => {
      this.replicas[index] = started;
    });
    // A failed restart is reported by bothUp(), not as an unhandled rejection in between.
    restart.catch(() => undefined);
    this.restarts[index] = restart;
  }

  /** Both replicas up again (after {@link killAndRestart}). */
  async bothUp(): Promise<void> {
    await Promise.all(this.restarts);
  }

  /** The next replica that is up, in turn. */
  next(): { url: string; index: number } {
    for (let tries = 0; tries < 2; tries++) {
      const index = this.turn++ % 2;
      const replica = this.replicas[index];
      if (replica) return { url: replica.url, index };
    }
    throw new Error(`no replica of ${this.service} is up`);
  }

  async stopAll(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const launched = await Promise.allSettled(this.launches);
    await Promise.all(launched.map((launch) => (launch.status === 'fulfilled' ? launch.value.stop(signal) : undefined)));
  }

  output(): string {
    return this.replicas.map((replica, index) => `--- ${this.service}#${index}\n${replica?.output().slice(-3000) ?? '(down)'}`).join('\n');
  }
}

/**
 * Sends requests to the replicas of a service in turn and records every 404 for a resource that a
 * replica of that service had already answered (`known`): such a resource exists, and a replica that
 * does not know it is the fault this test looks for.
 */
export class Client {
  readonly lost: LostResource[] = [];
  private readonly known = new Set<string>();

  constructor(
    private readonly pairs: Record<ServiceName, ReplicaPair>,
    private readonly tokens: Record<string, string>,
  ) {}

  async call(service: ServiceName, method: string, path: string, options: { body?: unknown; as?: string; known?: string } = {}): Promise<Answer> {
    const { url, index } = this.pairs[service].next();
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.tokens[options.as ?? 'alice']}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    const answer: Answer = { status: response.status, body: text ? JSON.parse(text) : undefined, replica: index };
    const key = options.known === undefined ? undefined : `${service} ${options.known}`;
    if (key !== undefined) {
      if (answer.status === 404 && this.known.has(key)) this.lost.push({ service, replica: index, what: options.known as string, body: answer.body });
      else if (answer.status !== 404) this.known.add(key);
    }
    return answer;
  }

  /**
   * `call` until the service knows the resource: it learns it from the bus, so it answers 404 first
   * (or 503 with Retry-After while its view is still catching up).
   */
  async untilKnown(service: ServiceName, method: string, path: string, options: { body?: unknown; as?: string; known: string }): Promise<Answer> {
    for (;;) {
      const answer = await this.call(service, method, path, options);
      if (answer.status !== 404 && answer.status !== 503) return answer;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
