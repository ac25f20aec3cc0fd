/**
 * The storage ports of the audit trail (issue #16): the event store (every CloudTrail event
 * Strongbox keeps: management events always, data events a logging trail selects), the trails of
 * each account with their delivery state, and the activity that feeds the access advisor.
 * SQLite implements them (`audit.sqlite` in the data directory; shared by worker processes);
 * PostgreSQL will (issue #20).
 */
import type { CloudTrailEvent } from './cloudtrail-event.js';
import type { AdvancedEventSelector, EventSelector } from './cloudtrail-selectors.js';

/**
 * An event as the recorder hands it to the store: rendered once (`json`), with the logging trails that
 * selected it when it happened (their `trailKey`s; empty when it is kept for the event history only).
 */
export interface RecordedEvent {
  readonly event: CloudTrailEvent;
  readonly json: string;
  readonly trails: readonly string[];
}

/**
 * One group commit's entries of the delivery log, the events trails deliver: lines that trail delivery
 * reads without parsing the events (trail-delivery-log.ts). `seq` increases with every append, across
 * processes, and is never reused: each trail's delivery cursor.
 */
export interface DeliveryBatch {
  readonly seq: number;
  readonly lines: string;
}

/** LookupEvents' attributes (API_LookupAttribute.html); one at most per call, as AWS allows. */
export type LookupAttributeKey =
  | 'EventId'
  | 'EventName'
  | 'ReadOnly'
  | 'Username'
  | 'ResourceType'
  | 'ResourceName'
  | 'EventSource'
  | 'AccessKeyId';

export interface LookupQuery {
  /** The recipient account: LookupEvents shows an account its own event history. */
  readonly accountId: string;
  /** The region asked (event history is per region; IAM's global events are in us-east-1). */
  readonly region: string;
  readonly attribute?: { readonly key: LookupAttributeKey; readonly value: string };
  /** Inclusive bounds on eventTime. */
  readonly startTime?: Date;
  readonly endTime?: Date;
  /** 1..50. */
  readonly maxResults: number;
  /** The opaque token of the previous page. */
  readonly nextToken?: string;
}

export interface LookupPage {
  /** Newest first, as LookupEvents returns them. */
  readonly events: readonly CloudTrailEvent[];
  readonly nextToken?: string;
}

/** An event of the event history, as recorded (JSON), with its place in it. */
export interface HistoryEvent {
  readonly seq: number;
  readonly json: string;
}

export interface AuditEventStore {
  /**
   * Records events in one transaction and returns once the commit has reached the operating system
   * (durable across a crash of the process; `synchronous=NORMAL` in WAL mode): management events in
   * the event history, events that trails selected in one batch of the delivery log. Synchronous so
   * that the caller decides what waits on it: the pipeline appends a batch before it sends the batch's
   * responses.
   */
  append(events: readonly RecordedEvent[]): void;
  /**
   * `append` without waiting: false when another process holds the store's write lock right now, and
   * then nothing was written (try again later). What the request path uses, so that a worker never
   * sleeps on its event loop while another worker commits.
   */
  tryAppend(events: readonly RecordedEvent[]): boolean;
  /**
   * Management events only, as the event history shows (LookupEvents never returns data events).
   * `InvalidNextToken`: the token is not one this store issued for the same query.
   */
  lookup(query: LookupQuery): LookupPage | 'InvalidNextToken';
  /**
   * Delivery-log batches with `seq > after`, oldest first: at least one (when there is one), and no
   * more once they hold `maxEvents` events. What trail delivery reads.
   */
  deliveryAfter(after: number, maxEvents: number): readonly DeliveryBatch[];
  /** The highest delivery-log seq (0 before the first): where a trail that starts logging begins. */
  lastSeq(): number;
  /**
   * Event-history events that changed something (not read-only) with `seq > after`, oldest first, at
   * most `limit`: what the auditor follows to re-analyze what changed (src/auditor).
   */
  writesAfter(after: number, limit: number): readonly HistoryEvent[];
  /** The highest event-history seq (0 before the first). */
  lastHistorySeq(): number;
  /** The time of the first event after `seq` in the delivery log (the delivery lag gauge). */
  firstEventTimeAfter(seq: number): Date | undefined;
  /**
   * Deletes history events and delivery batches older than `before` and, beyond `maxEvents` of either,
   * the oldest; returns how many events went.
   */
  prune(options: { readonly before: Date; readonly maxEvents: number }): number;
}

