/**
 * What policy generation reads off a CloudTrail event besides its name: the resources its
 * authorization checks named (the recorder fills `resources` from them, src/audit/recorded-resources.ts)
 * and its request parameters; and the shape of one observed access.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
import type { CloudTrailEvent } from '../../audit/cloudtrail-event.js';

/**
 * One use of an action on a resource. `resource` is a literal ARN (never a pattern: a `*` in an S3 key
 * is a character of the key), or `*` for "every resource": the action takes no resource, or the event
 * names none that IAM could scope it to.
 */
export interface ObservedAccess {
  readonly action: string;
  readonly resource: string;
}

/** The resource of an action without resource-level permissions. */
export const ALL_RESOURCES = '*';

/** `action` on every resource the event names (of `type`, when given), or on `*` when it names none. */
export function onResources(
  action: string,
  event: Pick<CloudTrailEvent, 'resources'>,
  type?: string,
): ObservedAccess[] {
  const arns = resourceArns(event, type);
  return (arns.length > 0 ? arns : [ALL_RESOURCES]).map((resource) => ({ action, resource }));
}

/** The ARNs of the event's resources (of `type`, when given), in the order the checks named them. */
export function resourceArns(event: Pick<CloudTrailEvent, 'resources'>, type?: string): string[] {
  const out: string[] = [];
  for (const r of event.resources ?? []) {
    if ((type === undefined || r.type === type) && typeof r.ARN === 'string' && !out.includes(r.ARN)) out.push(r.ARN);
  }
  return out;
}

/** A request parameter, as the event recorded it. */
export function parameter(event: Pick<CloudTrailEvent, 'requestParameters'>, name: string): unknown {
  const p = event.requestParameters;
  return p === null || p === undefined ? undefined : p[name];
}
