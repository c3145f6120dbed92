import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { Metrics, Tracing } from '@okr/platform';
import {
  EmailSender,
  resolveDestination,
  resolveHost,
  retryDelayMs,
  sendChat,
  sendWebhook,
  smtpSettingsFromUrl,
  type OutgoingNotification,
  type PinnedAddress,
  type SendOutcome,
  type SmtpSettings,
} from '../channels';
import { NOTIFICATIONS_CLOCK, NOTIFICATIONS_SETTINGS, type Clock, type NotificationsSettings } from '../notifications.config';
import { DeliveryRecorder } from '../planning/delivery-recorder';
import { DeliverySeal, PERSONAL_DATA_ERASED, erasedIn } from '../store/delivery-seal';
import { emailOf } from '../preferences/preference.view';
import { SECRET_BOX, SecretBox } from '../store/secret-box';
import { chatChannelOf, NotificationsStore, type DeliveryAttempt, type DeliveryDoc } from '../store/notifications.store';

/**
 * Where a delivery goes, as a key: its webhook, the recipient's chat channel (the recipient named by
 * their key's id, as stored), the tenant's SMTP server; in-app deliveries go nowhere slow.
 */
function destinationOf(delivery: DeliveryDoc): string {
  if (delivery.webhookId) return JSON.stringify(['webhook', delivery.webhookId]);
  if (delivery.channel === 'email') return JSON.stringify(['email', delivery.tenantId]);
  if (delivery.recipientKeyId) return JSON.stringify([delivery.channel, delivery.tenantId, 'recipientKeyId', delivery.recipientKeyId]);
  return JSON.stringify([delivery.channel, delivery.tenantId, 'recipient', delivery.recipient]);
}

/** The deliveries of a destination key, as a read-store filter. */
function filterOf(key: string): Record<string, unknown> {
  const [kind, a, field, value] = JSON.parse(key) as string[];
  if (kind === 'webhook') return { webhookId: a };
  if (kind === 'email') return { channel: 'email', tenantId: a, webhookId: null };
  return { channel: kind, tenantId: a, [field as string]: value, webhookId: null };
}

interface AttemptResult {
  delivery: DeliveryDoc;
  attempt: number;
  outcome: SendOutcome;
  update: Record<string, unknown>;
}

const EPOCH = new Date(0).toISOString();
const MAX_HISTORY = 20;

/**
 * Sends what is due, each attempt in its own slot: `OKR_DELIVERY_CONCURRENCY` per replica, at most
 * `OKR_DELIVERY_CONCURRENCY_PER_DESTINATION` per destination, so one tenant's dead endpoints never hold
 * another's deliveries, and no attempt waits for another to end. Each round finds pending deliveries
 * whose `nextAttemptAt` has come (of destinations with a free slot), CLAIMS each
 * with a conditional update (`status: pending` and an expired lease -> a lease of
 * `OKR_DELIVERY_LEASE_SECONDS` owned by this replica), so two replicas never send the same delivery
 * at once, then makes one attempt and records its outcome under the same lease:
 * - delivered -> `delivered`;
 * - retry (5xx, 408, 429, timeout, connection error) -> `pending` again, due after an exponential
 *   backoff with jitter, until `OKR_DELIVERY_MAX_ATTEMPTS`, then `failed`;
 * - reject (other 4xx, a permanent SMTP error, a missing channel, a webhook or chat URL that leads to
 *   a private address while `OKR_WEBHOOK_ALLOW_PRIVATE=false`) -> `failed` at once.
 * Every attempt is kept in the delivery's `history`. The delivery is opened just before it is sent:
 * one whose recipient or text no longer opens (someone it names or quotes was erased) is not sent,
 * only marked `skipped` (`personal-data-erased`): nothing sealed ever leaves. A replica killed mid-send leaves its lease to
 * expire and the delivery is sent again WITH THE SAME delivery id (`X-Okr-Delivery`, the email's
 * Message-ID), so a receiver can drop the repeat: over HTTP or SMTP nobody can do better than
 * at-least-once plus a stable id.
 */