/** A trail as CreateTrail / UpdateTrail / PutEventSelectors leave it (API_Trail.html). */
export interface TrailRecord {
  readonly accountId: string;
  readonly name: string;
  readonly homeRegion: string;
  readonly s3BucketName: string;
  readonly s3KeyPrefix?: string;
  readonly snsTopicName?: string;
  readonly includeGlobalServiceEvents: boolean;
  readonly isMultiRegionTrail: boolean;
  readonly isOrganizationTrail: boolean;
  readonly logFileValidationEnabled: boolean;
  readonly kmsKeyId?: string;
  readonly cloudWatchLogsLogGroupArn?: string;
  readonly cloudWatchLogsRoleArn?: string;
  /** Exactly one of the two is set; a new trail has the default basic selector (all management events). */
  readonly eventSelectors?: readonly EventSelector[];
  readonly advancedEventSelectors?: readonly AdvancedEventSelector[];
  readonly createdAt: Date;
  readonly isLogging: boolean;
  readonly startLoggingTime?: Date;
  readonly stopLoggingTime?: Date;
  readonly delivery: TrailDeliveryState;
}

/** What GetTrailStatus reports and where delivery resumes. */
export interface TrailDeliveryState {
  /** The last delivery-log seq this trail has considered (AuditEventStore.deliveryAfter). */
  readonly deliveredSeq: number;
  readonly latestDeliveryTime?: Date;
  readonly latestDeliveryError?: string;
  readonly latestDeliveryAttemptTime?: Date;
  readonly latestDeliveryAttemptSucceeded?: Date;
  readonly latestDigestDeliveryTime?: Date;
  readonly latestDigestDeliveryError?: string;
  /**
   * The previous digest file (the chain's link); absent before the first digest. `hashValue`: hex SHA-256
   * of its uncompressed content, which the next digest records (previousDigestHashValue).
   */
  readonly previousDigest?: {
    readonly bucket: string; readonly key: string; readonly signature: string; readonly hashValue: string; readonly endTime: Date;
  };
  /** Log files delivered since the last digest, in order (the next digest lists them). */
  readonly pendingDigestFiles?: readonly PendingDigestFile[];
}

export interface PendingDigestFile {
  readonly bucket: string;
  readonly key: string;
  readonly sha256Hex: string;
  readonly oldestEventTime: Date;
  readonly newestEventTime: Date;
}

export interface TrailStore {
  /** Undefined when the account has no trail of that name (names are unique per account and region). */
  get(accountId: string, name: string): TrailRecord | undefined;
  list(accountId: string): readonly TrailRecord[];
  /** Every trail that is logging, across accounts (the recorder and delivery read this, cached). */
  logging(): readonly TrailRecord[];
  /** False when the name is taken. */
  create(trail: TrailRecord): boolean;
  /** Replaces the trail (same account and name); false when it no longer exists. */
  put(trail: TrailRecord): boolean;
  delete(accountId: string, name: string): boolean;
  /**
   * Reads, changes and writes the trail in one write transaction, so that a change of its settings and
   * one of its delivery state (another process) cannot undo each other. Undefined when it does not exist.
   */
  update(accountId: string, name: string, change: (trail: TrailRecord) => TrailRecord): TrailRecord | undefined;
  /** A number that changes on every write (the recorder's cache of logging trails checks it). */
  version(): number;
}

/** One authorized use of actions by a principal (the access advisor's input). */
export interface AccessActivity {
  readonly accountId: string;
  /** The IAM entity the use counts for: a user's ARN, or for a role session the role's ARN. */
  readonly entityArn: string;
  /** `s3:GetObject`, ... — the actions the request was allowed. */
  readonly actions: readonly string[];
  readonly region: string;
  readonly at: Date;
}
