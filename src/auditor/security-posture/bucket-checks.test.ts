import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BLOCK_ALL_PUBLIC_ACCESS, newBucketRecord } from '../../storage/new-bucket.js';
import type { PublicAccessBlock } from '../../storage/ports.js';
import { accountPublicAccessBlockFinding, bucketFindings, effectivePublicAccessBlock } from './bucket-checks.js';

const OWNER = '111122223333';
const bucket = newBucketRecord({ name: 'photos', ownerAccountId: OWNER, region: 'us-east-1', createdAt: new Date(0) });
const OFF: PublicAccessBlock = {
  blockPublicAcls: false,
  ignorePublicAcls: false,
  blockPublicPolicy: false,
  restrictPublicBuckets: false,
};
const types = (b: typeof bucket, account?: PublicAccessBlock) => bucketFindings(b, account).map((f) => f.findingType);

describe('bucket checks', () => {
  it('a new bucket is only unversioned and unlogged (BPA on, SSE-S3 configured)', () => {
    assert.deepEqual(types(bucket), ['BucketNotVersioned', 'BucketNotLogged']);
  });

  it('keys each finding by its check and files it under the bucket owner', () => {
    for (const f of bucketFindings(bucket, undefined)) {
      assert.equal(f.key, f.findingType);
      assert.equal(f.resourceType, 'AWS::S3::Bucket');
      assert.equal(f.resourceOwnerAccount, OWNER);
      assert.match(f.details.fix, /^aws s3api put-bucket-/);
    }
  });

  it('Suspended versioning is not versioning', () => {
    const [f] = bucketFindings({ ...bucket, versioning: 'Suspended' }, undefined);
    assert.equal(f.findingType, 'BucketNotVersioned');
    assert.equal(f.details.versioning, 'Suspended');
  });

  it('no default-encryption configuration of its own is BucketNotEncrypted, LOW', () => {
    const f = bucketFindings({ ...bucket, encryption: undefined }, undefined).find(
      (x) => x.findingType === 'BucketNotEncrypted',
    );
    assert.equal(f?.details.severity, 'LOW');
    assert.equal(f?.details.appliedByDefault, 'AES256');
  });

  it('Block Public Access: the bucket and the account combined, setting by setting', () => {
    const half = { ...OFF, blockPublicPolicy: true, restrictPublicBuckets: true };
    const onlyAcls = { ...OFF, blockPublicAcls: true, ignorePublicAcls: true };
    assert.deepEqual(effectivePublicAccessBlock(half, onlyAcls), BLOCK_ALL_PUBLIC_ACCESS);
    assert.ok(!types({ ...bucket, publicAccessBlock: half }, onlyAcls).includes('BucketPublicAccessBlockOff'));
    const f = bucketFindings({ ...bucket, publicAccessBlock: half }, undefined).find(
      (x) => x.findingType === 'BucketPublicAccessBlockOff',
    );
    assert.deepEqual(f?.details.off, ['BlockPublicAcls', 'IgnorePublicAcls']);
    assert.equal(f?.details.accountPublicAccessBlock, null);
  });

  it('AccountPublicAccessBlockOff when the account is not all on', () => {
    assert.equal(accountPublicAccessBlockFinding(OWNER, BLOCK_ALL_PUBLIC_ACCESS), undefined);
    const f = accountPublicAccessBlockFinding(OWNER, { ...BLOCK_ALL_PUBLIC_ACCESS, ignorePublicAcls: false });
    assert.deepEqual(f?.details.off, ['IgnorePublicAcls']);
    assert.equal(f?.resourceType, 'AWS::::Account');
    assert.match(f!.details.fix, new RegExp(`aws s3control put-public-access-block --account-id ${OWNER}`));
  });
});
