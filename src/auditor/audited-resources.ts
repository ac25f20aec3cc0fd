import { canonicalUserId } from '../identity/canonical-user.js';
import type { IamStore } from '../iam/store/types.js';
import type { KeyRecord } from '../kms/key-types.js';
import { loadAccountPublicAccessBlock } from '../s3control/account-public-access-blocks.js';
import type { BucketRecord, BucketStore, PublicAccessBlock } from '../storage/ports.js';
import type { AnalyzedFinding, AnalyzerRecord } from './auditor-types.js';
import { analyzeExternalAccess, type AnalyzedResource, type ZoneOfTrust } from './external-access.js';
import { externalAccessFinding, unreadablePolicyFinding, type ResourceIdentity } from './external-access-findings.js';
import { readStoredPolicy } from './stored-policy.js';

/** What the auditor reads: the same stores the request path writes. */
export interface AuditorSources {
  readonly buckets: BucketStore;
  readonly iam: IamStore;
  readonly kms: {
    getKey(keyId: string): Promise<{ readonly record: KeyRecord } | undefined>;
    listKeyIds(accountId: string, region: string): Promise<string[]>;
  };
}

/** A resource the external access analysis covers, by how the stores name it. */
export type ResourceRef =
  | { readonly type: 'AWS::S3::Bucket'; readonly name: string }
  | { readonly type: 'AWS::IAM::Role'; readonly accountId: string; readonly name: string }
  | { readonly type: 'AWS::KMS::Key'; readonly keyId: string };

/** The accounts an analyzer covers: its own, or every account of the organization it belongs to. */
export async function zoneOf(
  analyzer: AnalyzerRecord,
  iam: IamStore,
): Promise<ZoneOfTrust & { readonly covered: readonly string[] }> {
  const accounts = await iam.accounts.list();
  const byCanonical = new Map(accounts.map((a) => [canonicalUserId(a.accountId), a.accountId]));
  const accountOfCanonicalUser = (id: string) => byCanonical.get(id);
  if (analyzer.type.startsWith('ORGANIZATION')) {
    const org = await iam.organizations.get();
    const member = org && (await iam.organizations.getAccount(analyzer.accountId));
    if (org && member) {
      const covered = (await iam.organizations.listAccounts()).map((a) => a.accountId);
      return { accounts: new Set(covered), organizationId: org.id, accountOfCanonicalUser, covered };
    }
  }
  return { accounts: new Set([analyzer.accountId]), accountOfCanonicalUser, covered: [analyzer.accountId] };
}

/**
 * The analysis of one resource for one analyzer: its findings, or `undefined` when the resource is gone
 * or is not the analyzer's (another account or Region) — its findings then resolve.
 */
export async function analyzeResource(
  sources: AuditorSources,
  analyzer: AnalyzerRecord,
  zone: ZoneOfTrust & { readonly covered: readonly string[] },
  ref: ResourceRef,
): Promise<{ readonly arn: string; readonly found: readonly AnalyzedFinding[] } | { readonly gone: true }> {
  const loaded = await loadResource(sources, ref);
  if (
    loaded === undefined ||
    !zone.covered.includes(loaded.identity.ownerAccount) ||
    (loaded.region !== undefined && loaded.region !== analyzer.region)
  ) {
    return { gone: true };
  }
  const { identity, policyText } = loaded;
  const read = policyText === undefined ? undefined : readStoredPolicy(policyText);
  if (read && 'error' in read) return { arn: identity.arn, found: [unreadablePolicyFinding(identity, read.error)] };
  const resource: AnalyzedResource = { ...identity, policy: read?.document, ...loaded.extra };
  return {
    arn: identity.arn,
    found: analyzeExternalAccess(resource, zone).map((a) => externalAccessFinding(identity, a)),
  };
}

interface LoadedResource {
  readonly identity: ResourceIdentity;
  /** The resource's Region; undefined for global resources (IAM roles). */
  readonly region: string | undefined;
  readonly policyText: string | undefined;
  readonly extra: Pick<AnalyzedResource, 'acl' | 'blockPublicAccess'>;
}

async function loadResource(sources: AuditorSources, ref: ResourceRef): Promise<LoadedResource | undefined> {
  switch (ref.type) {
    case 'AWS::S3::Bucket': {
      const b = await sources.buckets.getBucket(ref.name);
      return b && { ...(await bucketParts(sources, b)) };
    }
    case 'AWS::IAM::Role': {
      const r = await sources.iam.roles.getByName(ref.accountId, ref.name);
      if (r === undefined) return undefined;
      const arn = `arn:aws:iam::${r.accountId}:role${r.path}${r.roleName}`;
      const identity: ResourceIdentity = {
        resourceType: 'AWS::IAM::Role',
        arn,
        name: r.roleName,
        ownerAccount: r.accountId,
      };
      return { identity, region: undefined, policyText: r.assumeRolePolicyDocument, extra: {} };
    }
    case 'AWS::KMS::Key': {
      const k = (await sources.kms.getKey(ref.keyId))?.record;
      if (k === undefined || k.state === 'PendingDeletion') return undefined;
      const arn = `arn:aws:kms:${k.region}:${k.accountId}:key/${k.keyId}`;
      const identity: ResourceIdentity = {
        resourceType: 'AWS::KMS::Key',
        arn,
        name: k.keyId,
        ownerAccount: k.accountId,
      };
      return { identity, region: k.region, policyText: k.policy, extra: {} };
    }
  }
}

async function bucketParts(sources: AuditorSources, b: BucketRecord): Promise<LoadedResource> {
  const account = (await loadAccountPublicAccessBlock(sources.iam, b.ownerAccountId)).effective;
  const either = (k: keyof PublicAccessBlock) => (b.publicAccessBlock?.[k] ?? false) || (account?.[k] ?? false);
  const identity: ResourceIdentity = {
    resourceType: 'AWS::S3::Bucket',
    arn: `arn:aws:s3:::${b.name}`,
    name: b.name,
    ownerAccount: b.ownerAccountId,
  };
  return {
    identity,
    region: b.region,
    policyText: b.policy?.document,
    extra: {
      // ACLs disabled (BucketOwnerEnforced) grant nothing.
      acl: b.ownership === 'BucketOwnerEnforced' ? undefined : b.acl,
      blockPublicAccess: {
        restrictPublicBuckets: either('restrictPublicBuckets'),
        ignorePublicAcls: either('ignorePublicAcls'),
      },
    },
  };
}

/** Every resource an analyzer covers, in a stable order, for a scan (bounded pages of buckets). */
export async function* resourcesOf(
  sources: AuditorSources,
  analyzer: AnalyzerRecord,
  covered: readonly string[],
): AsyncGenerator<ResourceRef> {
  for (const accountId of covered) {
    for (let after = ''; ;) {
      const page = await sources.buckets.listBuckets({ ownerAccountId: accountId, prefix: '', after, limit: 1000 });
      for (const b of page) if (b.region === analyzer.region) yield { type: 'AWS::S3::Bucket', name: b.name };
      if (page.length < 1000) break;
      after = page[page.length - 1]!.name;
    }
    for (const r of await sources.iam.roles.list(accountId))
      yield { type: 'AWS::IAM::Role', accountId, name: r.roleName };
    for (const keyId of await sources.kms.listKeyIds(accountId, analyzer.region))
      yield { type: 'AWS::KMS::Key', keyId };
  }
}