@Injectable()
export class Dispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(Dispatcher.name);
  private readonly owner = `dispatcher-${randomUUID()}`;
  private readonly email: EmailSender;
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private again = false;
  private stopped = true;
  /** Attempts running, by delivery id. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Attempts running per destination (see {@link destinationOf}). */
  private readonly perDestination = new Map<string, number>();

  constructor(
    private readonly store: NotificationsStore,
    recorder: DeliveryRecorder,
    @Inject(NOTIFICATIONS_SETTINGS) private readonly settings: NotificationsSettings,
    @Inject(NOTIFICATIONS_CLOCK) private readonly clock: Clock,
    private readonly metrics: Metrics,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    private readonly tracing: Tracing,
    private readonly seal: DeliverySeal,
  ) {
    recorder.onRecorded(() => this.wake());
    const t = settings.timeoutMs;
    // A send must end well inside its lease, or another replica could start the same one.
    this.email = new EmailSender({
      connectionTimeoutMs: t,
      greetingTimeoutMs: t,
      socketTimeoutMs: t,
      sendTimeoutMs: Math.max(t, settings.leaseSeconds * 1000 - 2000),
      log: (message) => this.logger.warn({ channel: 'email' }, message),
    });
  }

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.schedule();
    this.wake();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.round;
    await Promise.all(this.inFlight.values());
    this.email.close();
  }

  /** Starts a round now (or right after the one running). */
  wake(): void {
    if (this.stopped) return;
    if (this.round) {
      this.again = true;
      return;
    }
    this.round = this.runRounds().finally(() => {
      this.round = undefined;
    });
  }

  /** Runs rounds until one finds nothing due and no attempt is in flight; resolves when done (tests await it). */
  async drain(): Promise<void> {
    for (;;) {
      while (this.round) await this.round;
      const claimed = await this.runRound();
      if (claimed === 0 && this.inFlight.size === 0) return;
      if (claimed === 0) await Promise.race(this.inFlight.values());
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.wake();
      this.schedule();
    }, this.settings.dispatchIntervalMs);
    this.timer.unref();
  }

  private async runRounds(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.runRound();
      } catch (error) {
        this.logger.error({ err: error }, 'delivery round failed; retrying on the next tick');
      }
    } while (this.again && !this.stopped);
  }

  /**
   * One round: claims due deliveries for the free slots and starts their attempts, without waiting
   * for them; each records its own outcome and frees its slot when it ends, then wakes the next
   * round. Deliveries to a destination that has `concurrencyPerDestination` attempts in flight are
   * not even read: a dead endpoint (every attempt a timeout) holds its own slots, never the others'.
   * Returns how many it claimed.
   */
  async runRound(): Promise<number> {
    const free = this.settings.concurrency - this.inFlight.size;
    if (free <= 0) return 0;
    const c = await this.store.collections();
    const now = this.clock.now().toISOString();
    const busy = [...this.perDestination].filter(([, n]) => n >= this.settings.concurrencyPerDestination).map(([key]) => filterOf(key));
    const due = await c.deliveries.find(
      { status: 'pending', nextAttemptAt: { $lte: now }, leaseUntil: { $lte: now }, ...(busy.length ? { $nor: busy } : {}) },
      { sort: { nextAttemptAt: 1 }, limit: free },
    );
    // Within the round too, a destination gets no more than its share.
    const taken = new Map<string, number>();
    const chosen = due.filter((delivery) => {
      const key = destinationOf(delivery);
      const n = (this.perDestination.get(key) ?? 0) + (taken.get(key) ?? 0);
      if (n >= this.settings.concurrencyPerDestination) return false;
      taken.set(key, (taken.get(key) ?? 0) + 1);
      return true;
    });
    if (chosen.length === 0) return 0;
    // Claim the round's deliveries in ONE transaction (one commit, not one per delivery); each claim
    // is still conditional, so of two replicas racing for a delivery only one wins it.
    const leaseUntil = new Date(this.clock.now().getTime() + this.settings.leaseSeconds * 1000).toISOString();
    const claimed = await this.store.store.withTransaction(async (session) => {
      const won: DeliveryDoc[] = [];
      for (const delivery of chosen) {
        const result = await c.deliveries.updateOne(
          { _id: delivery._id, status: 'pending', leaseUntil: delivery.leaseUntil },
          { $set: { leaseUntil, leaseOwner: this.owner } },
          { session },
        );
        if (result.modified === 1) won.push(delivery);
      }
      return won;
    });
    for (const delivery of claimed) this.start(delivery);
    return claimed.length;
  }

  /** One attempt in its slot: sent, recorded under this replica's lease, reported; then the slot is free. */
  private start(delivery: DeliveryDoc): void {
    const key = destinationOf(delivery);
    this.perDestination.set(key, (this.perDestination.get(key) ?? 0) + 1);
    const run = (async () => {
      const result = await this.tracedAttempt(delivery);
      const c = await this.store.collections();
      const written = await c.deliveries.updateOne({ _id: delivery._id, leaseOwner: this.owner }, { $set: result.update });
      this.report(result, written.modified === 1);
    })()
      .catch((error: unknown) => this.logger.error({ err: error, deliveryId: delivery._id }, 'recording a delivery attempt failed; its lease will expire'))
      .finally(() => {
        this.inFlight.delete(delivery._id);
        const left = (this.perDestination.get(key) ?? 1) - 1;
        if (left <= 0) this.perDestination.delete(key);
        else this.perDestination.set(key, left);
        this.wake();
      });
    this.inFlight.set(delivery._id, run);
  }

  /** An attempt as a span in the trace of the event that caused the delivery (a new trace for reminders and digests). */
  private tracedAttempt(delivery: DeliveryDoc): Promise<AttemptResult> {
    const span = {
      traceparent: delivery.traceparent,
      name: `deliver ${delivery.channel}`,
      kind: SpanKind.CLIENT,
      attributes: {
        'okr.delivery.id': delivery._id,
        'okr.delivery.rule': delivery.rule,
        'okr.delivery.channel': delivery.channel,
        'okr.delivery.attempt': delivery.attempts + 1,
        'okr.tenant.id': delivery.tenantId,
      },
    };
    return this.tracing.inSpan(span, async (active) => {
      const result = await this.attempt(delivery);
      const status = String(result.update['status']);
      active.setAttributes({ 'okr.delivery.outcome': result.outcome.kind, 'okr.delivery.status': status });
      if (result.outcome.statusCode !== undefined) active.setAttribute('http.response.status_code', result.outcome.statusCode);
      if (result.outcome.kind !== 'delivered') active.setStatus({ code: SpanStatusCode.ERROR, message: result.outcome.error });
      return result;
    });
  }

  private async attempt(delivery: DeliveryDoc): Promise<AttemptResult> {
    const attempt = delivery.attempts + 1;
    const opened = await this.seal.open(delivery);
    if (erasedIn(delivery, opened)) {
      const update = { status: 'skipped', reason: PERSONAL_DATA_ERASED, nextAttemptAt: null, leaseUntil: EPOCH, leaseOwner: null };
      return { delivery, attempt: delivery.attempts, outcome: { kind: 'reject', error: PERSONAL_DATA_ERASED }, update };
    }
    let outcome: SendOutcome;
    try {
      outcome = await this.send(opened, attempt);
    } catch (error) {
      outcome = { kind: 'retry', error: `unexpected error: ${error instanceof Error ? error.message : String(error)}` };
    }
    const at = this.clock.now();
    // An error can quote the recipient (an SMTP server's answer names the address): kept sealed like them.
    const error = outcome.kind === 'delivered' ? undefined : await this.seal.sealError(delivery, outcome.error);
    const entry: DeliveryAttempt = {
      attempt,
      at: at.toISOString(),
      outcome: outcome.kind,
      ...(outcome.statusCode === undefined ? {} : { statusCode: outcome.statusCode }),
      ...(error === undefined ? {} : { error }),
    };
    const history = [...delivery.history, entry].slice(-MAX_HISTORY);
    const common = { attempts: attempt, history, leaseUntil: EPOCH, leaseOwner: null };
    let update: Record<string, unknown>;
    if (outcome.kind === 'delivered') {
      update = { ...common, status: 'delivered', deliveredAt: at.toISOString(), nextAttemptAt: null, lastError: null, reason: null };
    } else if (outcome.kind === 'retry' && attempt < this.settings.maxAttempts) {
      const delay = retryDelayMs(attempt, { initialMs: this.settings.retryInitialMs, maxMs: this.settings.retryMaxMs });
      update = { ...common, status: 'pending', nextAttemptAt: new Date(at.getTime() + delay).toISOString(), lastError: error };
    } else {
      update = { ...common, status: 'failed', failedAt: at.toISOString(), nextAttemptAt: null, lastError: error };
    }
    return { delivery, attempt, outcome, update };
  }

  private report({ delivery, attempt, outcome, update }: AttemptResult, written: boolean): void {
    const context = {
      deliveryId: delivery._id,
      tenantId: delivery.tenantId,
      rule: delivery.rule,
      channel: delivery.channel,
      // Never the person's id in the logs: their key's id, which names no one once they are erased.
      ...(delivery.recipientKeyId ? { recipientKeyId: delivery.recipientKeyId } : { recipient: delivery.recipient }),
      attempt,
      outcome: outcome.kind,
      ...(outcome.statusCode === undefined ? {} : { statusCode: outcome.statusCode }),
    };
    if (!written) {
      this.logger.warn(context, 'delivery lease lost before the outcome was recorded; another replica owns it now');
      return;
    }
    const status = update['status'];
    this.metrics.counter('okr_notification_attempts_total', 'Delivery attempts by channel and outcome', ['channel', 'outcome']).inc({
      channel: delivery.channel,
      outcome: status === 'failed' || status === 'skipped' ? status : outcome.kind,
    });
    if (outcome.kind === 'delivered') this.logger.log(context, 'notification delivered');
    else if (status === 'skipped') this.logger.warn({ ...context, reason: update['reason'] }, 'notification not sent: someone it names or quotes was erased');
    else if (update['status'] === 'failed') this.logger.warn({ ...context, error: outcome.error }, 'notification delivery failed');
    else this.logger.warn({ ...context, error: outcome.error, nextAttemptAt: update['nextAttemptAt'] }, 'notification delivery will be retried');
  }

  private async send(delivery: DeliveryDoc, attempt: number): Promise<SendOutcome> {
    const notification: OutgoingNotification = {
      deliveryId: delivery._id,
      tenantId: delivery.tenantId,
      rule: delivery.rule,
      recipient: delivery.recipient,
      subject: delivery.subject,
      body: delivery.body,
      triggeredBy: delivery.triggeredBy,
      createdAt: delivery.createdAt,
      attempt,
      ...(delivery.objectiveId ? { objectiveId: delivery.objectiveId } : {}),
      ...(delivery.keyResultId ? { keyResultId: delivery.keyResultId } : {}),
      ...(delivery.teamId ? { teamId: delivery.teamId } : {}),
      ...(delivery.items ? { items: delivery.items } : {}),
    };
    const c = await this.store.collections();
    if (delivery.webhookId) {
      const hook = await c.webhooks.findOne({ _id: delivery.webhookId, tenantId: delivery.tenantId });
      if (!hook) return { kind: 'reject', error: 'the webhook was deleted' };
      const url = this.secrets.open(hook.url);
      return this.post(url, (timeoutMs, pinned) =>
        hook.format === 'json'
          ? sendWebhook({ url, secret: this.secrets.open(hook.secret), notification, timeoutMs, pinned })
          : sendChat({ url, format: hook.format, notification, timeoutMs, pinned }),
      );
    }
    if (delivery.channel === 'in-app') return { kind: 'delivered' };
    const prefs = await this.seal.open(await c.preferences.findOne({ tenantId: delivery.tenantId, userId: delivery.recipient }));
    if (delivery.channel === 'chat') {
      const chat = chatChannelOf(prefs);
      if (!chat) return { kind: 'reject', error: 'the recipient no longer has a chat channel' };
      const url = this.secrets.open(chat.url);
      return this.post(url, (timeoutMs, pinned) => sendChat({ url, format: chat.format, notification, timeoutMs, pinned }));
    }
    if (delivery.channel === 'email') {
      const to = emailOf(prefs);
      if (!to) return { kind: 'reject', error: 'the recipient no longer has an email address' };
      const tenantSmtp = await this.tenantSmtpOf(delivery.tenantId);
      const smtp = tenantSmtp ?? this.defaultSmtp();
      if (!smtp) return { kind: 'reject', error: 'no SMTP server is configured for the tenant' };
      if (!tenantSmtp) return this.email.send({ smtp, to, notification });
      // A tenant's own server is guarded like its webhooks; the operator's OKR_SMTP_URL is trusted.
      const destination = await resolveHost(smtp.host, { allowPrivate: this.settings.allowPrivateDestinations, timeoutMs: this.settings.timeoutMs });
      if (!destination.ok) {
        return destination.code === 'unresolvable' ? { kind: 'retry', error: destination.reason } : { kind: 'reject', error: destination.reason };
      }
      return this.email.send({ smtp, to, notification, ...(destination.pinned ? { pinned: destination.pinned } : {}) });
    }
    return { kind: 'reject', error: `no sender for channel ${delivery.channel}` };
  }

  /**
   * One webhook / chat POST, after the destination guard: the URL was checked at registration, but
   * its DNS may have changed since. A private destination is rejected (never retried); a name that
   * does not resolve now is retried. The POST then connects to the addresses just checked (`pinned`),
   * never resolving the name again, so DNS that changes in between (rebinding) cannot lead it to a
   * private address; with private destinations allowed nothing is checked nor pinned. Resolving
   * counts against the attempt's timeout.
   */
  private async post(
    url: string,
    send: (timeoutMs: number, pinned: PinnedAddress[] | undefined) => Promise<SendOutcome>,
  ): Promise<SendOutcome> {
    const started = Date.now();
    const timeoutMs = this.settings.timeoutMs;
    const destination = await resolveDestination(url, { allowPrivate: this.settings.allowPrivateDestinations, timeoutMs });
    if (!destination.ok) {
      return destination.code === 'unresolvable' ? { kind: 'retry', error: destination.reason } : { kind: 'reject', error: destination.reason };
    }
    return send(Math.max(1, timeoutMs - (Date.now() - started)), destination.pinned);
  }

  private async tenantSmtpOf(tenantId: string): Promise<SmtpSettings | undefined> {
    const c = await this.store.collections();
    const own = await c.smtp.findOne({ _id: tenantId });
    if (!own) return undefined;
    return {
      host: own.host,
      port: own.port,
      secure: own.secure,
      from: own.from,
      ...(own.username ? { username: own.username } : {}),
      ...(own.password ? { password: this.secrets.open(own.password) } : {}),
    };
  }

  private defaultSmtp(): SmtpSettings | undefined {
    return this.settings.smtpUrl ? smtpSettingsFromUrl(this.settings.smtpUrl, this.settings.smtpFrom) : undefined;
  }
}
