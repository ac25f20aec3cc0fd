import type { AwsManagedPolicyCatalog } from '../iam/aws-managed/catalog.js';
import type { IamStore } from '../iam/store/types.js';
import type { BucketRecord, BucketStore } from '../storage/ports.js';
import type { AnalyzedFinding } from './auditor-types.js';
import { actionsOf } from './resource-actions.js';
import { Slices } from './slices.js';
import { EffectivePermissions, type AuditedPrincipal } from './security-posture/effective-permissions.js';

/**
 * IAM Access Analyzer's internal access (analyzer types ACCOUNT_INTERNAL_ACCESS and
 * ORGANIZATION_INTERNAL_ACCESS): for the critical resources an analyzer names, which IAM users and
 * roles inside the zone of trust can reach them, and with which actions — decided by the policy engine
 * on the path requests take (identity policies, permissions boundary, SCPs, RCPs, the bucket policy),
 * one evaluation per principal, resource and action. The critical resources are the analyzer's
 * `configuration.internalAccess.analysisRule.inclusions` (resourceArns, resourceTypes, accountIds);
 * S3 buckets are the resource type analyzed.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-internal-access.html
 * Cost: principals × chosen buckets × S3 actions engine evaluations per scan, hence the inclusions.
 * Decision: an object action counts when it is allowed on every object (`bucket/*`); access to part of
 * the objects only (a prefix) is not reported.
 */

export interface InternalAccessDeps {
  readonly iam: IamStore;
  readonly buckets: Pick<BucketStore, 'getBucket' | 'listBuckets'>;
  readonly awsManaged: AwsManagedPolicyCatalog;
}

/** An inclusion of the analysis rule: a resource matches when it meets every field given. */
export interface InternalAccessInclusion {
  readonly accountIds?: readonly string[];
  readonly resourceTypes?: readonly string[];
  readonly resourceArns?: readonly string[];
}

export interface InternalAccessInput {
  /** The zone of trust: the accounts whose principals and buckets are analyzed. */
  readonly accounts: readonly string[];
  readonly inclusions: readonly InternalAccessInclusion[];
  /** INTRA_ACCOUNT for an account analyzer, INTRA_ORG when the zone is an organization. */
  readonly organization: boolean;
}

export async function analyzeInternalAccess(
  deps: InternalAccessDeps,
  input: InternalAccessInput,
): Promise<{ resource: string; found: AnalyzedFinding[] }[]> {
  const buckets = await criticalBuckets(deps, input);
  const principals: AuditedPrincipal[] = [];
  for (const accountId of input.accounts) {
    for (const row of await deps.iam.users.list(accountId)) principals.push({ kind: 'user', row });
    for (const row of await deps.iam.roles.list(accountId)) {
      if (!row.path.startsWith('/aws-service-role/')) principals.push({ kind: 'role', row });
    }
  }
  const engine = new EffectivePermissions({ iam: deps.iam, awsManaged: deps.awsManaged });
  const out: { resource: string; found: AnalyzedFinding[] }[] = [];
  const slices = new Slices();
  for (const b of buckets) {
    const arn = `arn:aws:s3:::${b.name}`;
    const requests = actionsOf('AWS::S3::Bucket', arn).map((a) => ({
      ...a,
      action: a.name,
      resourceAccount: b.ownerAccountId,
    }));
    const policy = b.policy && { id: `bucket-policy:${b.name}`, document: b.policy.document };
    const found: AnalyzedFinding[] = [];
    for (const p of principals) {
      await slices.yield();
      const allowed = await engine.allowedRequests(p, requests, policy);
      if (allowed.length === 0) continue;
      const principalArn = principalArnOf(p);
      found.push({
        key: JSON.stringify(['internal', principalArn]),
        resourceType: 'AWS::S3::Bucket',
        resourceOwnerAccount: b.ownerAccountId,
        findingType: 'InternalAccess',
        details: {
          internalAccessDetails: {
            action: allowed.map((a) => a.action).sort(),
            condition: {},
            principal: { AWS: principalArn },
            principalOwnerAccount: p.row.accountId,
            accessType: input.organization && p.row.accountId !== b.ownerAccountId ? 'INTRA_ORG' : 'INTRA_ACCOUNT',
            principalType: p.kind === 'user' ? 'IAM_USER' : 'IAM_ROLE',
            sources: [{ type: 'POLICY' }],
            resourceControlPolicyRestriction: 'NOT_APPLICABLE',
            serviceControlPolicyRestriction: 'NOT_APPLICABLE',
          },
          onlyWithCondition: allowed.filter((a) => !a.always).map((a) => a.action),
          severity: 'LOW',
        },
      });
    }
    out.push({ resource: arn, found });
  }
  return out;
}

function principalArnOf(p: AuditedPrincipal): string {
  return p.kind === 'user'
    ? `arn:aws:iam::${p.row.accountId}:user${p.row.path}${p.row.userName}`
    : `arn:aws:iam::${p.row.accountId}:role${p.row.path}${p.row.roleName}`;
}

/** The buckets of the zone that an inclusion names (none when there is no inclusion: AWS needs one). */
async function criticalBuckets(deps: InternalAccessDeps, input: InternalAccessInput): Promise<BucketRecord[]> {
  const out = new Map<string, BucketRecord>();
  for (const inc of input.inclusions) {
    if (inc.resourceTypes && !inc.resourceTypes.includes('AWS::S3::Bucket')) continue;
    const accounts = input.accounts.filter((a) => !inc.accountIds || inc.accountIds.includes(a));
    if (inc.resourceArns) {
      for (const arn of inc.resourceArns) {
        const name = /^arn:aws[a-z-]*:s3:::([^/]+)$/.exec(arn)?.[1];
        const b = name === undefined ? undefined : await deps.buckets.getBucket(name);
        if (b && accounts.includes(b.ownerAccountId)) out.set(b.name, b);
      }
      continue;
    }
    for (const accountId of accounts) {
      for (let after = ''; ;) {
        const page = await deps.buckets.listBuckets({ ownerAccountId: accountId, prefix: '', after, limit: 1000 });
        for (const b of page) out.set(b.name, b);
        if (page.length < 1000) break;
        after = page[page.length - 1]!.name;
      }
    }
  }
  return [...out.values()];
}
