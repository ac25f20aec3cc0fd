/**
 * A resource as it is now, in AWS Config's shape (configuration-types.ts), read from the stores the
 * server already has; undefined when it does not exist (deleted, or never created). Deterministic:
 * the same state describes to the same JSON (lists sorted where their order means nothing).
 * https://docs.aws.amazon.com/config/latest/APIReference/API_ConfigurationItem.html
 */
import type { KeyRecord } from '../../kms/key-types.js';
import type { BucketStore, PublicAccessBlock } from '../../storage/ports.js';
import {
  CONFIG_RESOURCE_TYPES as T,
  type ConfigResourceType,
  type ResourceDescription,
  type ResourceRef,
} from './configuration-types.js';
import { describeAccountPublicAccessBlock, describeBucket } from './describe-bucket.js';
import { describeGroup, describeRole, describeUser, type IamReader } from './describe-iam.js';
import { describeManagedPolicy } from './describe-iam-policy.js';
import { describeKmsKey } from './describe-kms-key.js';
import {
  describeOrganization,
  describeOrganizationAccount,
  describeOrganizationalUnit,
  describeOrganizationPolicy,
  type OrganizationReader,
} from './describe-organizations.js';

/** What main.ts has: the bucket store, the IAM store, the KMS key store, account-level Block Public Access. */
export interface DescribeResourceDeps {
  readonly buckets: Pick<BucketStore, 'getBucket'>;
  readonly iam: IamReader & { readonly organizations: OrganizationReader };
  /** The key's record, PendingDeletion included; undefined once deleted. */
  readonly kmsKey: (keyId: string) => Promise<KeyRecord | undefined>;
  /** The account's Block Public Access in force (main.ts: accountPublicAccessBlocks.effective). */
  readonly accountPublicAccessBlock: (accountId: string) => Promise<PublicAccessBlock | undefined>;
  /** Where account-level Block Public Access is recorded (AWS Config records it per region); us-east-1 by default. */
  readonly region?: string;
}

type Describer = (deps: DescribeResourceDeps, ref: ResourceRef) => Promise<ResourceDescription | undefined>;

/** One reader per resource type; a resource of another account is not there (undefined). */
const DESCRIBERS: Readonly<Record<ConfigResourceType, Describer>> = {
  [T.bucket]: async (deps, ref) => {
    const b = await deps.buckets.getBucket(ref.name);
    return b !== undefined && b.ownerAccountId === ref.accountId ? describeBucket(b) : undefined;
  },
  [T.accountPublicAccessBlock]: async (deps, ref) => {
    const settings = await deps.accountPublicAccessBlock(ref.accountId);
    return settings && describeAccountPublicAccessBlock(ref.accountId, settings, deps.region ?? 'us-east-1');
  },
  [T.user]: (deps, ref) => describeUser(deps.iam, ref.accountId, ref.name),
  [T.group]: (deps, ref) => describeGroup(deps.iam, ref.accountId, ref.name),
  [T.role]: (deps, ref) => describeRole(deps.iam, ref.accountId, ref.name),
  [T.policy]: (deps, ref) => describeManagedPolicy(deps.iam, ref.accountId, ref.name),
  [T.kmsKey]: async (deps, ref) => {
    const key = await deps.kmsKey(ref.name);
    return key !== undefined && key.accountId === ref.accountId ? describeKmsKey(key) : undefined;
  },
  [T.organization]: (deps, ref) => describeOrganization(deps.iam.organizations, ref.accountId),
  [T.organizationAccount]: (deps, ref) => describeOrganizationAccount(deps.iam.organizations, ref.accountId, ref.name),
  [T.organizationalUnit]: (deps, ref) => describeOrganizationalUnit(deps.iam.organizations, ref.accountId, ref.name),
  [T.organizationPolicy]: (deps, ref) => describeOrganizationPolicy(deps.iam.organizations, ref.accountId, ref.name),
};

export async function describeResource(
  deps: DescribeResourceDeps,
  ref: ResourceRef,
): Promise<ResourceDescription | undefined> {
  const describe = DESCRIBERS[ref.resourceType] as Describer | undefined;
  return describe === undefined ? undefined : describe(deps, ref);
}
