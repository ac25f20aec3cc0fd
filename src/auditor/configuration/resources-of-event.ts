/**
 * The resources a recorded write event changed (issue #18's configuration history): the table of
 * configuration-events.ts applied to one CloudTrail event. Pure.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
import { CONFIGURATION_EVENTS, eventKey, type ChangedResource, type NameSource } from './configuration-events.js';
import { CONFIG_RESOURCE_TYPES as T, type ConfigResourceType, type ResourceRef } from './configuration-types.js';

/** The members of a CloudTrail event (parsed JSON, as the audit store keeps it) this reads. */
export interface ConfigurationEventInput {
  readonly eventSource: string;
  readonly eventName: string;
  readonly errorCode?: string | null;
  readonly requestParameters?: Readonly<Record<string, unknown>> | null;
  readonly responseElements?: Readonly<Record<string, unknown>> | null;
  readonly resources?: readonly { readonly ARN: string; readonly accountId?: string; readonly type: string }[];
  readonly recipientAccountId?: string;
  readonly userIdentity?: { readonly type?: string; readonly userName?: string; readonly accountId?: string };
}

/**
 * Every resource whose configuration the event may have changed, each once. A failed call (errorCode)
 * changed nothing; an event the table does not name (a read, an object write) changes no item.
 */
export function resourcesOfEvent(event: ConfigurationEventInput): ResourceRef[] {
  if (event.errorCode !== undefined && event.errorCode !== null) return [];
  const changes = CONFIGURATION_EVENTS.get(eventKey(event.eventSource, event.eventName));
  if (changes === undefined) return [];
  const out: ResourceRef[] = [];
  for (const change of changes) {
    const ref = refOf(event, change);
    if (ref && !out.some((r) => sameRef(r, ref))) out.push(ref);
  }
  return out;
}

function refOf(event: ConfigurationEventInput, change: ChangedResource): ResourceRef | undefined {
  const when = change.when;
  if (when !== undefined && stringAt(event.requestParameters, when.requestAbsent) !== undefined) return undefined;
  for (const source of change.name) {
    const raw = rawName(event, source);
    if (raw === undefined) continue;
    const normalize = NAME_OF[change.resourceType];
    const name = normalize === undefined ? raw : normalize(raw);
    if (name === undefined || name === '') return undefined;
    const accountId = accountOf(event, change.resourceType, raw);
    return accountId === undefined ? undefined : { resourceType: change.resourceType, accountId, name };
  }
  return undefined;
}

function rawName(event: ConfigurationEventInput, source: NameSource): string | undefined {
  if ('request' in source) {
    const value = stringAt(event.requestParameters, source.request);
    if (value === undefined || source.lookup === undefined) return value;
    return Object.hasOwn(source.lookup, value) ? source.lookup[value] : undefined;
  }
  if ('response' in source) return stringAt(event.responseElements, source.response);
  if ('eventResource' in source) return event.resources?.find((r) => r.type === source.eventResource)?.ARN;
  if ('recipientAccount' in source) return event.recipientAccountId ?? event.userIdentity?.accountId;
  const identity = event.userIdentity;
  return identity?.type === 'IAMUser' ? identity.userName : undefined;
}

/** The value at a dotted path, when it is a non-empty string. */
function stringAt(root: Readonly<Record<string, unknown>> | null | undefined, path: string): string | undefined {
  let node: unknown = root;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' && node !== '' ? node : undefined;
}

/**
 * A name as the resource is looked up by, from what the event carried (an ARN where the event names
 * the resource by one); undefined when it names nothing this history keeps.
 */
const NAME_OF: Partial<Record<ConfigResourceType, (raw: string) => string | undefined>> = {
  [T.bucket]: (raw) => (raw.startsWith('arn:') ? /^arn:aws:s3:::([^/]+)$/.exec(raw)?.[1] : raw),
  // KMS takes a key id or a key ARN; an alias names no key by itself.
  [T.kmsKey]: (raw) => {
    if (raw.startsWith('arn:')) return /:key\/([^/]+)$/.exec(raw)?.[1];
    return raw.startsWith('alias/') ? undefined : raw;
  },
  // Only customer managed policies are configuration items (AWS Config records no AWS managed policy).
  [T.policy]: (raw) => (CUSTOMER_POLICY_ARN.test(raw) ? raw : undefined),
};

const CUSTOMER_POLICY_ARN = /^arn:aws:iam::\d{12}:policy\//;

/**
 * The owner: the account in the name's ARN (a policy, a key), else the account of the event's resource
 * entry of that type (a bucket's owner: a bucket ARN names no account), else the account the event was
 * delivered to.
 */
function accountOf(event: ConfigurationEventInput, type: ConfigResourceType, raw: string): string | undefined {
  const inArn = /^arn:aws:[^:]+:[^:]*:(\d{12}):/.exec(raw)?.[1];
  if (inArn !== undefined) return inArn;
  const listed = event.resources?.find((r) => r.type === type && r.accountId !== undefined)?.accountId;
  return listed ?? event.recipientAccountId ?? event.userIdentity?.accountId;
}

function sameRef(a: ResourceRef, b: ResourceRef): boolean {
  return a.resourceType === b.resourceType && a.accountId === b.accountId && a.name === b.name;
}
