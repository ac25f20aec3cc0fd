/**
 * What PutBucketLifecycleConfiguration checks once the document is well-formed, in the order S3
 * checks it: the number of rules and their IDs, then each rule, then (for a configuration of
 * prefix-only rules, "Lifecycle V1") overlapping prefixes. The first fault is the answer, with S3's
 * code and message.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html
 */
import { randomUUID } from 'node:crypto';
import { s3Error } from '../s3/errors.js';
import type { GivenRule } from './lifecycle-xml.js';
import type { LifecycleRule, LifecycleRuleFilter, LifecycleTag } from './lifecycle-rule.js';

/** "An Amazon S3 Lifecycle configuration can have up to 1,000 rules. This limit is not adjustable." */
export const MAX_LIFECYCLE_RULES = 1000;
const MAX_ID_LENGTH = 255;
/** S3's bounds on the size predicates (1,000 TiB... in bytes, as S3 names them in its answers). */
const MAX_OBJECT_SIZE_BOUND = 1_099_511_627_776_000;
/** Storage classes with a 30-day minimum before a transition into them. */
const THIRTY_DAY_CLASSES = new Set(['STANDARD_IA', 'ONEZONE_IA']);

const invalidRequest = (message: string) => s3Error('InvalidRequest', { message });
const invalidArgument = (message: string) => s3Error('InvalidArgument', { message });

/** Checks the rules and gives each an ID (a random one, as S3 does, for a rule given none). */
export function validateLifecycleRules(
  given: readonly GivenRule[],
  newId: () => string = generatedRuleId,
): LifecycleRule[] {
  if (given.length === 0) throw invalidRequest('At least one lifecycle rule must be specified.');
  if (given.length > MAX_LIFECYCLE_RULES) {
    const limit = MAX_LIFECYCLE_RULES;
    throw invalidRequest(`The number of lifecycle rules must not exceed the allowed limit of ${limit} rules.`);
  }
  const ids = new Set<string>();
  for (const rule of given) {
    if (rule.id === undefined || rule.id === '') continue;
    if (rule.id.length > MAX_ID_LENGTH) {
      throw invalidArgument(`ID length should not exceed allowed limit of ${MAX_ID_LENGTH}`);
    }
    if (ids.has(rule.id)) throw invalidArgument('Rule ID must be unique. Found same ID for more than one rule');
    ids.add(rule.id);
  }
  // The first rule decides: with a Filter the configuration is "V2" (filters only), else "V1" (top-level prefixes).
  const v2 = given[0].filter !== undefined;
  const rules = given.map((rule) => checkRule(rule, v2, ids, newId));
  if (!v2) checkOverlappingPrefixes(rules);
  return rules;
}

/** AWS names rules it was given without an ID with a random base64 string. */
export function generatedRuleId(): string {
  return Buffer.from(randomUUID()).toString('base64');
}

function checkRule(rule: GivenRule, v2: boolean, ids: Set<string>, newId: () => string): LifecycleRule {
  if (rule.status !== 'Enabled' && rule.status !== 'Disabled') throw s3Error('MalformedXML');
  if (rule.filter === undefined && rule.prefix === undefined) throw s3Error('MalformedXML');
  if (v2 && rule.prefix !== undefined) {
    throw invalidRequest(
      'Base level prefix cannot be used in Lifecycle V2, prefixes are only supported in the Filter.',
    );
  }
  if (!v2 && rule.filter !== undefined) throw invalidRequest('Filter element can only be used in Lifecycle V2.');
  if (rule.filter) checkFilter(rule.filter);
  const hasAction =
    rule.expiration !== undefined ||
    rule.noncurrentVersionExpiration !== undefined ||
    rule.abortIncompleteMultipartUpload !== undefined ||
    rule.transitions.length > 0 ||
    rule.noncurrentVersionTransitions.length > 0;
  if (!hasAction) throw invalidRequest('At least one action needs to be specified in a rule');
  checkActions(rule, v2);
  let id = rule.id;
  if (id === undefined || id === '') {
    do id = newId();
    while (ids.has(id));
    ids.add(id);
  }
  return {
    id,
    status: rule.status,
    prefix: rule.prefix,
    filter: rule.filter,
    expiration: rule.expiration,
    noncurrentVersionExpiration: rule.noncurrentVersionExpiration,
    abortIncompleteMultipartUpload: rule.abortIncompleteMultipartUpload,
    transitions: rule.transitions,
    noncurrentVersionTransitions: rule.noncurrentVersionTransitions,
  };
}

