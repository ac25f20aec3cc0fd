/**
 * Grants as IAM policy documents the way IAM Access Analyzer writes them: compact JSON, Version
 * 2012-10-17, Allow statements with Sids `SupportedServiceSid0`, `SupportedServiceSid1`, ... (the
 * numbering of the `aws accessanalyzer get-generated-policy` example), each document within the managed
 * policy size quota (6,144 characters without white space, reference_iam-quotas.html), so each can be
 * created with CreatePolicy as GetGeneratedPolicy's documentation suggests.
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_GeneratedPolicy.html
 */
import { POLICY_SIZE_LIMITS, policySize } from '../../policy/size-limits.js';

/** One statement's content: sorted actions, allowed on sorted resources. */
export interface Grant {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

export const MANAGED_POLICY_MAX_CHARS = POLICY_SIZE_LIMITS.Managed.limit;

export const SID_PREFIX = 'SupportedServiceSid';

/** The document of `grants`, one statement each, numbered from 0. */
export function renderDocument(grants: readonly Grant[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: grants.map((g, i) => ({
      Sid: `${SID_PREFIX}${i}`,
      Effect: 'Allow',
      Action: oneOrMany(g.actions),
      Resource: oneOrMany(g.resources),
    })),
  });
}

function oneOrMany(values: readonly string[]): string | readonly string[] {
  return values.length === 1 ? values[0]! : values;
}

/**
 * The grants packed, in order, into as few documents as fit in `maxChars` each: a document takes the
 * next grant while it still fits; a grant too large for a document of its own is split first, its
 * resources into halves, then (one resource left) its actions.
 */
export function packDocuments(grants: readonly Grant[], maxChars: number = MANAGED_POLICY_MAX_CHARS): string[] {
  const documents: string[] = [];
  let current: Grant[] = [];
  for (const grant of grants.flatMap((g) => fitting(g, maxChars))) {
    if (current.length > 0 && policySize(renderDocument([...current, grant])) > maxChars) {
      documents.push(renderDocument(current));
      current = [];
    }
    current.push(grant);
  }
  if (current.length > 0) documents.push(renderDocument(current));
  return documents;
}

function fitting(grant: Grant, maxChars: number): Grant[] {
  if (policySize(renderDocument([grant])) <= maxChars) return [grant];
  const { actions, resources } = grant;
  if (resources.length > 1) {
    const half = Math.ceil(resources.length / 2);
    return [
      ...fitting({ actions, resources: resources.slice(0, half) }, maxChars),
      ...fitting({ actions, resources: resources.slice(half) }, maxChars),
    ];
  }
  if (actions.length > 1) {
    const half = Math.ceil(actions.length / 2);
    return [
      ...fitting({ actions: actions.slice(0, half), resources }, maxChars),
      ...fitting({ actions: actions.slice(half), resources }, maxChars),
    ];
  }
  // One action on one resource past the quota cannot be split (no ARN is that long: S3 keys stop at 1,024 bytes).
  return [grant];
}
