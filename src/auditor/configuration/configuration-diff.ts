/**
 * What changed between two descriptions of one resource, after AWS Config's
 * configurationItemDiff.changedProperties (a property path, changeType CREATE / UPDATE / DELETE,
 * previousValue, updatedValue): https://docs.aws.amazon.com/config/latest/developerguide/example-sns-notification.html
 * Pure.
 *
 * The paths: members joined with `.` (`supplementaryConfiguration.BucketPolicy.Statement`), array
 * elements as `[i]` by index. Decision: an array whose elements are all objects carrying a distinct
 * identifying member (a policy's statements by `Sid`; the descriptions' lists by `policyArn`,
 * `policyName`, `versionId`, `accessKeyId`, `serialNumber`, ...) is compared element by element by that
 * member instead, named `[Sid=ReadOnly]`: removing the first of three statements is then one DELETE,
 * not three UPDATEs (and a reordering alone shows no change, though the state hash differs). Any other
 * array (statements without Sids, Action lists) is compared by index.
 * A value that appears is a CREATE, one that goes a DELETE, one that differs an UPDATE at the deepest
 * path where both sides are still objects (or keyed arrays). A resource that appears (before is
 * undefined) gives a CREATE for each of its top-level fields, one that goes a DELETE for each.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { JsonValue, ResourceDescription } from './configuration-types.js';
import { toJson } from './description-parts.js';

export type ConfigurationChangeType = 'CREATE' | 'UPDATE' | 'DELETE';

export interface ConfigurationChange {
  readonly path: string;
  readonly changeType: ConfigurationChangeType;
  readonly previousValue?: JsonValue;
  readonly updatedValue?: JsonValue;
}

/** The members that identify an element of a list, in the order they are tried. */
const IDENTIFYING_MEMBERS = [
  'Sid',
  'policyArn',
  'policyName',
  'versionId',
  'accessKeyId',
  'serialNumber',
  'instanceProfileName',
  'id',
  'key',
] as const;

export function diffConfiguration(
  before: ResourceDescription | undefined,
  after: ResourceDescription | undefined,
): ConfigurationChange[] {
  const out: ConfigurationChange[] = [];
  diffValue('', comparable(before), comparable(after), out);
  return out;
}

/** SHA-256 (hex) of the description's canonical JSON: equal hashes, equal descriptions. */
export function configurationStateHash(description: ResourceDescription): string {
  return createHash('sha256')
    .update(canonicalJson(toJson(description)))
    .digest('hex');
}

/** The description as JSON (resourceCreationTime as ISO text); undefined stays undefined. */
function comparable(d: ResourceDescription | undefined): JsonValue | undefined {
  return d === undefined ? undefined : toJson(d);
}

function diffValue(path: string, a: JsonValue | undefined, b: JsonValue | undefined, out: ConfigurationChange[]): void {
  if (a === undefined && b === undefined) return;
  if (a === undefined) return void out.push(...appeared(path, b as JsonValue));
  if (b === undefined) return void out.push(...disappeared(path, a));
  if (isObject(a) && isObject(b)) return diffObjects(path, a, b, out);
  if (Array.isArray(a) && Array.isArray(b)) return diffArrays(path, a, b, out);
  if (canonicalJson(a) !== canonicalJson(b))
    out.push({ path, changeType: 'UPDATE', previousValue: a, updatedValue: b });
}

/** A whole resource appearing is one CREATE per top-level field; anything else, one CREATE. */
function appeared(path: string, value: JsonValue): ConfigurationChange[] {
  if (path === '' && isObject(value)) {
    return Object.keys(value).map((k) => ({ path: k, changeType: 'CREATE' as const, updatedValue: value[k] }));
  }
  return [{ path, changeType: 'CREATE', updatedValue: value }];
}

function disappeared(path: string, value: JsonValue): ConfigurationChange[] {
  if (path === '' && isObject(value)) {
    return Object.keys(value).map((k) => ({ path: k, changeType: 'DELETE' as const, previousValue: value[k] }));
  }
  return [{ path, changeType: 'DELETE', previousValue: value }];
}

function diffObjects(path: string, a: JsonObjectLike, b: JsonObjectLike, out: ConfigurationChange[]): void {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const k of keys) diffValue(path === '' ? k : `${path}.${k}`, a[k], b[k], out);
}

function diffArrays(path: string, a: readonly JsonValue[], b: readonly JsonValue[], out: ConfigurationChange[]): void {
  const key = identifyingMember(a, b);
  if (key === undefined) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) diffValue(`${path}[${i}]`, a[i], b[i], out);
    return;
  }
  const before = new Map(a.map((e) => [(e as JsonObjectLike)[key] as string, e]));
  const after = new Map(b.map((e) => [(e as JsonObjectLike)[key] as string, e]));
  // Elements that stay or appear in the new order, then those that went, in the old order.
  const ids = [...after.keys(), ...[...before.keys()].filter((id) => !after.has(id))];
  for (const id of ids) diffValue(`${path}[${key}=${id}]`, before.get(id), after.get(id), out);
}

/** The first member every element of both lists has, as a string, distinct within each list. */
function identifyingMember(a: readonly JsonValue[], b: readonly JsonValue[]): string | undefined {
  if (a.length + b.length === 0) return undefined;
  return IDENTIFYING_MEMBERS.find((m) => distinctBy(a, m) && distinctBy(b, m));
}

function distinctBy(list: readonly JsonValue[], member: string): boolean {
  const seen = new Set<string>();
  for (const e of list) {
    const id = isObject(e) ? e[member] : undefined;
    if (typeof id !== 'string' || seen.has(id)) return false;
    seen.add(id);
  }
  return true;
}

type JsonObjectLike = { readonly [key: string]: JsonValue };

function isObject(v: JsonValue | undefined): v is JsonObjectLike {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
}
