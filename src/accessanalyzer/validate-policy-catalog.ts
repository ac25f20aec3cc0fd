/**
 * The ValidatePolicy checks Strongbox runs, as data: issue code, finding type and the `findingDetails`
 * text, in the order of AWS's "IAM policy validation check reference" (errors, general warnings,
 * security warnings, suggestions). `{{name}}` marks a value filled in per finding, as on that page.
 * The position of a check in this table breaks ties between findings at the same place in the text.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
 *
 * learnMoreLink is the page's anchor for the check: `access-analyzer-reference-policy-checks-` + the
 * finding type as the page names it (`error`, `general-warning`, `security-warning`, `suggestion`) + the
 * issue code in lower case with hyphens (PASS_ROLE_WITH_STAR_IN_RESOURCE →
 * `…-security-warning-pass-role-with-star-in-resource`, as AWS returns it).
 */

import { AWS_ISSUES } from './validate-policy-aws-issues.js';

export type FindingType = 'ERROR' | 'SECURITY_WARNING' | 'SUGGESTION' | 'WARNING';

export interface IssueDefinition {
  readonly type: FindingType;
  readonly details: string;
  /** Set for Strongbox's own checks (issue codes `STRONGBOX_…`); AWS's checks link to the reference page. */
  readonly learnMoreLink?: string;
}

const REFERENCE = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html';
const LEAST_PRIVILEGE = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege';
const PUBLIC_POLICY =
  'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status';
const VERSION_ELEMENT = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html';

/**
 * Strongbox's own checks. Deviation from AWS: issue #18 asks ValidatePolicy to flag the grants the seed
 * documents warn about (s3:*, s3:PutBucketAcl, s3:PutBucketPolicy, s3:PutObjectAcl, iam:PassRole, buckets
 * open to everyone), which AWS's policy checks leave to other tools. Their codes cannot be mistaken for AWS's.
 */
const STRONGBOX_ISSUES = {
  STRONGBOX_FULL_ACCESS: {
    type: 'SECURITY_WARNING',
    details:
      'The statement allows every action of every service ({{action}}) on every resource. Grant only the actions ' +
      'and resources that the principals need.',
    learnMoreLink: LEAST_PRIVILEGE,
  },
  STRONGBOX_FULL_SERVICE_ACCESS: {
    type: 'SECURITY_WARNING',
    details:
      'The statement allows every {{service}} action ({{action}}) on every resource. Grant only the actions and ' +
      'resources that the principals need.',
    learnMoreLink: LEAST_PRIVILEGE,
  },
  STRONGBOX_DANGEROUS_ACTION: {
    type: 'SECURITY_WARNING',
    details:
      'The statement allows {{actions}} on {{resource}}. These actions can make data public or hand out ' +
      'permissions: limit them to your security team and to named resources.',
    learnMoreLink: LEAST_PRIVILEGE,
  },
  STRONGBOX_PUBLIC_ACCESS: {
    type: 'SECURITY_WARNING',
    details:
      'The statement allows {{principal}} without a condition that fixes the caller: anyone can use this access. ' +
      'Name the principals, or add a condition on aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID, ' +
      'aws:SourceVpce or a narrow aws:SourceIp range.',
    learnMoreLink: PUBLIC_POLICY,
  },
  STRONGBOX_OUTDATED_VERSION: {
    type: 'SUGGESTION',
    details:
      'The Version 2008-10-17 treats policy variables as literal text and does not support newer policy features. ' +
      'We recommend that you use Version 2012-10-17.',
    learnMoreLink: VERSION_ELEMENT,
  },
} as const satisfies Record<string, IssueDefinition>;

/** Every check, in the reference's order, Strongbox's last. */
export const ISSUES = { ...AWS_ISSUES, ...STRONGBOX_ISSUES } as const;

export type IssueCode = keyof typeof ISSUES;

/** Reference order of each code, for ordering findings at the same place. */
export const ISSUE_RANK: ReadonlyMap<IssueCode, number> = new Map(
  (Object.keys(ISSUES) as IssueCode[]).map((c, i) => [c, i]),
);

const TYPE_ANCHOR: Record<FindingType, string> = {
  ERROR: 'error',
  WARNING: 'general-warning',
  SECURITY_WARNING: 'security-warning',
  SUGGESTION: 'suggestion',
};

export function learnMoreLink(code: IssueCode): string {
  const def: IssueDefinition = ISSUES[code];
  if (def.learnMoreLink) return def.learnMoreLink;
  const slug = code.toLowerCase().replace(/_/g, '-');
  return `${REFERENCE}#access-analyzer-reference-policy-checks-${TYPE_ANCHOR[def.type]}-${slug}`;
}

/** Fills `{{name}}` placeholders; a placeholder without a value is left empty. */
export function findingDetails(code: IssueCode, params: Readonly<Record<string, string>> = {}): string {
  return ISSUES[code].details.replace(/\{\{([^}]+)\}\}/g, (_, name: string) => params[name] ?? '');
}
