/**
 * What LookupEvents shows of an event and matches its attributes on: the user name, the access key,
 * the resources (type and name). Pure; the event store indexes these, the API renders them.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Event.html
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupAttribute.html
 */
import type { CloudTrailEvent, CloudTrailResource } from '../audit/cloudtrail-event.js';

/**
 * `Username` of the event history: an IAM user's name; `root` for the account root (the API
 * reference's own NextToken example looks up `Username` `root`); for a role session, the session
 * name (the aws CLI's lookup-events example shows `"Username": "my-session-name"` for an AssumedRole
 * caller, not the role); a web identity user's subject. Undefined when the caller has none
 * (anonymous, failed authentication).
 */
export function lookupUsername(event: CloudTrailEvent): string | undefined {
  const id = event.userIdentity;
  switch (id.type) {
    case 'Root':
      return 'root';
    case 'AssumedRole': {
      const arn = id.arn ?? '';
      const slash = arn.lastIndexOf('/');
      return slash >= 0 ? arn.slice(slash + 1) : undefined;
    }
    default:
      return id.userName;
  }
}

export interface LookupResource {
  readonly ResourceType: string;
  /** What the event history shows. */
  readonly ResourceName: string;
}

/** Resource types whose name is unique in the account, shown by name as the event history does. */
const NAMED_BY_NAME: ReadonlySet<string> = new Set([
  'AWS::S3::Bucket',
  'AWS::IAM::User',
  'AWS::IAM::Role',
  'AWS::IAM::Group',
  'AWS::CloudTrail::Trail',
]);

/**
 * The event's resources as LookupEvents renders them. Decision where AWS documents no rule: buckets,
 * IAM users, roles, groups and trails are shown by name (`photos`, `alice`), every other resource
 * by its ARN (keys, policies, objects).
 */
export function lookupResources(event: CloudTrailEvent): LookupResource[] {
  return (event.resources ?? []).map((r) => ({ ResourceType: r.type, ResourceName: shownName(r) }));
}

/**
 * Every value a `ResourceName` lookup matches the resource on: the name shown and the ARN, so that
 * looking up `alice` and `arn:aws:iam::111122223333:user/alice` both find the user's events.
 */
export function resourceNameKeys(r: CloudTrailResource): string[] {
  const shown = shownName(r);
  return shown === r.ARN ? [r.ARN] : [shown, r.ARN];
}

function shownName(r: CloudTrailResource): string {
  if (!NAMED_BY_NAME.has(r.type)) return r.ARN;
  if (r.type === 'AWS::S3::Bucket') return r.ARN.replace(/^arn:[^:]*:s3:::/, '');
  const slash = r.ARN.lastIndexOf('/');
  return slash >= 0 ? r.ARN.slice(slash + 1) : r.ARN;
}
