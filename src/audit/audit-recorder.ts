/**
 * The audit trail's write-ahead (issue #16): turns each request's record into its CloudTrail events
 * and appends them to the event store before the response is sent, so an event of a request the
 * client saw answered is never lost to a crash of the process. Management events are always kept
 * (the event history LookupEvents shows); data events only when a logging trail selects them.
 *
 * Cost: requests that produce no event (a data event no trail wants) return at once, with no
 * allocation beyond the classification. Events of requests that arrive in the same turn of the event
 * loop share one transaction (group commit): the store's commit is a write to the operating system
 * (WAL, synchronous=NORMAL), not an fsync, so it survives kill -9; power loss can take the last
 * moments of the trail, which the operator can close with `--durability strict` semantics later.
 * Deviation from AWS: CloudTrail delivers events "within about 5 minutes" and keeps no promise per
 * request; here each acknowledged request's event is durable before the acknowledgement.
 */
import type { AuditEventStore, TrailRecord, TrailStore } from './audit-ports.js';
import { eventSourceOf, isDataEvent, S3_DATA_OPERATIONS } from './cloudtrail-classification.js';
import { cloudTrailEventCopies, type CloudTrailEvent } from './cloudtrail-event.js';
import { selectsEvent, type TrailSelectors } from './cloudtrail-selectors.js';
import type { RequestRecord } from './request-record.js';
import type { RequestObserver } from '../server/request-observer.js';

export interface AuditRecorderOptions {
  readonly events: AuditEventStore;
  readonly trails: TrailStore;
  readonly newEventId: () => string;
  /** Milliseconds since the epoch (the trail cache's clock). */
  readonly nowMs?: () => number;
  /** How long the list of logging trails is trusted before it is read again; default 1 s. */
  readonly trailCacheMs?: number;
}

interface Pending {
  readonly events: CloudTrailEvent[];
  readonly done: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

export class AuditRecorder implements RequestObserver {
  private pending: Pending | undefined;
  private trailsCache: { readonly at: number; readonly version: number; readonly logging: readonly TrailRecord[]; readonly wantData: boolean } | undefined;

  constructor(private readonly options: AuditRecorderOptions) {}

  /** Management events always; data events only while some logging trail selects data events. */
  readonly keeps = (service: string, operation: string | undefined): boolean => {
    if (operation === undefined || eventSourceOf(service) === undefined) return false;
    return !(service === 's3' && S3_DATA_OPERATIONS.has(operation)) || this.loggingTrails().wantData;
  };

  readonly beforeResponse = (record: RequestRecord): Promise<void> | undefined => {
    if (!this.keeps(record.service, record.operation)) return undefined;
    const data = isDataEvent(record);
    const copies = cloudTrailEventCopies(record, { newId: this.options.newEventId });
    const kept = data ? copies.filter((e) => this.selected(e)) : copies;
    return kept.length === 0 ? undefined : this.enqueue(kept);
  };

  /** Appends what is queued now (shutdown; tests). */
  flush(): void {
    const batch = this.pending;
    this.pending = undefined;
    if (batch === undefined) return;
    try {
      this.options.events.append(batch.events);
      batch.resolve();
    } catch (err) {
      batch.reject(err);
    }
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

  /** A data event is kept when a logging trail of the account it is delivered to selects it. */
  private selected(event: CloudTrailEvent): boolean {
    return this.loggingTrails().logging.some((t) => t.accountId === event.recipientAccountId && selectsEvent(selectorsOf(t), event));
  }

  private loggingTrails(): NonNullable<AuditRecorder['trailsCache']> {
    const now = (this.options.nowMs ?? Date.now)();
    const cached = this.trailsCache;
    if (cached !== undefined && now - cached.at < (this.options.trailCacheMs ?? 1000)) return cached;
    const version = this.options.trails.version();
    if (cached !== undefined && cached.version === version) return (this.trailsCache = { ...cached, at: now });
    const logging = this.options.trails.logging();
    const wantData = logging.some(selectsDataEvents);
    return (this.trailsCache = { at: now, version, logging, wantData });
  }
}

/** A trail without selectors of its own has AWS's default: every management event, no data events. */
export function selectorsOf(trail: TrailRecord): TrailSelectors {
  if (trail.advancedEventSelectors !== undefined) return { advancedEventSelectors: trail.advancedEventSelectors };
  return { eventSelectors: trail.eventSelectors ?? [{ ReadWriteType: 'All', IncludeManagementEvents: true }] };
}

/** Whether any selector of the trail could select a data event. */
function selectsDataEvents(trail: TrailRecord): boolean {
  if (trail.advancedEventSelectors !== undefined) {
    return trail.advancedEventSelectors.some((s) =>
      s.FieldSelectors.some((f) => f.Field === 'eventCategory' && (f.Equals ?? []).includes('Data')));
  }
  return (trail.eventSelectors ?? []).some((s) => (s.DataResources ?? []).length > 0);
}
