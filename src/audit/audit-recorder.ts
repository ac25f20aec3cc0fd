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

interface LoggingTrails {
  readonly at: number;
  readonly version: number;
  readonly trails: readonly SelectingTrail[];
  readonly wantData: boolean;
}

export class AuditRecorder implements RequestObserver {
  private pending: Pending | undefined;
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
   * Appends what is queued now (at the end of each turn; shutdown; tests): each event rendered once,
   * with the logging trails that select it, read afresh (a trail changed in this process applies to
   * the next batch); a data event no trail selects is dropped.
   */
  flush(): void {
    const batch = this.pending;
    this.pending = undefined;
    if (batch === undefined) return;
    try {
      this.options.events.append(this.recorded(batch.events));
      batch.resolve();
    } catch (err) {
      batch.reject(err);
    }
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
      setImmediate(() => this.flush());
    }
    this.pending.events.push(...events);
    return this.pending.done;
  }

  /** The logging trails; `fresh`: checked against the store's version now, not only every trailCacheMs. */
  private loggingTrails(fresh: boolean): LoggingTrails {
    const now = (this.options.nowMs ?? Date.now)();
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
