/**
 * The organization, its OUs, member accounts and policies (SCPs, RCPs, S3 policies). AWS Config
 * records only AWS::Organizations::OrganizationalUnit; for the others the CloudFormation resource types
 * stand in (AWS::Organizations::Organization, ::Account, ::Policy). Like AWS Config's types from the
 * CloudFormation registry, `configuration` uses CloudFormation's property names.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/AWS_Organizations.html
 *
 * A policy's targets are the policy's (CloudFormation's TargetIds), not the targets': AttachPolicy
 * names the policy, and the policy is what its history shows. Organizations is global: `global`.
 * Every resource belongs to the management account; `accountId` must name it.
 */
import type { OrganizationRepo, OrganizationRow } from '../../iam/store/types.js';
import { accountArn, organizationArn, ouArn, policyArn } from '../../organizations/arns.js';
import {
  CONFIG_RESOURCE_TYPES as T,
  GLOBAL_REGION,
  type JsonObject,
  type ResourceDescription,
} from './configuration-types.js';
import { iso, keyValuePairs, policyJson, sortedBy, tagMap } from './description-parts.js';

export type OrganizationReader = Pick<
  OrganizationRepo,
  | 'get'
  | 'getAccount'
  | 'listAccounts'
  | 'getUnit'
  | 'getPolicy'
  | 'listTargetIdsForPolicy'
  | 'listServiceAccess'
  | 'listTags'
>;

async function organizationOf(
  orgs: OrganizationReader,
  managementAccountId: string,
): Promise<OrganizationRow | undefined> {
  const org = await orgs.get();
  return org?.managementAccountId === managementAccountId ? org : undefined;
}

export async function describeOrganization(
  orgs: OrganizationReader,
  managementAccountId: string,
): Promise<ResourceDescription | undefined> {
  const org = await organizationOf(orgs, managementAccountId);
  if (org === undefined) return undefined;
  const [accounts, services] = await Promise.all([orgs.listAccounts(), orgs.listServiceAccess()]);
  const arn = organizationArn(org);
  return orgDescription(T.organization, org, {
    id: org.id,
    name: org.id,
    arn,
    createdAt: org.createdAt,
    tags: {},
    configuration: {
      Id: org.id,
      Arn: arn,
      FeatureSet: org.featureSet,
      ManagementAccountId: org.managementAccountId,
      ManagementAccountArn: accountArn(org, org.managementAccountId),
      RootId: org.rootId,
      // Deviation from AWS (additions): the rest of the organization's state its events change.
      EnabledPolicyTypes: [...org.enabledPolicyTypes].sort(),
      RootCredentialsManagement: org.rootCredentialsManagement,
      RootSessions: org.rootSessions,
      EnabledServicePrincipals: services.map((s) => s.servicePrincipal).sort(),
      AccountIds: accounts.map((a) => a.accountId).sort(),
    },
  });
}

export async function describeOrganizationAccount(
  orgs: OrganizationReader,
  managementAccountId: string,
  accountId: string,
): Promise<ResourceDescription | undefined> {
  const org = await organizationOf(orgs, managementAccountId);
  const a = org && (await orgs.getAccount(accountId));
  if (org === undefined || a === undefined) return undefined;
  const tags = tagMap(keyValuePairs(await orgs.listTags(accountId)));
  const arn = accountArn(org, accountId);
  return orgDescription(T.organizationAccount, org, {
    id: accountId,
    name: a.name,
    arn,
    createdAt: a.joinedAt,
    tags,
    configuration: {
      AccountId: accountId,
      Arn: arn,
      AccountName: a.name,
      Email: a.email,
      ParentIds: [a.parentId],
      JoinedMethod: a.joinedMethod,
      JoinedTimestamp: iso(a.joinedAt),
      Status: a.status,
    },
  });
}

export async function describeOrganizationalUnit(
  orgs: OrganizationReader,
  managementAccountId: string,
  unitId: string,
): Promise<ResourceDescription | undefined> {
  const org = await organizationOf(orgs, managementAccountId);
  const u = org && (await orgs.getUnit(unitId));
  if (org === undefined || u === undefined) return undefined;
  const tags = tagMap(keyValuePairs(await orgs.listTags(unitId)));
  const arn = ouArn(org, unitId);
  return orgDescription(T.organizationalUnit, org, {
    id: unitId,
    name: u.name,
    arn,
    createdAt: u.createdAt,
    tags,
    configuration: { Id: unitId, Arn: arn, Name: u.name, ParentId: u.parentId },
  });
}

export async function describeOrganizationPolicy(
  orgs: OrganizationReader,
  managementAccountId: string,
  policyId: string,
): Promise<ResourceDescription | undefined> {
  const org = await organizationOf(orgs, managementAccountId);
  const p = org && (await orgs.getPolicy(policyId));
  if (org === undefined || p === undefined) return undefined;
  const [targets, tagRows] = await Promise.all([orgs.listTargetIdsForPolicy(policyId), orgs.listTags(policyId)]);
  const arn = policyArn(org, p);
  return orgDescription(T.organizationPolicy, org, {
    id: p.id,
    name: p.name,
    arn,
    createdAt: undefined,
    tags: tagMap(keyValuePairs(tagRows)),
    configuration: {
      Id: p.id,
      Arn: arn,
      Name: p.name,
      Description: p.description,
      Type: p.type,
      AwsManaged: p.awsManaged,
      Content: policyJson(p.content),
      TargetIds: sortedBy(targets, (t) => t),
    },
  });
}

interface OrgParts {
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly createdAt: Date | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly configuration: JsonObject;
}

function orgDescription(
  resourceType: ResourceDescription['resourceType'],
  org: OrganizationRow,
  p: OrgParts,
): ResourceDescription {
  return {
    resourceType,
    resourceId: p.id,
    resourceName: p.name,
    arn: p.arn,
    awsRegion: GLOBAL_REGION,
    accountId: org.managementAccountId,
    ...(p.createdAt !== undefined ? { resourceCreationTime: p.createdAt } : {}),
    tags: p.tags,
    configuration: p.configuration,
    supplementaryConfiguration: {},
  };
}
