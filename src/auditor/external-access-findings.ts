import type { AnalyzedFinding } from './auditor-types.js';
import type { ExternalAccess } from './external-access.js';
import type { AnalyzedResourceType } from './resource-actions.js';

/** A resource as analyzed: its identity, and what reads it as an error when its policy does not parse. */
export interface ResourceIdentity {
  readonly resourceType: AnalyzedResourceType;
  readonly arn: string;
  /** The bucket, role or key name a command names it by. */
  readonly name: string;
  readonly ownerAccount: string;
}

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';

/**
 * An external access as a finding: ExternalAccessDetails' members (what GetFinding returns), plus
 * Strongbox's own — the statements that grant it, a severity and a concrete fix — which the AWS SDKs
 * ignore and the CLI, alerts and console show.
 */
export function externalAccessFinding(r: ResourceIdentity, a: ExternalAccess): AnalyzedFinding {
  const source = a.sources[0]?.type ?? 'POLICY';
  return {
    key: JSON.stringify([a.principal, a.condition, a.isPublic, source]),
    resourceType: r.resourceType,
    resourceOwnerAccount: r.ownerAccount,
    findingType: 'ExternalAccess',
    details: {
      principal: a.principal,
      action: a.action,
      condition: a.condition,
      isPublic: a.isPublic,
      sources: a.sources,
      resourceControlPolicyRestriction: 'NOT_APPLICABLE',
      statements: a.statements,
      severity: severityOf(a),
      fix: fixOf(r, a),
    },
  };
}

/** A finding that says the resource's policy could not be analyzed (Finding.error). */
export function unreadablePolicyFinding(r: ResourceIdentity, error: string): AnalyzedFinding {
  return {
    key: JSON.stringify(['error']),
    resourceType: r.resourceType,
    resourceOwnerAccount: r.ownerAccount,
    findingType: 'ExternalAccess',
    details: { condition: {}, error: `The resource policy could not be analyzed: ${error}`, severity: 'MEDIUM' },
  };
}

const WRITE_ACTION = /^s3:(Put|Delete|Restore|Replicate|Abort|Bypass)|^kms:(?!Describe|Get|List)|^sts:/;

function severityOf(a: ExternalAccess): Severity {
  const writes = a.action.some((x) => WRITE_ACTION.test(x));
  if (a.isPublic) return writes ? 'CRITICAL' : 'HIGH';
  if (a.principal.AWS === '*') return writes ? 'HIGH' : 'MEDIUM';
  return writes ? 'MEDIUM' : 'LOW';
}

function statementNames(a: ExternalAccess): string {
  return a.statements.map((s) => (s.sid !== undefined ? `'${s.sid}'` : `#${s.index}`)).join(', ');
}

/** What to do, as a command where one does it. */
export function fixOf(r: ResourceIdentity, a: ExternalAccess): string {
  const who = Object.entries(a.principal)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const keep = `If the access is intended, archive this finding (or add an archive rule that matches it).`;
  if (a.sources[0]?.type === 'BUCKET_ACL') {
    return a.isPublic
      ? `Remove the public ACL grant: aws s3api put-bucket-acl --bucket ${r.name} --acl private — or turn on Block Public Access: ` +
          `aws s3api put-public-access-block --bucket ${r.name} --public-access-block-configuration ` +
          `BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`
      : `Remove the ACL grant to ${who} (aws s3api put-bucket-acl --bucket ${r.name} --acl private, or the grants you keep). ${keep}`;
  }
  const where = `statement ${statementNames(a)}`;
  switch (r.resourceType) {
    case 'AWS::S3::Bucket':
      return a.isPublic
        ? `Remove or narrow ${where} of the bucket policy (name principals, or pin the caller with aws:PrincipalOrgID or ` +
            `aws:SourceVpce), or turn on Block Public Access: aws s3api put-public-access-block --bucket ${r.name} ` +
            `--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`
        : `Remove ${who} from ${where} of the bucket policy (aws s3api put-bucket-policy --bucket ${r.name} ...). ${keep}`;
    case 'AWS::IAM::Role':
      return (
        `Remove ${who} from ${where} of the trust policy (aws iam update-assume-role-policy --role-name ${r.name} ...), ` +
        `or require sts:ExternalId / aws:PrincipalOrgID. ${keep}`
      );
    case 'AWS::KMS::Key':
      return `Remove ${who} from ${where} of the key policy (aws kms put-key-policy --key-id ${r.name} --policy-name default ...). ${keep}`;
  }
}
