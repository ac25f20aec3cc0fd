/**
 * A stored trail as the API renders it: the `Trail` structure (GetTrail, DescribeTrails), the output of
 * CreateTrail and UpdateTrail, and GetTrailStatus.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Trail.html
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html
 */
import type { TrailRecord } from '../audit/audit-ports.js';
import type { EventSelector } from '../audit/cloudtrail-selectors.js';
import type { JsonResult } from '../json-protocol/types.js';
import { trailArn } from './trail-names.js';

/** What a trail logs until PutEventSelectors says otherwise: every management event, no data event. */
export const DEFAULT_EVENT_SELECTORS: readonly EventSelector[] = Object.freeze([
  Object.freeze({ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }),
]);

export function arnOf(t: TrailRecord): string {
  return trailArn(t.homeRegion, t.accountId, t.name);
}

/**
 * HasCustomEventSelectors. Decision where AWS is silent: true once the trail's selectors differ from the
 * default one (advanced selectors always do).
 */
export function hasCustomEventSelectors(t: TrailRecord): boolean {
  if (t.advancedEventSelectors !== undefined) return true;
  return JSON.stringify(t.eventSelectors ?? DEFAULT_EVENT_SELECTORS) !== JSON.stringify(DEFAULT_EVENT_SELECTORS);
}

/** CreateTrail's and UpdateTrail's output. */
export function trailSettingsShape(t: TrailRecord): JsonResult {
  return {
    Name: t.name,
    S3BucketName: t.s3BucketName,
    S3KeyPrefix: t.s3KeyPrefix,
    IncludeGlobalServiceEvents: t.includeGlobalServiceEvents,
    IsMultiRegionTrail: t.isMultiRegionTrail,
    TrailARN: arnOf(t),
    LogFileValidationEnabled: t.logFileValidationEnabled,
    KmsKeyId: t.kmsKeyId,
    IsOrganizationTrail: t.isOrganizationTrail,
  };
}

/** The `Trail` structure. */
export function trailShape(t: TrailRecord): JsonResult {
  return {
    Name: t.name,
    S3BucketName: t.s3BucketName,
    S3KeyPrefix: t.s3KeyPrefix,
    IncludeGlobalServiceEvents: t.includeGlobalServiceEvents,
    IsMultiRegionTrail: t.isMultiRegionTrail,
    HomeRegion: t.homeRegion,
    TrailARN: arnOf(t),
    LogFileValidationEnabled: t.logFileValidationEnabled,
    KmsKeyId: t.kmsKeyId,
    HasCustomEventSelectors: hasCustomEventSelectors(t),
    HasInsightSelectors: false,
    IsOrganizationTrail: t.isOrganizationTrail,
  };
}

/** `2016-01-28T23:02:24Z`: the string-typed times of GetTrailStatus; `""` when there is none, as AWS answers. */
function isoOrEmpty(d: Date | undefined): string {
  return d === undefined ? '' : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function trailStatusShape(t: TrailRecord): JsonResult {
  const d = t.delivery;
  return {
    IsLogging: t.isLogging,
    LatestDeliveryError: d.latestDeliveryError,
    LatestDeliveryTime: d.latestDeliveryTime,
    StartLoggingTime: t.startLoggingTime,
    StopLoggingTime: t.stopLoggingTime,
    LatestDigestDeliveryTime: d.latestDigestDeliveryTime,
    LatestDigestDeliveryError: d.latestDigestDeliveryError,
    LatestDeliveryAttemptTime: isoOrEmpty(d.latestDeliveryAttemptTime),
    LatestNotificationAttemptTime: '',
    LatestNotificationAttemptSucceeded: '',
    LatestDeliveryAttemptSucceeded: isoOrEmpty(d.latestDeliveryAttemptSucceeded),
    TimeLoggingStarted: isoOrEmpty(t.startLoggingTime),
    TimeLoggingStopped: isoOrEmpty(t.stopLoggingTime),
  };
}
