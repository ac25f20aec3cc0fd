import type {
  CreateAccountStatusRow,
  IamStore,
  OrganizationRow,
  OrgAccountRow,
  OrgPolicyRow,
  OrgUnitRow,
} from '../iam/store/types.js';
import { accountArn, organizationArn, ouArn, policyArn, rootArn } from './arns.js';

/** Output structures of the Organizations API (botocore shapes of the same names). */

export const ROOT_NAME = 'Root';

export function organizationShape(org: OrganizationRow, managementEmail: string): Record<string, unknown> {
  return {
    Id: org.id,
    Arn: organizationArn(org),
    FeatureSet: org.featureSet,
    MasterAccountArn: accountArn(org, org.managementAccountId),
    MasterAccountId: org.managementAccountId,
    MasterAccountEmail: managementEmail,
    // Deprecated by AWS in favour of ListRoots; kept with the root's enabled types.
    AvailablePolicyTypes: policyTypeSummaries(org),
  };
}

function policyTypeSummaries(org: OrganizationRow): Array<{ Type: string; Status: string }> {
  return org.enabledPolicyTypes.map((t) => ({ Type: t, Status: 'ENABLED' }));
}

export function rootShape(org: OrganizationRow): Record<string, unknown> {
  return { Id: org.rootId, Arn: rootArn(org, org.rootId), Name: ROOT_NAME, PolicyTypes: policyTypeSummaries(org) };
}

export function accountShape(org: OrganizationRow, a: OrgAccountRow): Record<string, unknown> {
  return {
    Id: a.accountId,
    Arn: accountArn(org, a.accountId),
    Email: a.email,
    Name: a.name,
    Status: a.status,
    State: a.status,
    JoinedMethod: a.joinedMethod,
    JoinedTimestamp: a.joinedAt,
  };
}

export function ouShape(org: OrganizationRow, u: OrgUnitRow, path: string): Record<string, unknown> {
  return { Id: u.id, Arn: ouArn(org, u.id), Name: u.name, Path: path };
}

export function policySummary(org: OrganizationRow, p: OrgPolicyRow): Record<string, unknown> {
  return {
    Id: p.id,
    Arn: policyArn(org, p),
    Name: p.name,
    Description: p.description,
    Type: p.type,
    AwsManaged: p.awsManaged,
  };
}

export function policyShape(org: OrganizationRow, p: OrgPolicyRow): Record<string, unknown> {
  return { PolicySummary: policySummary(org, p), Content: p.content };
}

export function createAccountStatusShape(s: CreateAccountStatusRow): Record<string, unknown> {
  return {
    Id: s.id,
    AccountName: s.accountName,
    State: s.state,
    RequestedTimestamp: s.requestedAt,
    CompletedTimestamp: s.completedAt,
    AccountId: s.accountId,
    FailureReason: s.failureReason,
  };
}

/**
 * The ids from the root down to `parentId` (inclusive): `[r-ab12, ou-ab12-1111aaaa, ...]`. A parent
 * that no longer exists ends the chain where it was found missing.
 */
export async function ancestry(store: IamStore, org: OrganizationRow, parentId: string): Promise<string[]> {
  const chain: string[] = [];
  let id: string | undefined = parentId;
  while (id !== undefined && id !== org.rootId && chain.length < 32) {
    chain.unshift(id);
    id = (await store.organizations.getUnit(id))?.parentId;
  }
  return [org.rootId, ...chain];
}

/** The path AWS reports for an OU and as aws:PrincipalOrgPaths: `o-xxx/r-xxxx/ou-xxxx-xxxxxxxx/`. */
export function orgPath(org: OrganizationRow, ids: readonly string[]): string {
  return `${org.id}/${ids.join('/')}/`;
}
