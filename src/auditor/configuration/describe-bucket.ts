/**
 * A bucket, and an account's Block Public Access, as AWS Config describes them: AWS::S3::Bucket with
 * its `supplementaryConfiguration` members (the AWS Config resource schema's names:
 * github.com/awslabs/aws-config-resource-schema, AWS::S3::Bucket.properties.json) and
 * AWS::S3::AccountPublicAccessBlock.
 * https://docs.aws.amazon.com/config/latest/developerguide/resource-config-reference.html
 *
 * A part the bucket does not have (no policy, no lifecycle, logging off) is absent, so adding one is
 * a CREATE and removing it a DELETE in the diff; the parts every bucket has (ACL, versioning state,
 * default encryption) are always there. Deviation from AWS: `BucketPolicy` is the policy document
 * itself, parsed (AWS Config: `{ policyText }` as text), so a diff names the statement that changed;
 * the ACL is an object, not JSON text; values keep S3's API spelling (`FULL_CONTROL`, not `FullControl`).
 */
import { canonicalUserId } from '../../identity/canonical-user.js';
import type { AclGrant, BucketEncryption, BucketRecord, PublicAccessBlock } from '../../storage/ports.js';
import {
  CONFIG_RESOURCE_TYPES,
  type JsonObject,
  type JsonValue,
  type ResourceDescription,
} from './configuration-types.js';
import { iso, policyJson, sortedBy, tagMap, toJson } from './description-parts.js';
import { canonicalJson } from './canonical-json.js';

/** What applies when a bucket has no default encryption configured: SSE-S3 (GetBucketEncryption answers it). */
const DEFAULT_ENCRYPTION: BucketEncryption = {
  sseAlgorithm: 'AES256',
  bucketKeyEnabled: false,
  blockedEncryptionTypes: [],
};

export function describeBucket(b: BucketRecord): ResourceDescription {
  const tags = tagMap(b.tags ?? []);
  return {
    resourceType: CONFIG_RESOURCE_TYPES.bucket,
    resourceId: b.name,
    resourceName: b.name,
    arn: `arn:aws:s3:::${b.name}`,
    awsRegion: b.region,
    accountId: b.ownerAccountId,
    resourceCreationTime: b.createdAt,
    tags,
    configuration: { name: b.name, owner: ownerOf(b.ownerAccountId), creationDate: iso(b.createdAt), region: b.region },
    supplementaryConfiguration: supplementaryOf(b, tags),
  };
}

function supplementaryOf(b: BucketRecord, tags: Readonly<Record<string, string>>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {
    AccessControlList: accessControlList(b),
    BucketVersioningConfiguration: {
      status: b.versioning ?? 'Off',
      isMfaDeleteEnabled: b.versioning === undefined ? null : b.mfaDelete,
    },
    ServerSideEncryptionConfiguration: encryptionOf(b.encryption ?? DEFAULT_ENCRYPTION),
  };
  if (b.policy !== undefined) out.BucketPolicy = policyJson(b.policy.document);
  if (b.ownership !== undefined) out.BucketOwnershipControls = { rules: [{ objectOwnership: b.ownership }] };
  if (b.publicAccessBlock !== undefined) out.PublicAccessBlockConfiguration = publicAccessBlockOf(b.publicAccessBlock);
  if (b.objectLock !== undefined) out.ObjectLockConfiguration = objectLockOf(b.objectLock);
  if (b.lifecycle !== undefined) {
    // Rule order carries no meaning in a lifecycle configuration: by id.
    out.BucketLifecycleConfiguration = toJson({ ...b.lifecycle, rules: sortedBy(b.lifecycle.rules, (r) => r.id) });
  }
  if (b.logging !== undefined) out.BucketLoggingConfiguration = loggingOf(b.logging);
  if (b.website !== undefined) out.BucketWebsiteConfiguration = websiteOf(b.website);
  if (Object.keys(tags).length > 0) out.BucketTaggingConfiguration = { tagSets: [{ tags }] };
  // CORS rules are tried in order (the first match answers): kept as written.
  if (b.cors !== undefined && b.cors.length > 0) out.BucketCrossOriginConfiguration = { rules: toJson(b.cors) };
  // Deviation from AWS (an addition): the bucket's attribute-based access control (PutBucketAbac).
  if (b.abac !== undefined) out.BucketAbacConfiguration = { status: b.abac };
  return out;
}