function checkFilter(f: LifecycleRuleFilter): void {
  checkTags(f.tags ?? []);
  const gt = f.objectSizeGreaterThan;
  const lt = f.objectSizeLessThan;
  if (gt !== undefined && (gt < 0 || gt > MAX_OBJECT_SIZE_BOUND)) {
    throw invalidRequest(`'ObjectSizeGreaterThan' should be between 0 and ${MAX_OBJECT_SIZE_BOUND}.`);
  }
  if (lt !== undefined && (lt < 1 || lt > MAX_OBJECT_SIZE_BOUND)) {
    throw invalidRequest(`'ObjectSizeLessThan' should be between 1 and ${MAX_OBJECT_SIZE_BOUND}.`);
  }
  if (gt !== undefined && lt !== undefined && gt >= lt) {
    throw invalidRequest("'ObjectSizeLessThan' has to be a value greater than 'ObjectSizeGreaterThan'.");
  }
}

/** "When you specify multiple tags in a filter, each tag key must be unique." */
function checkTags(tags: readonly LifecycleTag[]): void {
  const keys = new Set<string>();
  for (const t of tags) {
    if (t.key === '') throw s3Error('MalformedXML');
    if (keys.has(t.key)) throw invalidRequest('Duplicate Tag Keys are not allowed.');
    keys.add(t.key);
  }
}

function usesTags(rule: GivenRule): boolean {
  return (rule.filter?.tags ?? []).length > 0;
}

function usesSizes(rule: GivenRule): boolean {
  return rule.filter?.objectSizeGreaterThan !== undefined || rule.filter?.objectSizeLessThan !== undefined;
}

function positive(n: number | undefined, message: string): void {
  if (n !== undefined && n <= 0) throw invalidArgument(message);
}

function checkActions(rule: GivenRule, v2: boolean): void {
  const e = rule.expiration;
  positive(e?.days, "'Days' for Expiration action must be a positive integer");
  if (e?.date !== undefined) atMidnight(e.date);
  const n = rule.noncurrentVersionExpiration;
  positive(n?.noncurrentDays, "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer");
  newerVersions(n?.newerNoncurrentVersions, v2);
  const abort = rule.abortIncompleteMultipartUpload;
  const abortMessage = "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer";
  positive(abort?.daysAfterInitiation, abortMessage);
  // A delete marker has no tags and no size, and neither has an upload: S3 refuses these filters with them.
  const unfiltered: [boolean, string][] = [
    [e?.expiredObjectDeleteMarker !== undefined, 'ExpiredObjectDeleteMarker'],
    [abort !== undefined, 'AbortIncompleteMultipartUpload'],
  ];
  for (const [present, action] of unfiltered) {
    if (present && usesTags(rule)) throw invalidRequest(`${action} cannot be specified with Tags.`);
    if (present && usesSizes(rule)) throw invalidRequest(`${action} cannot be specified with Object Size.`);
  }
  checkTransitions(rule, v2);
}

function atMidnight(iso: string): void {
  if (Date.parse(iso) % 86_400_000 !== 0) throw invalidArgument("'Date' must be at midnight GMT");
}

