/**
 * Describing buckets from the real bucket store (embedded SQLite storage in a temporary directory):
 * every part issue #18 lists, and the diffs of the changes the S3 API makes to them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { canonicalUserId } from '../../identity/canonical-user.js';
import { openEmbeddedStorage, type EmbeddedStorage } from '../../storage/embedded.js';
import { newBucketRecord } from '../../storage/new-bucket.js';
import type { BucketConfigChange } from '../../storage/ports.js';
import { diffConfiguration, type ConfigurationChange } from './configuration-diff.js';
import { CONFIG_RESOURCE_TYPES as T, type ResourceDescription, type ResourceRef } from './configuration-types.js';
import { describeResource, type DescribeResourceDeps } from './describe-resource.js';

const OWNER = '111122223333';
const REF: ResourceRef = { resourceType: T.bucket, accountId: OWNER, name: 'photos' };
const bucketPolicy = (principal: unknown) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Deny',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: 'arn:aws:s3:::photos/*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'Share',
        Effect: 'Allow',
        Principal: principal,
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::photos/*',
      },
    ],
  });

describe('S3 buckets: describe, change, describe, diff', () => {
  let dir = '';
  let storage: EmbeddedStorage;
  let deps: DescribeResourceDeps;
  let last: ResourceDescription | undefined;

  /** Applies a change as the S3 API's handlers do, and returns the diff from the previous description. */
  const change = async (c: BucketConfigChange): Promise<ConfigurationChange[]> => {
    assert.ok(await storage.buckets.updateBucketConfig('photos', c));
    const now = await describeResource(deps, REF);
    const diff = diffConfiguration(last, now);
    last = now;
    return diff;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strongbox-config-history-'));
    storage = await openEmbeddedStorage({ dataDir: dir });
    deps = {
      buckets: storage.buckets,
      iam: {} as DescribeResourceDeps['iam'], // buckets only
      kmsKey: async () => undefined,
      accountPublicAccessBlock: async () => undefined,
    };
  });
  after(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("describes a new bucket with today's defaults", async () => {
    const createdAt = new Date('2026-02-01T10:00:00Z');
    await storage.buckets.createBucket(
      newBucketRecord({ name: 'photos', ownerAccountId: OWNER, region: 'eu-west-1', createdAt }),
    );
    last = await describeResource(deps, REF);
    assert.deepEqual(last, {
      resourceType: 'AWS::S3::Bucket',
      resourceId: 'photos',
      resourceName: 'photos',
      arn: 'arn:aws:s3:::photos',
      awsRegion: 'eu-west-1',
      accountId: OWNER,
      resourceCreationTime: createdAt,
      tags: {},
      configuration: {
        name: 'photos',
        owner: { id: canonicalUserId(OWNER), displayName: null },
        creationDate: '2026-02-01T10:00:00.000Z',
        region: 'eu-west-1',
      },
      supplementaryConfiguration: {
        AccessControlList: {
          owner: { id: canonicalUserId(OWNER), displayName: null },
          grantList: [{ grantee: { id: canonicalUserId(OWNER) }, permission: 'FULL_CONTROL' }],
        },
        BucketVersioningConfiguration: { status: 'Off', isMfaDeleteEnabled: null },
        ServerSideEncryptionConfiguration: {
          rules: [
            {
              applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' },
              bucketKeyEnabled: false,
              blockedEncryptionTypes: ['SSE-C'],
            },
          ],
        },
        BucketOwnershipControls: { rules: [{ objectOwnership: 'BucketOwnerEnforced' }] },
        PublicAccessBlockConfiguration: {
          blockPublicAcls: true,
          ignorePublicAcls: true,
          blockPublicPolicy: true,
          restrictPublicBuckets: true,
        },
      },
    });
    // Another account's view of the name: not its bucket.
    assert.equal(await describeResource(deps, { ...REF, accountId: '444455556666' }), undefined);
  });

  it('shows a bucket policy added as a CREATE and a widened principal as an UPDATE of that statement', async () => {
    const added = await change({ policy: bucketPolicy({ AWS: 'arn:aws:iam::444455556666:root' }) });
    assert.deepEqual(
      added.map((c) => [c.path, c.changeType]),
      [['supplementaryConfiguration.BucketPolicy', 'CREATE']],
    );
    assert.deepEqual(await change({ policy: bucketPolicy('*') }), [
      {
        path: 'supplementaryConfiguration.BucketPolicy.Statement[Sid=Share].Principal',
        changeType: 'UPDATE',
        previousValue: { AWS: 'arn:aws:iam::444455556666:root' },
        updatedValue: '*',
      },
    ]);
    const removed = await change({ policy: null });
    assert.deepEqual(
      removed.map((c) => [c.path, c.changeType]),
      [['supplementaryConfiguration.BucketPolicy', 'DELETE']],
    );
  });

  it('records Block Public Access, ownership, ACL, versioning and encryption changes by path', async () => {
    const pab = await change({
      publicAccessBlock: null,
      ownership: 'BucketOwnerPreferred',
      acl: [
        { grantee: { type: 'CanonicalUser', id: canonicalUserId(OWNER) }, permission: 'FULL_CONTROL' },
        { grantee: { type: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AllUsers' }, permission: 'READ' },
      ],
    });
    assert.deepEqual(
      pab.map((c) => [c.path, c.changeType]),
      [
        ['supplementaryConfiguration.AccessControlList.grantList[1]', 'CREATE'],
        ['supplementaryConfiguration.BucketOwnershipControls.rules[0].objectOwnership', 'UPDATE'],
        ['supplementaryConfiguration.PublicAccessBlockConfiguration', 'DELETE'],
      ],
    );
    assert.deepEqual(pab[0]!.updatedValue, {
      grantee: { uri: 'http://acs.amazonaws.com/groups/global/AllUsers' },
      permission: 'READ',
    });
    const versioning = await change({ versioning: 'Enabled' });
    assert.deepEqual(
      versioning.map((c) => [c.path, c.previousValue, c.updatedValue]),
      [
        ['supplementaryConfiguration.BucketVersioningConfiguration.status', 'Off', 'Enabled'],
        ['supplementaryConfiguration.BucketVersioningConfiguration.isMfaDeleteEnabled', null, false],
      ],
    );
    const kms = await change({
      encryption: {
        sseAlgorithm: 'aws:kms',
        kmsMasterKeyId: 'key-1',
        bucketKeyEnabled: true,
        blockedEncryptionTypes: [],
      },
    });
    const rule = 'supplementaryConfiguration.ServerSideEncryptionConfiguration.rules[0]';
    assert.deepEqual(kms.map((c) => c.path).sort(), [
      `${rule}.applyServerSideEncryptionByDefault.kmsMasterKeyID`,
      `${rule}.applyServerSideEncryptionByDefault.sseAlgorithm`,
      `${rule}.blockedEncryptionTypes`,
      `${rule}.bucketKeyEnabled`,
    ]);
  });

  it('records tags, lifecycle, logging, website and object lock as parts that appear and go', async () => {
    const tagged = await change({
      tags: [
        ['team', 'red'],
        ['env', 'prod'],
      ],
    });
    assert.deepEqual(
      tagged.map((c) => c.path),
      ['tags.env', 'tags.team', 'supplementaryConfiguration.BucketTaggingConfiguration'],
    );
    assert.deepEqual(last?.tags, { env: 'prod', team: 'red' });
    const lifecycle = await change({
      lifecycle: {
        rules: [
          {
            id: 'expire',
            status: 'Enabled',
            filter: { form: 'Prefix', prefix: 'tmp/' },
            expiration: { days: 7 },
            transitions: [],
            noncurrentVersionTransitions: [],
          },
        ],
      },
      logging: { targetBucket: 'logs', targetPrefix: 'photos/', targetGrants: [] },
      website: { indexDocumentSuffix: 'index.html' },
      objectLock: { enabled: true, defaultRetention: { mode: 'GOVERNANCE', days: 30 } },
    });
    assert.deepEqual(
      lifecycle.map((c) => [c.path, c.changeType]),
      [
        ['supplementaryConfiguration.ObjectLockConfiguration', 'CREATE'],
        ['supplementaryConfiguration.BucketLifecycleConfiguration', 'CREATE'],
        ['supplementaryConfiguration.BucketLoggingConfiguration', 'CREATE'],
        ['supplementaryConfiguration.BucketWebsiteConfiguration', 'CREATE'],
      ],
    );
    assert.deepEqual(last?.supplementaryConfiguration.ObjectLockConfiguration, {
      objectLockEnabled: 'Enabled',
      rule: { defaultRetention: { mode: 'GOVERNANCE', days: 30 } },
    });
    const off = await change({ logging: null, lifecycle: null });
    assert.deepEqual(
      off.map((c) => [c.path, c.changeType]),
      [
        ['supplementaryConfiguration.BucketLifecycleConfiguration', 'DELETE'],
        ['supplementaryConfiguration.BucketLoggingConfiguration', 'DELETE'],
      ],
    );
  });

  it('describes a deleted bucket as absent', async () => {
    assert.equal((await storage.buckets.deleteBucket('photos')).outcome, 'Deleted');
    assert.equal(await describeResource(deps, REF), undefined);
    const gone = diffConfiguration(last, undefined);
    assert.ok(gone.some((c) => c.path === 'supplementaryConfiguration' && c.changeType === 'DELETE'));
  });
});
