import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Metrics } from '@okr/platform';
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
import { SECRET_BOX, SecretBox } from '../store/secret-box';
import { chatChannelOf, NotificationsStore, type DeliveryAttempt, type DeliveryDoc } from '../store/notifications.store';

interface AttemptResult {
  delivery: DeliveryDoc;
  attempt: number;
  outcome: SendOutcome;
  update: Record<string, unknown>;
}

/** Deliveries handled per round, sent concurrently. */
const BATCH = 16;
const EPOCH = new Date(0).toISOString();
const MAX_HISTORY = 20;

/**
 * Sends what is due. Each round finds pending deliveries whose `nextAttemptAt` has come, CLAIMS each
 * with a conditional update (`status: pending` and an expired lease -> a lease of
 * `OKR_DELIVERY_LEASE_SECONDS` owned by this replica), so two replicas never send the same delivery
 * at once, then makes one attempt and records its outcome under the same lease:
 * - delivered -> `delivered`;
 * - retry (5xx, 408, 429, timeout, connection error) -> `pending` again, due after an exponential
 *   backoff with jitter, until `OKR_DELIVERY_MAX_ATTEMPTS`, then `failed`;
 * - reject (other 4xx, a permanent SMTP error, a missing channel, a webhook or chat URL that leads to
 *   a private address while `OKR_WEBHOOK_ALLOW_PRIVATE=false`) -> `failed` at once.
 * Every attempt is kept in the delivery's `history`. A replica killed mid-send leaves its lease to
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

  constructor(
    private readonly store: NotificationsStore,
    recorder: DeliveryRecorder,
    @Inject(NOTIFICATIONS_SETTINGS) private readonly settings: NotificationsSettings,
    @Inject(NOTIFICATIONS_CLOCK) private readonly clock: Clock,
    private readonly metrics: Metrics,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
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

  /** Runs rounds until one finds nothing due; resolves when done (tests await it). */
  async drain(): Promise<void> {
    while (this.round) await this.round;
    await this.runRounds();
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
      let handled = 0;
      try {
        handled = await this.runRound();
      } catch (error) {
        this.logger.error({ err: error }, 'delivery round failed; retrying on the next tick');
      }
      if (handled >= BATCH) this.again = true;
    } while (this.again && !this.stopped);
  }

  /** One round: claims and sends up to {@link BATCH} due deliveries. Returns how many it claimed. */
  async runRound(): Promise<number> {
    const c = await this.store.collections();
    const now = this.clock.now().toISOString();
    const due = await c.deliveries.find(
      { status: 'pending', nextAttemptAt: { $lte: now }, leaseUntil: { $lte: now } },
      { sort: { nextAttemptAt: 1 }, limit: BATCH },
    );
    if (due.length === 0) return 0;
    // Claim the round's deliveries in ONE transaction (one commit, not one per delivery); each claim
    // is still conditional, so of two replicas racing for a delivery only one wins it.
    const leaseUntil = new Date(this.clock.now().getTime() + this.settings.leaseSeconds * 1000).toISOString();
    const claimed = await this.store.store.withTransaction(async (session) => {
      const won: DeliveryDoc[] = [];
      for (const delivery of due) {
        const result = await c.deliveries.updateOne(
          { _id: delivery._id, status: 'pending', leaseUntil: delivery.leaseUntil },
          { $set: { leaseUntil, leaseOwner: this.owner } },
          { session },
        );
        if (result.modified === 1) won.push(delivery);
      }
      return won;
    });
    const results = await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
    // The outcomes of the round, recorded together, each only if this replica still holds the lease.
    const written = await this.store.store.withTransaction(async (session) => {
      const modified: boolean[] = [];
      for (const { delivery, update } of results) {
        const result = await c.deliveries.updateOne({ _id: delivery._id, leaseOwner: this.owner }, { $set: update }, { session });
        modified.push(result.modified === 1);
      }
      return modified;
    });
    results.forEach((result, i) => this.report(result, written[i] ?? false));
    return claimed.length;
  }

  private async attempt(delivery: DeliveryDoc): Promise<AttemptResult> {
    const attempt = delivery.attempts + 1;
    let outcome: SendOutcome;
    try {
      outcome = await this.send(delivery, attempt);
    } catch (error) {
      outcome = { kind: 'retry', error: `unexpected error: ${error instanceof Error ? error.message : String(error)}` };
    }
    const at = this.clock.now();
    const entry: DeliveryAttempt = {
      attempt,
      at: at.toISOString(),
      outcome: outcome.kind,
      ...(outcome.statusCode === undefined ? {} : { statusCode: outcome.statusCode }),
      ...(outcome.kind === 'delivered' ? {} : { error: outcome.error }),
    };
    const history = [...delivery.history, entry].slice(-MAX_HISTORY);
    const common = { attempts: attempt, history, leaseUntil: EPOCH, leaseOwner: null };
    let update: Record<string, unknown>;
    if (outcome.kind === 'delivered') {
      update = { ...common, status: 'delivered', deliveredAt: at.toISOString(), nextAttemptAt: null, lastError: null, reason: null };
    } else if (outcome.kind === 'retry' && attempt < this.settings.maxAttempts) {
      const delay = retryDelayMs(attempt, { initialMs: this.settings.retryInitialMs, maxMs: this.settings.retryMaxMs });
      update = { ...common, status: 'pending', nextAttemptAt: new Date(at.getTime() + delay).toISOString(), lastError: outcome.error };
    } else {
      update = { ...common, status: 'failed', failedAt: at.toISOString(), nextAttemptAt: null, lastError: outcome.error };
    }
    return { delivery, attempt, outcome, update };
  }

  private report({ delivery, attempt, outcome, update }: AttemptResult, written: boolean): void {
    const context = {
      deliveryId: delivery._id,
      tenantId: delivery.tenantId,
      rule: delivery.rule,
      channel: delivery.channel,
      recipient: delivery.recipient,
      attempt,
      outcome: outcome.kind,
      ...(outcome.statusCode === undefined ? {} : { statusCode: outcome.statusCode }),
    };
    if (!written) {
      this.logger.warn(context, 'delivery lease lost before the outcome was recorded; another replica owns it now');
      return;
    }
    this.metrics.counter('okr_notification_attempts_total', 'Delivery attempts by channel and outcome', ['channel', 'outcome']).inc({
      channel: delivery.channel,
      outcome: update['status'] === 'failed' ? 'failed' : outcome.kind,
    });
    if (outcome.kind === 'delivered') this.logger.log(context, 'notification delivered');
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
    const prefs = await c.preferences.findOne({ tenantId: delivery.tenantId, userId: delivery.recipient });
    if (delivery.channel === 'chat') {
      const chat = chatChannelOf(prefs);
      if (!chat) return { kind: 'reject', error: 'the recipient no longer has a chat channel' };
      const url = this.secrets.open(chat.url);
      return this.post(url, (timeoutMs, pinned) => sendChat({ url, format: chat.format, notification, timeoutMs, pinned }));
    }
    if (delivery.channel === 'email') {
      if (!prefs?.email) return { kind: 'reject', error: 'the recipient no longer has an email address' };
      const tenantSmtp = await this.tenantSmtpOf(delivery.tenantId);
      const smtp = tenantSmtp ?? this.defaultSmtp();
      if (!smtp) return { kind: 'reject', error: 'no SMTP server is configured for the tenant' };
      if (!tenantSmtp) return this.email.send({ smtp, to: prefs.email, notification });
      // A tenant's own server is guarded like its webhooks; the operator's OKR_SMTP_URL is trusted.
      const destination = await resolveHost(smtp.host, { allowPrivate: this.settings.allowPrivateDestinations, timeoutMs: this.settings.timeoutMs });
      if (!destination.ok) {
        return destination.code === 'unresolvable' ? { kind: 'retry', error: destination.reason } : { kind: 'reject', error: destination.reason };
      }
      return this.email.send({ smtp, to: prefs.email, notification, ...(destination.pinned ? { pinned: destination.pinned } : {}) });
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