function ownerOf(accountId: string): JsonObject {
  return { id: canonicalUserId(accountId), displayName: null };
}

/**
 * The ACL in force, as GetBucketAcl answers it: with ACLs disabled (BucketOwnerEnforced) the owner's
 * FULL_CONTROL alone, whatever grants are stored. Grants in a fixed order (their order means nothing).
 */
function accessControlList(b: BucketRecord): JsonObject {
  const owner = canonicalUserId(b.ownerAccountId);
  const ownerOnly: AclGrant[] = [{ grantee: { type: 'CanonicalUser', id: owner }, permission: 'FULL_CONTROL' }];
  const grants = b.ownership !== 'BucketOwnerEnforced' ? (b.acl ?? ownerOnly) : ownerOnly;
  const grantList = grants.map((g): JsonObject => ({
    grantee: g.grantee.type === 'CanonicalUser' ? { id: g.grantee.id } : { uri: g.grantee.uri },
    permission: g.permission,
  }));
  return { owner: ownerOf(b.ownerAccountId), grantList: sortedBy(grantList, canonicalJson) };
}

function encryptionOf(e: BucketEncryption): JsonObject {
  const byDefault: Record<string, JsonValue> = { sseAlgorithm: e.sseAlgorithm };
  if (e.kmsMasterKeyId !== undefined) byDefault.kmsMasterKeyID = e.kmsMasterKeyId;
  const rule: Record<string, JsonValue> = {
    applyServerSideEncryptionByDefault: byDefault,
    bucketKeyEnabled: e.bucketKeyEnabled,
  };
  if (e.blockedEncryptionTypes.length > 0) rule.blockedEncryptionTypes = [...e.blockedEncryptionTypes].sort();
  return { rules: [rule] };
}

function publicAccessBlockOf(p: PublicAccessBlock): JsonObject {
  return {
    blockPublicAcls: p.blockPublicAcls,
    ignorePublicAcls: p.ignorePublicAcls,
    blockPublicPolicy: p.blockPublicPolicy,
    restrictPublicBuckets: p.restrictPublicBuckets,
  };
}

function objectLockOf(o: NonNullable<BucketRecord['objectLock']>): JsonObject {
  const retention = o.defaultRetention;
  return {
    objectLockEnabled: 'Enabled',
    rule: retention === undefined ? null : { defaultRetention: toJson(retention) },
  };
}

function loggingOf(l: NonNullable<BucketRecord['logging']>): JsonObject {
  return {
    destinationBucketName: l.targetBucket,
    logFilePrefix: l.targetPrefix,
    targetGrants: sortedBy(l.targetGrants.map(toJson), canonicalJson),
    targetObjectKeyFormat: l.targetObjectKeyFormat === undefined ? null : toJson(l.targetObjectKeyFormat),
  };
}

function websiteOf(w: NonNullable<BucketRecord['website']>): JsonValue {
  return toJson({
    indexDocumentSuffix: w.indexDocumentSuffix,
    errorDocument: w.errorDocumentKey,
    redirectAllRequestsTo: w.redirectAllRequestsTo,
    // Routing rules apply in order: kept as written.
    routingRules: w.routingRules,
  });
}

/**
 * The account-level Block Public Access in force for the account. AWS Config keys it by the account
 * id and gives it no name. Deviation from AWS: AWS defines no ARN for it; `arn` is empty.
 */
export function describeAccountPublicAccessBlock(
  accountId: string,
  settings: PublicAccessBlock,
  region: string,
): ResourceDescription {
  return {
    resourceType: CONFIG_RESOURCE_TYPES.accountPublicAccessBlock,
    resourceId: accountId,
    resourceName: '',
    arn: '',
    awsRegion: region,
    accountId,
    tags: {},
    configuration: publicAccessBlockOf(settings),
    supplementaryConfiguration: {},
  };
}
