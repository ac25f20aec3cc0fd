/**
 * Which events a trail delivers (pure): the events of its account, in its regions, that its event
 * selectors select, recorded while it was logging. The recorder applies it as each event is recorded.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html
 */
import type { TrailRecord } from './audit-ports.js';
import type { CloudTrailEvent } from './cloudtrail-event.js';
import { selectsEvent, type TrailSelectors } from './cloudtrail-selectors.js';
import { trailKey } from './trail-delivery-log.js';

/** `arn:aws:cloudtrail:<homeRegion>:<account>:trail/<name>` (API_Trail.html, TrailARN). */
export function trailArn(trail: Pick<TrailRecord, 'homeRegion' | 'accountId' | 'name'>): string {
  return `arn:aws:cloudtrail:${trail.homeRegion}:${trail.accountId}:trail/${trail.name}`;
}

/** A trail without selectors logs all management events, read and write (the default basic selector). */
const DEFAULT_SELECTORS: TrailSelectors = { eventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] };

export function trailSelectors(trail: Pick<TrailRecord, 'eventSelectors' | 'advancedEventSelectors'>): TrailSelectors {
  if (trail.advancedEventSelectors !== undefined) return { advancedEventSelectors: trail.advancedEventSelectors };
  if (trail.eventSelectors !== undefined) return { eventSelectors: trail.eventSelectors };
  return DEFAULT_SELECTORS;
}

/**
 * Global services' events, recorded in us-east-1 (cloudtrail-classification.ts): a trail takes them only
 * with IncludeGlobalServiceEvents ("Global service events", cloudtrail-concepts.html).
 */
const GLOBAL_EVENT_SOURCES: ReadonlySet<string> = new Set(['iam.amazonaws.com', 'organizations.amazonaws.com']);

export function isGlobalServiceEvent(event: Pick<CloudTrailEvent, 'eventSource' | 'awsRegion'>): boolean {
  return event.awsRegion === 'us-east-1' && GLOBAL_EVENT_SOURCES.has(event.eventSource);
}

/** A multi-Region trail takes every Region; a single-Region trail its home Region, plus global events when asked. */
export function trailCoversRegion(
  trail: Pick<TrailRecord, 'isMultiRegionTrail' | 'homeRegion' | 'includeGlobalServiceEvents'>,
  event: Pick<CloudTrailEvent, 'eventSource' | 'awsRegion'>,
): boolean {
  if (isGlobalServiceEvent(event)) return trail.includeGlobalServiceEvents;
  return trail.isMultiRegionTrail || event.awsRegion === trail.homeRegion;
}

/**
 * Whether the event happened while the trail was logging, as far as the trail record tells: not before
 * logging was first started, and not in the latest stop..start gap. Event times have whole seconds, so
 * the comparison is to the second (an event in the second logging started counts).
 * Deviation from AWS: events of an earlier stop..start gap than the latest cannot be told apart; they
 * were considered when logging stopped (the trail's cursor passed them) unless delivery lagged behind.
 */
export function inLoggingWindow(
  trail: Pick<TrailRecord, 'startLoggingTime' | 'stopLoggingTime'>,
  eventTime: string,
): boolean {
  const start = trail.startLoggingTime;
  if (start === undefined) return true;
  const at = Date.parse(eventTime);
  if (Number.isNaN(at)) return true;
  const startSecond = Math.floor(start.getTime() / 1000) * 1000;
  if (at >= startSecond) return true;
  const stop = trail.stopLoggingTime;
  // Before the latest start: delivered only when it happened before the trail last stopped.
  return stop !== undefined && stop < start && at <= stop.getTime();
}

/** The trail delivers the event: its account's, in its Regions, while logging, selected by its selectors. */
export function trailSelectsEvent(
  trail: TrailRecord,
  event: CloudTrailEvent,
  selectors = trailSelectors(trail),
): boolean {
  return event.recipientAccountId === trail.accountId
    && trailCoversRegion(trail, event)
    && inLoggingWindow(trail, event.eventTime)
    && selectsEvent(selectors, event);
}

/** A logging trail as the recorder selects with it: its delivery-log key and its selectors, worked out once. */
export interface SelectingTrail {
  readonly trail: TrailRecord;
  readonly key: string;
  readonly selectors: TrailSelectors;
}

export function selectingTrail(trail: TrailRecord): SelectingTrail {
  return { trail, key: trailKey(trail), selectors: trailSelectors(trail) };
}

/** The keys of the trails that deliver the event (trail-delivery-log.ts): empty when none selects it. */
export function selectingTrailKeys(event: CloudTrailEvent, trails: readonly SelectingTrail[]): string[] {
  const keys: string[] = [];
  for (const t of trails) if (trailSelectsEvent(t.trail, event, t.selectors)) keys.push(t.key);
  return keys;
}
