/**
 * The audit trail's write-ahead (issue #16): turns each request's record into its CloudTrail events
 * and appends them to the event store before the response is sent, so an event of a request the
 * client saw answered is never lost to a crash of the process. Management events are always kept
 * (the event history LookupEvents shows); data events only when a logging trail selects them.
 *
 * Trails select events here, once, when they are recorded (as CloudTrail applies a trail's selectors
 * to events as they happen): the store keeps each selected event rendered, with the keys of the trails
 * that deliver it (trail-delivery-log.ts), and delivery never parses or selects again.
 *
 * Cost: requests that produce no event (a data event no trail wants) return at once, with no
 * allocation beyond the classification. Events of requests that arrive in the same turn of the event
 * loop share one transaction (group commit), in which the selected events are one row of lines
 * whatever their number; the store's commit is a write to the operating system
 * (WAL, synchronous=NORMAL), not an fsync, so it survives kill -9; power loss can take the last
 * moments of the trail, which the operator can close with `--durability strict` semantics later.
 * Deviation from AWS: CloudTrail delivers events "within about 5 minutes" and keeps no promise per
 * request; here each acknowledged request's event is durable before the acknowledgement.
 */
import type { AuditEventStore, RecordedEvent, TrailRecord, TrailStore } from './audit-ports.js';
import { eventSourceOf, S3_DATA_OPERATIONS } from './cloudtrail-classification.js';
import { cloudTrailEventCopies, type CloudTrailEvent } from './cloudtrail-event.js';
import type { RequestRecord } from './request-record.js';
import { selectingTrail, selectingTrailKeys, type SelectingTrail } from './trail-delivery-selection.js';
import type { RequestObserver } from '../server/request-observer.js';

export interface AuditRecorderOptions {
  readonly events: AuditEventStore;
  readonly trails: TrailStore;
  readonly newEventId: () => string;
  /** Milliseconds since the epoch (the trail cache's clock). */
  readonly nowMs?: () => number;
  /** How long `keeps` trusts its list of logging trails before it checks for a change; default 1 s. */
  readonly trailCacheMs?: number;
}

interface Pending {
  readonly events: CloudTrailEvent[];
  readonly done: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

/** Batches the store was busy for (another process held its write lock): written together, in order. */
interface Held {
  readonly recorded: RecordedEvent[];
  readonly batches: Pending[];
  /** When the store was first found busy for them (ms), and how many tries failed since. */
  readonly since: number;
  tries: number;
  /** A retry is scheduled (one at a time, however many turns' flushes find the store busy). */
  retrying: boolean;
}

/** How long held batches are retried without waiting before a write waits (as the store's busy timeout). */
const HOLD_LIMIT_MS = 1000;

interface LoggingTrails {
  readonly at: number;
  readonly version: number;
  readonly trails: readonly SelectingTrail[];
  readonly wantData: boolean;
}

export class AuditRecorder implements RequestObserver {
  private pending: Pending | undefined;
  private held: Held | undefined;
  private cache: LoggingTrails | undefined;

  constructor(private readonly options: AuditRecorderOptions) {}

  /**
   * Management events always; data events only while some logging trail selects data events (as of at
   * most `trailCacheMs` ago: a trail started in another process is seen within that time).
   */
  readonly keeps = (service: string, operation: string | undefined): boolean => {
    if (operation === undefined || eventSourceOf(service) === undefined) return false;
    return !(service === 's3' && S3_DATA_OPERATIONS.has(operation)) || this.loggingTrails(false).wantData;
  };

  readonly beforeResponse = (record: RequestRecord): Promise<void> | undefined => {
    if (!this.keeps(record.service, record.operation)) return undefined;
    const copies = cloudTrailEventCopies(record, { newId: this.options.newEventId });
    return copies.length === 0 ? undefined : this.enqueue(copies);
  };

  /**
   * Appends what is queued now, waiting for the store's write lock if another process holds it
   * (shutdown; tests). The request path's own flush, at the end of each turn, never waits (`flushTurn`).
   */
  flush(): void {
    const held = this.take();
    if (held !== undefined) this.settle(held, () => this.options.events.append(held.recorded));
  }