/** `NewerNoncurrentVersions`: at least 1, and only with filters ("Lifecycle V2"). */
function newerVersions(n: number | undefined, v2: boolean): void {
  if (n === undefined) return;
  if (!v2) throw invalidRequest('NewerNoncurrentVersions element can only be used in Lifecycle V2.');
  positive(n, "'NewerNoncurrentVersions' must be a positive integer");
}

/**
 * Transitions are recorded, never carried out (one storage class here), but checked as S3 checks them:
 * IA classes wait at least 30 days, a class appears once per rule, dates and day counts are not mixed
 * within a rule, and an expiration comes after every transition.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
 */
function checkTransitions(rule: GivenRule, v2: boolean): void {
  const classes = new Set<string>();
  let dated = rule.expiration?.date !== undefined;
  let counted = rule.expiration?.days !== undefined;
  for (const t of rule.transitions) {
    checkTransitionDays('Days', 'Transition', t.days, t.storageClass);
    if (t.date !== undefined) atMidnight(t.date);
    if (classes.has(t.storageClass)) {
      throw invalidRequest("'StorageClass' must be different for 'Transition' actions in same 'Rule'");
    }
    classes.add(t.storageClass);
    dated ||= t.date !== undefined;
    counted ||= t.days !== undefined;
    const expirationDays = rule.expiration?.days;
    if (expirationDays !== undefined && t.days !== undefined && expirationDays <= t.days) {
      throw invalidArgument("'Days' in the Expiration action must be greater than 'Days' in the Transition action");
    }
  }
  if (dated && counted) {
    throw invalidRequest("Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle rule");
  }
  const noncurrentClasses = new Set<string>();
  for (const t of rule.noncurrentVersionTransitions) {
    checkTransitionDays('NoncurrentDays', 'NoncurrentVersionTransition', t.noncurrentDays, t.storageClass);
    newerVersions(t.newerNoncurrentVersions, v2);
    if (noncurrentClasses.has(t.storageClass)) {
      throw invalidRequest("'StorageClass' must be different for 'NoncurrentVersionTransition' actions in same 'Rule'");
    }
    noncurrentClasses.add(t.storageClass);
  }
}

function checkTransitionDays(element: string, action: string, days: number | undefined, storageClass: string): void {
  if (days === undefined) return;
  if (days < 0) throw invalidArgument(`'${element}' in ${action} action must be a non-negative integer`);
  if (days < 30 && THIRTY_DAY_CLASSES.has(storageClass)) {
    const message = `'${element}' in ${action} action must be greater than or equal to 30 for storageClass '${storageClass}'`;
    throw invalidArgument(message);
  }
}

type ActionKind = readonly [string, (rule: LifecycleRule) => boolean];

const ACTION_KINDS: readonly ActionKind[] = [
  ['Expiration', (r) => r.expiration !== undefined],
  ['Transition', (r) => r.transitions.length > 0],
  ['NoncurrentVersionTransition', (r) => r.noncurrentVersionTransitions.length > 0],
  ['NoncurrentVersionExpiration', (r) => r.noncurrentVersionExpiration !== undefined],
  ['AbortIncompleteMultipartUpload', (r) => r.abortIncompleteMultipartUpload !== undefined],
];

/**
 * Lifecycle V1 (top-level prefixes) forbids two rules whose prefixes overlap (one begins the other)
 * from taking the same kind of action; with filters (V2) overlapping rules are allowed and the
 * earliest-due action wins. Sorted, a prefix that begins any later one begins its neighbour.
 */
function checkOverlappingPrefixes(rules: readonly LifecycleRule[]): void {
  for (const [kind, takes] of ACTION_KINDS) {
    const prefixes = rules.filter(takes).map((r) => r.prefix ?? '').sort();
    for (let i = 1; i < prefixes.length; i++) {
      if (prefixes[i].startsWith(prefixes[i - 1])) {
        const [a, b] = [prefixes[i - 1], prefixes[i]];
        throw invalidRequest(`Found overlapping prefixes '${a}' and '${b}' for same action type '${kind}'`);
      }
    }
  }
}
