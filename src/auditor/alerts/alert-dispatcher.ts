/**
 * Alert delivery as a background job (server/background-jobs.ts): `send` puts an alert in the outbox
 * for every configured destination and returns at once; `runPass` delivers what is due.
 * - A pass takes at most `maxPerPass` due entries; deliveries to different destinations run
 *   concurrently (at most 4 at a time), those to one destination one after another, in order.
 * - After a transient failure the destination's other entries wait until that entry's next attempt
 *   (`postpone`): a receiver that is down costs one timeout per backoff step, not one per alert.
 * - An entry for a destination no longer configured goes to the dead letters, to be retried once
 *   the destination is back.
 * - On shutdown (the signal) deliveries in flight are cut off and not counted as attempts.
 * Failures are reported through `onDeliveryError`, with secrets masked; the dispatcher logs nothing.
 */
import type { BackgroundJob, PassResult } from '../../server/background-jobs.js';
import { alertEmail, type Alert } from './alert.js';
import { checkAlertDestinations, type AlertDestination } from './alert-destination.js';
import type { AlertOutbox, OutboxEntry } from './alert-outbox.js';
import { permanentFailure, type DeliveryResult } from './delivery-result.js';
import { sendMail } from './smtp.js';
import { deliverWebhook } from './webhook.js';

export interface DeliveryContext {
  readonly signal: AbortSignal;
}

/** Delivers one alert to one destination (the real transports by default; tests may replace it). */
export type AlertTransport = (
  destination: AlertDestination,
  alert: Alert,
  ctx: DeliveryContext,
) => Promise<DeliveryResult>;

export interface AlertDispatcherOptions {
  readonly destinations: readonly AlertDestination[];
  readonly outbox: AlertOutbox;
  /** Told of every failed attempt; `message` holds no secret. */
  readonly onDeliveryError?: (destination: string, alertId: string, message: string) => void;
  /** Due entries taken per pass; 20 by default. */
  readonly maxPerPass?: number;
  /** Deliveries at a time, at most 4 (the default). */
  readonly concurrency?: number;
  /** Total time of one webhook request; 10 s by default. */
  readonly webhookTimeoutMs?: number;
  /** Time allowed per SMTP reply; 30 s by default. */
  readonly smtpTimeoutMs?: number;
  /** Signature timestamps, and failure times when a pass is given no `now`. */
  readonly clock?: () => Date;
  readonly transport?: AlertTransport;
}

export interface AlertPassContext {
  readonly signal: AbortSignal;
  /**
   * The pass's time: entries due then are taken and failures are scheduled from it. By default the
   * clock's time (read again at each failure). Webhook signatures always carry the clock's time.
   */
  readonly now?: Date;
}

const MAX_CONCURRENCY = 4;
const DEFAULT_MAX_PER_PASS = 20;

export class AlertDispatcher implements BackgroundJob {
  readonly name = 'alert-delivery';
  private readonly byName: ReadonlyMap<string, AlertDestination>;
  private readonly clock: () => Date;
  private readonly transport: AlertTransport;
  private running = false;

  /** Throws AlertDestinationError for a destination that cannot work (alert-destination.ts). */
  constructor(private readonly options: AlertDispatcherOptions) {
    checkAlertDestinations(options.destinations);
    this.byName = new Map(options.destinations.map((d) => [d.name, d]));
    this.clock = options.clock ?? (() => new Date());
    this.transport = options.transport ?? ((d, alert, ctx) => this.deliver(d, alert, ctx));
  }

  /** Queues the alert for every destination (one transaction); delivery happens in later passes. */
  send(alert: Alert): void {
    this.options.outbox.enqueue(alert, [...this.byName.keys()]);
  }

  async runPass(ctx: AlertPassContext): Promise<PassResult> {
    // One pass at a time: a second caller would deliver the same entries twice.
    if (this.running) return 'More';
    this.running = true;
    try {
      const now = ctx.now ?? this.clock();
      const groups = [...byDestination(this.options.outbox.due(now, this.options.maxPerPass ?? DEFAULT_MAX_PER_PASS))];
      const width = Math.min(MAX_CONCURRENCY, Math.max(1, this.options.concurrency ?? MAX_CONCURRENCY), groups.length);
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let g = groups[next++]; g !== undefined && !ctx.signal.aborted; g = groups[next++]) {
          await this.deliverGroup(g[0], g[1], ctx);
        }
      };
      await Promise.all(Array.from({ length: width }, worker));
      if (ctx.signal.aborted) return 'Idle';
      return this.options.outbox.due(now, 1).length > 0 ? 'More' : 'Idle';
    } finally {
      this.running = false;
    }
  }

  /** One destination's entries in order; stops at the first transient failure. */
  private async deliverGroup(name: string, entries: readonly OutboxEntry[], ctx: AlertPassContext): Promise<void> {
    const { signal } = ctx;
    const destination = this.byName.get(name);
    for (const entry of entries) {
      if (signal.aborted) return;
      const result =
        destination === undefined
          ? permanentFailure(`alert destination ${name} is no longer configured`)
          : await this.transport(destination, entry.alert, { signal });
      if (result.outcome === 'Aborted') return;
      if (result.outcome === 'Delivered') {
        this.options.outbox.markDelivered(entry.id);
        continue;
      }
      const error = destination === undefined ? result.error : masked(result.error, destination);
      const permanent = result.failure === 'Permanent';
      const now = ctx.now ?? this.clock();
      const failed = this.options.outbox.markFailed(entry.id, { error, permanent, now, ...retryAfter(result) });
      const then = failed.outcome === 'DeadLettered' ? 'moved to the dead letters' : 'will be retried';
      this.options.onDeliveryError?.(name, entry.alert.id, `${error} (${then})`);
      if (!permanent) {
        if (failed.outcome === 'Scheduled') this.options.outbox.postpone(name, failed.nextAttemptAt);
        return;
      }
    }
  }

  private deliver(d: AlertDestination, alert: Alert, ctx: DeliveryContext): Promise<DeliveryResult> {
    if (d.type === 'webhook') {
      return deliverWebhook(d, alert, {
        now: this.clock(),
        timeoutMs: this.options.webhookTimeoutMs,
        signal: ctx.signal,
      });
    }
    const message = alertEmail(alert, { from: d.from, to: d.to });
    return sendMail(d.smtp, { from: d.from, to: d.to }, message, {
      timeoutMs: this.options.smtpTimeoutMs,
      signal: ctx.signal,
    });
  }
}

/** Due entries grouped by destination, each group in the outbox's order. */
function byDestination(entries: readonly OutboxEntry[]): Map<string, OutboxEntry[]> {
  const groups = new Map<string, OutboxEntry[]>();
  for (const e of entries) groups.set(e.destination, [...(groups.get(e.destination) ?? []), e]);
  return groups;
}

function retryAfter(result: DeliveryResult): { retryAfterMs?: number } {
  return result.outcome === 'Failed' && result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {};
}

/**
 * The destination's secrets masked in an error text. Transports already keep them out; this guards
 * against a server that echoes what it was sent.
 */
function masked(error: string, d: AlertDestination): string {
  const secrets = d.type === 'webhook' ? [d.secret, urlPassword(d.url)] : [d.smtp.password];
  return secrets.reduce<string>(
    (text, s) => (s !== undefined && s.length >= 4 ? text.split(s).join('***') : text),
    error,
  );
}

function urlPassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
