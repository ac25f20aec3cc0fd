/**
 * The security-posture analysis' findings (issue #18, "Dangerous permissions"): Security Monkey's
 * checks, with finding types named the way AWS names its own (Access Analyzer's `UnusedIAMRole`,
 * Security Hub's controls).
 */
import type { AnalyzedFinding } from '../auditor-types.js';
import type { Severity } from '../external-access-findings.js';

export type { Severity };

export type PostureFindingType =
  | 'DangerousPermission'
  | 'RootAccessKey'
  | 'UserWithoutMfa'
  | 'OldAccessKey'
  | 'BucketNotVersioned'
  | 'BucketNotLogged'
  | 'BucketNotEncrypted'
  | 'BucketPublicAccessBlockOff'
  | 'AccountPublicAccessBlockOff';

export const POSTURE_FINDING_TYPES: readonly PostureFindingType[] = [
  'DangerousPermission',
  'RootAccessKey',
  'UserWithoutMfa',
  'OldAccessKey',
  'BucketNotVersioned',
  'BucketNotLogged',
  'BucketNotEncrypted',
  'BucketPublicAccessBlockOff',
  'AccountPublicAccessBlockOff',
];

export type PostureResourceType = 'AWS::IAM::User' | 'AWS::IAM::Role' | 'AWS::S3::Bucket' | 'AWS::::Account';

/** Every posture finding says how bad it is and what to do, besides its own members. */
export type PostureDetails = Readonly<Record<string, unknown>> & {
  readonly severity: Severity;
  readonly fix: string;
};

/**
 * An AnalyzedFinding of a posture type. It is assignable to AnalyzedFinding once the auditor's
 * FindingType union names the posture types (auditor-types.ts).
 */
export interface PostureFinding extends Omit<AnalyzedFinding, 'findingType' | 'details'> {
  readonly findingType: PostureFindingType;
  readonly details: PostureDetails;
}

/** One analyzed resource and its findings (possibly none, so that the job resolves the old ones). */
export interface PostureFindings {
  /** The resource's ARN (the account's is its root ARN). */
  readonly resource: string;
  readonly resourceType: PostureResourceType;
  readonly found: readonly PostureFinding[];
}

const RANK: Readonly<Record<Severity, number>> = { LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 3 };
const BY_RANK: readonly Severity[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

export function maxSeverity(severities: readonly Severity[]): Severity {
  return BY_RANK[Math.max(0, ...severities.map((s) => RANK[s]))];
}

/** One step down (a grant that only holds under a condition). */
export function lowerSeverity(s: Severity): Severity {
  return BY_RANK[Math.max(0, RANK[s] - 1)];
}
