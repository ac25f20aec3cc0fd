/**
 * `x-amz-expiration` on PutObject, GetObject and HeadObject (and CopyObject, CompleteMultipartUpload):
 * "If the object expiration is configured (see PutBucketLifecycleConfiguration), the response includes
 * this header. It includes the expiry-date and rule-id key-value pairs that provide information about
 * object expiration. The value of the rule-id is URL-encoded."
 * e.g. `expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="picture-deletion-rule"`. S3 sends plain
 * IDs as they are (spaces included); one a quoted header value cannot carry is percent-encoded whole.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_ResponseSyntax
 */
import type { BucketRecord } from '../storage/ports.js';
import { currentExpiration } from './evaluate-rules.js';
import type { LifecycleDays } from './lifecycle-days.js';

/** The object facts the header depends on (an ObjectRecord has them all). */
export interface ExpiringObject {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
  readonly tags: readonly (readonly [string, string])[];
}

/** The HTTP-date form cannot carry years past 9999. */
const LAST_HTTP_DATE_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/**
 * The header's value for the current version of `object`, or undefined when no enabled Expiration
 * rule (Days or Date) applies to it. Costs nothing for a bucket without lifecycle rules.
 */
export function expirationHeader(
  bucket: Pick<BucketRecord, 'lifecycle'>,
  object: ExpiringObject,
  days: LifecycleDays,
): string | undefined {
  const rules = bucket.lifecycle?.rules;
  if (rules === undefined || rules.length === 0) return undefined;
  const due = currentExpiration(rules, object, object.lastModified.getTime(), days);
  if (due === undefined || due.at > LAST_HTTP_DATE_MS) return undefined;
  return `expiry-date="${new Date(due.at).toUTCString()}", rule-id="${headerRuleId(due.ruleId)}"`;
}

/** Printable ASCII other than a quote or a backslash, not starting or ending with a space, goes as it is. */
function headerRuleId(id: string): string {
  const plain = /^[\x20-\x7e]*$/.test(id) && !/["\\]/.test(id) && !id.startsWith(' ') && !id.endsWith(' ');
  return plain ? id : encodeURIComponent(id);
}
