/**
 * The `<LifecycleConfiguration>` document of Put/GetBucketLifecycleConfiguration, read and written.
 * Reading checks the document against the schema only (element names, nesting, counts, number and
 * date syntax: anything else is MalformedXML, as S3 validates the body against its schema before it
 * looks at the rules); what the rules mean is checked by validate-lifecycle.ts.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRule.html
 */
import type { XmlNode } from '../protocol/xml.js';
import { s3Error } from '../s3/errors.js';
import { childText, children, parseXml, type XmlElement } from '../s3/xml-parse.js';
import type {
  LifecycleExpiration,
  LifecycleRule,
  LifecycleRuleFilter,
  LifecycleTag,
  LifecycleTransition,
  LifecycleNoncurrentVersionTransition,
  TransitionStorageClass,
} from './lifecycle-rule.js';
import { TRANSITION_STORAGE_CLASSES } from './lifecycle-rule.js';

/** A rule as the document gives it: the stored shape, with the ID and status not yet checked. */
export interface GivenRule extends Omit<LifecycleRule, 'id' | 'status'> {
  readonly id: string | undefined;
  readonly status: string | undefined;
}

const RULE_MEMBERS = new Set([
  'ID', 'Prefix', 'Filter', 'Status', 'Expiration', 'Transition', 'NoncurrentVersionTransition',
  'NoncurrentVersionExpiration', 'AbortIncompleteMultipartUpload',
]);
/** Every member but the transitions appears at most once. */
const SINGLE_RULE_MEMBERS = [...RULE_MEMBERS].filter((m) => m !== 'Transition' && m !== 'NoncurrentVersionTransition');
const FILTER_MEMBERS = ['Prefix', 'Tag', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan', 'And'] as const;
const AND_MEMBERS = new Set(['Prefix', 'Tag', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan']);

function malformed(): never {
  throw s3Error('MalformedXML');
}

/** Only these child elements; each of `single` at most once. */
function onlyMembers(el: XmlElement, allowed: ReadonlySet<string>, single: readonly string[] = [...allowed]): void {
  for (const [name, value] of Object.entries(el)) {
    if (!allowed.has(name)) malformed();
    if (single.includes(name) && Array.isArray(value) && value.length > 1) malformed();
  }
}

/** One child element (an empty `<Filter/>` is `{}`), undefined when absent. */
function child(el: XmlElement, name: string): XmlElement | undefined {
  if (el[name] === undefined) return undefined;
  const list = children(el, name);
  if (list.length !== 1) malformed();
  return list[0];
}

/** xsd:int / xsd:long: an optional sign and digits; out-of-range values are malformed too. */
function integer(el: XmlElement, name: string): number | undefined {
  const text = childText(el, name);
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!/^[+-]?\d{1,16}$/.test(t)) malformed();
  const n = Number(t);
  if (!Number.isSafeInteger(n)) malformed();
  return n;
}

function boolean(el: XmlElement, name: string): boolean | undefined {
  const text = childText(el, name)?.trim().toLowerCase();
  if (text === undefined) return undefined;
  if (text !== 'true' && text !== 'false') malformed();
  return text === 'true';
}

/** An ISO 8601 timestamp (`2026-01-01T00:00:00Z`, `2026-01-01T00:00:00.000Z`, or a bare date). */
function date(el: XmlElement, name: string): string | undefined {
  const text = childText(el, name)?.trim();
  if (text === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) malformed();
  const ms = Date.parse(/T/.test(text) && !/(?:Z|[+-]\d{2}:?\d{2})$/.test(text) ? `${text}Z` : text);
  if (Number.isNaN(ms)) malformed();
  return new Date(ms).toISOString();
}

function storageClass(el: XmlElement): TransitionStorageClass {
  const text = childText(el, 'StorageClass');
  const found = TRANSITION_STORAGE_CLASSES.find((c) => c === text);
  return found ?? malformed();
}

function tag(el: XmlElement): LifecycleTag {
  onlyMembers(el, new Set(['Key', 'Value']));
  const key = childText(el, 'Key');
  const value = childText(el, 'Value');
  if (key === undefined || value === undefined) malformed();
  return { key, value };
}

function parseFilter(el: XmlElement): LifecycleRuleFilter {
  const present = FILTER_MEMBERS.filter((m) => el[m] !== undefined);
  onlyMembers(el, new Set(FILTER_MEMBERS));
  // "A Filter must have exactly one of Prefix, Tag, ObjectSizeGreaterThan, ObjectSizeLessThan, or And";
  // an empty one selects every object.
  if (present.length > 1) malformed();
  const form = present[0] ?? 'Empty';
  if (form === 'And') {
    const and = child(el, 'And') ?? malformed();
    onlyMembers(and, AND_MEMBERS, ['Prefix', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan']);
    return {
      form,
      prefix: childText(and, 'Prefix'),
      tags: children(and, 'Tag').map(tag),
      objectSizeGreaterThan: integer(and, 'ObjectSizeGreaterThan'),
      objectSizeLessThan: integer(and, 'ObjectSizeLessThan'),
    };
  }
  if (form === 'Tag') {
    if (children(el, 'Tag').length !== 1) malformed();
    return { form, tags: [tag(children(el, 'Tag')[0])] };
  }
  return {
    form,
    prefix: childText(el, 'Prefix'),
    objectSizeGreaterThan: integer(el, 'ObjectSizeGreaterThan'),
    objectSizeLessThan: integer(el, 'ObjectSizeLessThan'),
  };
}

function parseExpiration(el: XmlElement): LifecycleExpiration {
  onlyMembers(el, new Set(['Date', 'Days', 'ExpiredObjectDeleteMarker']));
  const out = {
    date: date(el, 'Date'),
    days: integer(el, 'Days'),
    expiredObjectDeleteMarker: boolean(el, 'ExpiredObjectDeleteMarker'),
  };
  // Exactly one of the three (the user guide's "Expiration" element; S3 answers MalformedXML otherwise).
  if ([out.date, out.days, out.expiredObjectDeleteMarker].filter((v) => v !== undefined).length !== 1) malformed();
  return out;
}

function parseTransition(el: XmlElement): LifecycleTransition {
  onlyMembers(el, new Set(['Date', 'Days', 'StorageClass']));
  const out = { date: date(el, 'Date'), days: integer(el, 'Days'), storageClass: storageClass(el) };
  if ((out.date === undefined) === (out.days === undefined)) malformed();
  return out;
}

function parseNoncurrentTransition(el: XmlElement): LifecycleNoncurrentVersionTransition {
  onlyMembers(el, new Set(['NoncurrentDays', 'NewerNoncurrentVersions', 'StorageClass']));
  const noncurrentDays = integer(el, 'NoncurrentDays') ?? malformed();
  const newerNoncurrentVersions = integer(el, 'NewerNoncurrentVersions');
  return { noncurrentDays, newerNoncurrentVersions, storageClass: storageClass(el) };
}

function parseRule(el: XmlElement): GivenRule {
  onlyMembers(el, RULE_MEMBERS, SINGLE_RULE_MEMBERS);
  const filter = child(el, 'Filter');
  const expiration = child(el, 'Expiration');
  const noncurrent = child(el, 'NoncurrentVersionExpiration');
  const abort = child(el, 'AbortIncompleteMultipartUpload');
  if (noncurrent) onlyMembers(noncurrent, new Set(['NoncurrentDays', 'NewerNoncurrentVersions']));
  if (abort) onlyMembers(abort, new Set(['DaysAfterInitiation']));
  return {
    id: childText(el, 'ID'),
    status: childText(el, 'Status'),
    prefix: childText(el, 'Prefix'),
    filter: filter && parseFilter(filter),
    expiration: expiration && parseExpiration(expiration),
    // S3 found a NoncurrentVersionExpiration without NoncurrentDays malformed, even with NewerNoncurrentVersions.
    noncurrentVersionExpiration: noncurrent && {
      noncurrentDays: integer(noncurrent, 'NoncurrentDays') ?? malformed(),
      newerNoncurrentVersions: integer(noncurrent, 'NewerNoncurrentVersions'),
    },
    abortIncompleteMultipartUpload: abort && {
      daysAfterInitiation: integer(abort, 'DaysAfterInitiation') ?? malformed(),
    },
    transitions: children(el, 'Transition').map(parseTransition),
    noncurrentVersionTransitions: children(el, 'NoncurrentVersionTransition').map(parseNoncurrentTransition),
  };
}

/** The rules of a `<LifecycleConfiguration>` document, checked against the schema only. */
export function parseLifecycleDocument(xml: string): GivenRule[] {
  const root = parseXml(xml, 'LifecycleConfiguration', ['Rule', 'Tag', 'Transition', 'NoncurrentVersionTransition']);
  onlyMembers(root, new Set(['Rule']), []);
  return children(root, 'Rule').map(parseRule);
}

function filterXml(f: LifecycleRuleFilter): XmlNode {
  const tagXml = (t: LifecycleTag): XmlNode => ({ Key: t.key, Value: t.value });
  switch (f.form) {
    case 'Empty':
      return {};
    case 'Tag':
      return { Tag: tagXml((f.tags ?? [])[0]) };
    case 'And':
      return {
        And: {
          Prefix: f.prefix,
          Tag: (f.tags ?? []).map(tagXml),
          ObjectSizeGreaterThan: f.objectSizeGreaterThan,
          ObjectSizeLessThan: f.objectSizeLessThan,
        },
      };
    default:
      return {
        Prefix: f.prefix,
        ObjectSizeGreaterThan: f.objectSizeGreaterThan,
        ObjectSizeLessThan: f.objectSizeLessThan,
      };
  }
}

/** One `<Rule>` of GetBucketLifecycleConfiguration, its members in the API reference's order. */
export function ruleXml(rule: LifecycleRule): XmlNode {
  const e = rule.expiration;
  const n = rule.noncurrentVersionExpiration;
  return {
    Expiration: e && { Date: e.date, Days: e.days, ExpiredObjectDeleteMarker: e.expiredObjectDeleteMarker },
    ID: rule.id,
    Prefix: rule.prefix,
    Filter: rule.filter && filterXml(rule.filter),
    Status: rule.status,
    Transition: rule.transitions.map((t) => ({ Date: t.date, Days: t.days, StorageClass: t.storageClass })),
    NoncurrentVersionTransition: rule.noncurrentVersionTransitions.map((t) => ({
      NoncurrentDays: t.noncurrentDays,
      StorageClass: t.storageClass,
      NewerNoncurrentVersions: t.newerNoncurrentVersions,
    })),
    NoncurrentVersionExpiration: n && {
      NoncurrentDays: n.noncurrentDays,
      NewerNoncurrentVersions: n.newerNoncurrentVersions,
    },
    AbortIncompleteMultipartUpload: rule.abortIncompleteMultipartUpload && {
      DaysAfterInitiation: rule.abortIncompleteMultipartUpload.daysAfterInitiation,
    },
  };
}