  /**
   * Each turn's flush: each event rendered once, with the logging trails that select it, read afresh (a
   * trail changed in this process applies to the next batch); a data event no trail selects is dropped.
   * When another worker holds the store's write lock, the batch is held and tried again a moment later
   * while this process goes on serving: SQLite's own busy wait would sleep on the event loop, stalling
   * every request of this worker for a commit of another (issue #17's bench: 10 % of batches).
   */
  private flushTurn(): void {
    const held = this.take();
    if (held !== undefined) this.tryWrite(held);
  }

  /** The held batches with the pending one (rendered) joined to them; undefined when there is neither. */
  private take(): Held | undefined {
    const batch = this.pending;
    this.pending = undefined;
    const held = this.held;
    if (batch === undefined) return held;
    let recorded: RecordedEvent[];
    try {
      recorded = this.recorded(batch.events);
    } catch (err) {
      batch.reject(err);
      return held;
    }
    if (held === undefined) return (this.held = { recorded, batches: [batch], since: this.now(), tries: 0, retrying: false });
    held.recorded.push(...recorded);
    held.batches.push(batch);
    return held;
  }

  private tryWrite(held: Held): void {
    if (this.now() - held.since >= HOLD_LIMIT_MS) return this.settle(held, () => this.options.events.append(held.recorded));
    let written: boolean;
    try {
      written = this.options.events.tryAppend(held.recorded);
    } catch (err) {
      return this.settle(held, () => { throw err; });
    }
    if (written) return this.settle(held, () => undefined);
    // Busy: the first tries at the next turn, then 1, 2, 4, 8 ms apart. Batches of later turns join.
    if (held.retrying) return;
    held.retrying = true;
    const delay = held.tries < 2 ? -1 : Math.min(8, 2 ** (held.tries - 2));
    held.tries += 1;
    const retry = () => {
      held.retrying = false;
      if (this.held === held) this.flushTurn();
    };
    if (delay < 0) setImmediate(retry);
    else setTimeout(retry, delay);
  }

  /** Runs `write` for the held batches, then resolves them, or rejects them with what it threw. */
  private settle(held: Held, write: () => void): void {
    if (this.held === held) this.held = undefined;
    try {
      write();
    } catch (err) {
      for (const b of held.batches) b.reject(err);
      return;
    }
    for (const b of held.batches) b.resolve();
  }

  private recorded(events: readonly CloudTrailEvent[]): RecordedEvent[] {
    const logging = this.loggingTrails(true).trails;
    const out: RecordedEvent[] = [];
    for (const event of events) {
      const trails = selectingTrailKeys(event, logging);
      if (event.managementEvent || trails.length > 0) out.push({ event, json: JSON.stringify(event), trails });
    }
    return out;
  }

  private enqueue(events: readonly CloudTrailEvent[]): Promise<void> {
    if (this.pending === undefined) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.pending = { events: [], done, resolve, reject };
      // Every request answered in this turn of the event loop joins the batch: one transaction.
      setImmediate(() => this.flushTurn());
    }
    this.pending.events.push(...events);
    return this.pending.done;
  }

  /** The logging trails; `fresh`: checked against the store's version now, not only every trailCacheMs. */
  private now(): number {
    return (this.options.nowMs ?? Date.now)();
  }

  private loggingTrails(fresh: boolean): LoggingTrails {
    const now = this.now();
    const cached = this.cache;
    if (cached !== undefined && !fresh && now - cached.at < (this.options.trailCacheMs ?? 1000)) return cached;
    const version = this.options.trails.version();
    if (cached !== undefined && cached.version === version) return (this.cache = { ...cached, at: now });
    const trails = this.options.trails.logging().map(selectingTrail);
    return (this.cache = { at: now, version, trails, wantData: trails.some((t) => selectsDataEvents(t.trail)) });
  }
}

/** Whether any selector of the trail could select a data event. */
function selectsDataEvents(trail: TrailRecord): boolean {
  if (trail.advancedEventSelectors !== undefined) {
    return trail.advancedEventSelectors.some((s) =>
      s.FieldSelectors.some((f) => f.Field === 'eventCategory' && (f.Equals ?? []).includes('Data')));
  }
  return (trail.eventSelectors ?? []).some((s) => (s.DataResources ?? []).length > 0);
}
