import type { PostureFindingType } from './security-posture/posture-types.js';

/**
 * The auditor's records (issue #18), in IAM Access Analyzer's vocabulary.
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_AnalyzerSummary.html
 */

export type AnalyzerType =
  | 'ACCOUNT'
  | 'ORGANIZATION'
  | 'ACCOUNT_UNUSED_ACCESS'
  | 'ORGANIZATION_UNUSED_ACCESS'
  | 'ACCOUNT_INTERNAL_ACCESS'
  | 'ORGANIZATION_INTERNAL_ACCESS'
  /** Strongbox's: Security Monkey's checks (dangerous permissions, credentials, bucket hygiene). */
  | 'STRONGBOX_SECURITY_POSTURE';

export const ANALYZER_TYPES: readonly AnalyzerType[] = [
  'ACCOUNT',
  'ORGANIZATION',
  'ACCOUNT_UNUSED_ACCESS',
  'ORGANIZATION_UNUSED_ACCESS',
  'ACCOUNT_INTERNAL_ACCESS',
  'ORGANIZATION_INTERNAL_ACCESS',
  'STRONGBOX_SECURITY_POSTURE',
];

/** Access Analyzer's Criterion: a finding matches when every named attribute meets its criterion. */
export interface Criterion {
  readonly eq?: readonly string[];
  readonly neq?: readonly string[];
  readonly contains?: readonly string[];
  readonly exists?: boolean;
}

export type FilterCriteria = Readonly<Record<string, Criterion>>;

export interface AnalyzerRecord {
  readonly arn: string;
  readonly accountId: string;
  readonly region: string;
  readonly name: string;
  readonly type: AnalyzerType;
  readonly createdAt: Date;
  readonly tags: Readonly<Record<string, string>>;
  /** AnalyzerConfiguration as given (unusedAccess, internalAccess). */
  readonly configuration?: Readonly<Record<string, unknown>>;
  readonly lastResourceAnalyzed?: string;
  readonly lastResourceAnalyzedAt?: Date;
  /** CreateAnalyzer's idempotency token: a retry with it gets the analyzer instead of a conflict. */
  readonly clientToken?: string;
}

export interface ArchiveRuleRecord {
  readonly analyzerArn: string;
  readonly ruleName: string;
  readonly filter: FilterCriteria;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type FindingStatus = 'ACTIVE' | 'ARCHIVED' | 'RESOLVED';
export type FindingType =
  | 'ExternalAccess'
  | 'UnusedIAMRole'
  | 'UnusedIAMUserAccessKey'
  | 'UnusedIAMUserPassword'
  | 'UnusedPermission'
  | 'InternalAccess'
  | PostureFindingType;

/** A finding's analysis: the members of ExternalAccessDetails (or an unused-access details member). */
export type FindingDetails = Readonly<Record<string, unknown>>;

export interface FindingRecord {
  readonly id: string;
  readonly analyzerArn: string;
  /** Identifies the finding across analyses of the resource (principal, condition, public, source). */
  readonly key: string;
  readonly resource: string;
  readonly resourceType: string;
  readonly resourceOwnerAccount: string;
  readonly findingType: FindingType;
  readonly status: FindingStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly analyzedAt: Date;
  readonly details: FindingDetails;
}

/** A finding as the latest analysis of its resource sees it. */
export interface AnalyzedFinding {
  readonly key: string;
  readonly resourceType: string;
  readonly resourceOwnerAccount: string;
  readonly findingType: FindingType;
  readonly details: FindingDetails;
}

/** What a reconciliation changed: new findings (ACTIVE or archived by a rule) and resolved ones. */
export interface FindingChanges {
  readonly created: readonly FindingRecord[];
  readonly resolved: readonly FindingRecord[];
}
