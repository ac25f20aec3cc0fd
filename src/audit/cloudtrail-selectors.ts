/**
 * Which events a trail logs (issue #16): basic event selectors and advanced event selectors, as pure
 * predicates over a CloudTrail event. Validation of selectors (PutEventSelectors' errors) is the trail
 * API's; here every selector is taken as valid.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html
 */
import type { CloudTrailEvent } from './cloudtrail-event.js';
import { S3_OBJECT_RESOURCE_TYPE } from './cloudtrail-classification.js';

export interface DataResource {
  readonly Type: string;
  readonly Values?: readonly string[];
}

export interface EventSelector {
  /** Default `All`. */
  readonly ReadWriteType?: 'ReadOnly' | 'WriteOnly' | 'All';
  /** Default true. */
  readonly IncludeManagementEvents?: boolean;
  readonly DataResources?: readonly DataResource[];
  /** Event sources whose management events are not logged (`kms.amazonaws.com`, `rdsdata.amazonaws.com`). */
  readonly ExcludeManagementEventSources?: readonly string[];
}

export interface AdvancedFieldSelector {
  readonly Field: string;
  readonly Equals?: readonly string[];
  readonly StartsWith?: readonly string[];
  readonly EndsWith?: readonly string[];
  readonly NotEquals?: readonly string[];
  readonly NotStartsWith?: readonly string[];
  readonly NotEndsWith?: readonly string[];
}

export interface AdvancedEventSelector {
  readonly Name?: string;
  readonly FieldSelectors: readonly AdvancedFieldSelector[];
}

/** A trail has one kind or the other (PutEventSelectors takes either, never both). */
export type TrailSelectors =
  | { readonly eventSelectors: readonly EventSelector[] }
  | { readonly advancedEventSelectors: readonly AdvancedEventSelector[] };

/** The trail logs the event if any of its selectors selects it. */
export function selectsEvent(selectors: TrailSelectors, event: CloudTrailEvent): boolean {
  if ('eventSelectors' in selectors) return selectors.eventSelectors.some((s) => basicSelects(s, event));
  return selectors.advancedEventSelectors.some((s) => advancedSelects(s, event));
}

export function basicSelects(selector: EventSelector, event: CloudTrailEvent): boolean {
  const rw = selector.ReadWriteType ?? 'All';
  if (rw === 'ReadOnly' && !event.readOnly) return false;
  if (rw === 'WriteOnly' && event.readOnly) return false;
  if (event.managementEvent) {
    return (selector.IncludeManagementEvents ?? true) &&
      !(selector.ExcludeManagementEventSources ?? []).includes(event.eventSource);
  }
  return (selector.DataResources ?? []).some((r) => dataResourceSelects(r, event));
}

/**
 * `AWS::S3::Object` values: `arn:aws:s3` (or `arn:aws:s3:::`) selects every bucket; `arn:aws:s3:::b/`
 * every object of b; `arn:aws:s3:::b/prefix` the objects whose key starts with prefix (API_DataResource).
 * Decision where AWS is silent: a bucket-level data event (ListObjects, HeadBucket) is selected by the
 * all-buckets value and by its bucket's whole-bucket value `arn:aws:s3:::b/`, not by a key prefix.
 */
function dataResourceSelects(resource: DataResource, event: CloudTrailEvent): boolean {
  if (resource.Type !== S3_OBJECT_RESOURCE_TYPE || dataResourceType(event) !== S3_OBJECT_RESOURCE_TYPE) return false;
  const arns = dataArns(event);
  return (resource.Values ?? []).some((v) => {
    if (v === 'arn:aws:s3' || v === 'arn:aws:s3:::') return true;
    return arns.some((arn) => arn.startsWith(v));
  });
}

/** The data resource type of a data event (what `resources.type` selects); S3 is the only one here. */
function dataResourceType(event: CloudTrailEvent): string | undefined {
  return event.eventCategory === 'Data' && event.eventSource === 's3.amazonaws.com' ? S3_OBJECT_RESOURCE_TYPE : undefined;
}

/**
 * The ARNs a data event is matched on: its objects; for a bucket-level data event, `arn:aws:s3:::b/`
 * (so a whole-bucket value or StartsWith matches it, a key prefix does not).
 */
function dataArns(event: CloudTrailEvent): string[] {
  const resources = event.resources ?? [];
  const objects = resources.filter((r) => r.type === S3_OBJECT_RESOURCE_TYPE).map((r) => r.ARN);
  if (objects.length > 0) return objects;
  return resources.filter((r) => r.type === 'AWS::S3::Bucket').map((r) => `${r.ARN}/`);
}

/** All field selectors must hold (AND); within one, see fieldSelects. */
export function advancedSelects(selector: AdvancedEventSelector, event: CloudTrailEvent): boolean {
  return selector.FieldSelectors.every((f) => fieldSelects(f, fieldValues(f.Field, event)));
}

/**
 * The values of a field in the event. A field the event lacks has no value: positive operators then
 * fail and negative ones hold. `resources.*` fields apply to data events only.
 */
function fieldValues(field: string, event: CloudTrailEvent): string[] {
  switch (field) {
    case 'eventCategory': return [event.eventCategory];
    case 'eventSource': return [event.eventSource];
    case 'eventName': return [event.eventName];
    case 'eventType': return [event.eventType];
    case 'readOnly': return [String(event.readOnly)];
    case 'errorCode': return event.errorCode !== undefined ? [event.errorCode] : [];
    case 'userIdentity.arn': return event.userIdentity.arn !== undefined ? [event.userIdentity.arn] : [];
    case 'resources.type': {
      const t = dataResourceType(event);
      return t !== undefined ? [t] : [];
    }
    case 'resources.ARN': return dataResourceType(event) !== undefined ? dataArns(event) : [];
    default: return [];
  }
}

/**
 * Each operator present must hold: a positive operator (Equals, StartsWith, EndsWith) when some value of
 * the field matches one of its values (OR); a negative one when no value of the field matches any.
 * Values are compared case-sensitively, as AWS does.
 */
export function fieldSelects(f: AdvancedFieldSelector, values: readonly string[]): boolean {
  const positive = (list: readonly string[] | undefined, m: (v: string, p: string) => boolean) =>
    list === undefined || values.some((v) => list.some((p) => m(v, p)));
  const negative = (list: readonly string[] | undefined, m: (v: string, p: string) => boolean) =>
    list === undefined || !values.some((v) => list.some((p) => m(v, p)));
  const eq = (v: string, p: string) => v === p;
  const sw = (v: string, p: string) => v.startsWith(p);
  const ew = (v: string, p: string) => v.endsWith(p);
  return positive(f.Equals, eq) && positive(f.StartsWith, sw) && positive(f.EndsWith, ew) &&
    negative(f.NotEquals, eq) && negative(f.NotStartsWith, sw) && negative(f.NotEndsWith, ew);
}
