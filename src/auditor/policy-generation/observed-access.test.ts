import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { S3_OPERATIONS, s3ActionFor } from '../../policy/s3-actions.js';
import type { ObservedAccess } from './event-resources.js';
import { exercisedPermission, observedAccesses, servicePrefixOf } from './observed-access.js';
import { copySource } from './s3-observed-access.js';
import { ACCT, ctEvent, resource, s3Event } from './policy-generation-test-support.js';

const pairs = (a: readonly ObservedAccess[]) => a.map((x) => `${x.action} ${x.resource}`).sort();
const obj = (bucket: string, key: string) => resource(`arn:aws:s3:::${bucket}/${key}`, 'AWS::S3::Object');
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCT}:key/k1`;

describe('observed accesses of S3 events', { timeout: 10_000 }, () => {
  it('maps object reads and writes to their actions on the object ARN', () => {
    assert.deepEqual(pairs(observedAccesses(s3Event('GetObject', { bucket: 'b', key: 'k' }))), [
      's3:GetObject arn:aws:s3:::b/k',
    ]);
    assert.deepEqual(pairs(observedAccesses(s3Event('HeadObject', { bucket: 'b', key: 'a/k' }))), [
      's3:GetObject arn:aws:s3:::b/a/k',
    ]);
    assert.deepEqual(pairs(observedAccesses(s3Event('PutObject', { bucket: 'b', key: 'k' }))), [
      's3:PutObject arn:aws:s3:::b/k',
    ]);
    assert.deepEqual(pairs(observedAccesses(s3Event('DeleteObject', { bucket: 'b', key: 'k' }))), [
      's3:DeleteObject arn:aws:s3:::b/k',
    ]);
  });

  it('switches to the *Version actions when the event names a version', () => {
    const get = s3Event('GetObject', { bucket: 'b', key: 'k', params: { versionId: 'v1' } });
    assert.deepEqual(pairs(observedAccesses(get)), ['s3:GetObjectVersion arn:aws:s3:::b/k']);
    const del = s3Event('DeleteObject', { bucket: 'b', key: 'k', params: { versionId: 'v1' } });
    assert.deepEqual(pairs(observedAccesses(del)), ['s3:DeleteObjectVersion arn:aws:s3:::b/k']);
  });

  it('lists and HeadBucket need s3:ListBucket on the bucket; ListBuckets needs s3:ListAllMyBuckets on *', () => {
    for (const op of ['ListObjects', 'ListObjectsV2', 'HeadBucket']) {
      assert.deepEqual(
        pairs(observedAccesses(s3Event(op, { bucket: 'b', params: { prefix: 'a/' } }))),
        ['s3:ListBucket arn:aws:s3:::b'],
        op,
      );
    }
    assert.deepEqual(pairs(observedAccesses(s3Event('ListObjectVersions', { bucket: 'b' }))), [
      's3:ListBucketVersions arn:aws:s3:::b',
    ]);
    assert.deepEqual(pairs(observedAccesses(s3Event('ListBuckets'))), ['s3:ListAllMyBuckets *']);
  });

  it('CopyObject: s3:PutObject on the target, s3:GetObject on the source (from resources or x-amz-copy-source)', () => {
    const fromResources = s3Event('CopyObject', {
      bucket: 'dst',
      key: 'to',
      resources: [obj('src', 'from'), obj('dst', 'to')],
    });
    assert.deepEqual(pairs(observedAccesses(fromResources)), [
      's3:GetObject arn:aws:s3:::src/from',
      's3:PutObject arn:aws:s3:::dst/to',
    ]);
    const inPlace = s3Event('CopyObject', { bucket: 'b', key: 'k', resources: [obj('b', 'k')] });
    assert.deepEqual(pairs(observedAccesses(inPlace)), [
      's3:GetObject arn:aws:s3:::b/k',
      's3:PutObject arn:aws:s3:::b/k',
    ]);
    const header = s3Event('CopyObject', {
      bucket: 'dst',
      key: 'to',
      params: { 'x-amz-copy-source': '/src/a%20b?versionId=v9' },
    });
    assert.deepEqual(pairs(observedAccesses(header)), [
      's3:GetObjectVersion arn:aws:s3:::src/a b',
      's3:PutObject arn:aws:s3:::dst/to',
    ]);
    assert.deepEqual(copySource(s3Event('CopyObject', { params: { 'x-amz-copy-source': 'src/k' } })), {
      bucket: 'src',
      key: 'k',
    });
    assert.equal(copySource(s3Event('CopyObject', { params: { 'x-amz-copy-source': 'nokey' } })), undefined);
  });

  it('multipart uploads need s3:PutObject; abort and part listing their own actions', () => {
    const params = { uploadId: 'u1' };
    for (const op of ['CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload']) {
      assert.deepEqual(
        pairs(observedAccesses(s3Event(op, { bucket: 'b', key: 'k', params }))),
        ['s3:PutObject arn:aws:s3:::b/k'],
        op,
      );
    }
    assert.deepEqual(pairs(observedAccesses(s3Event('AbortMultipartUpload', { bucket: 'b', key: 'k', params }))), [
      's3:AbortMultipartUpload arn:aws:s3:::b/k',
    ]);
    assert.deepEqual(pairs(observedAccesses(s3Event('ListParts', { bucket: 'b', key: 'k', params }))), [
      's3:ListMultipartUploadParts arn:aws:s3:::b/k',
    ]);
    assert.deepEqual(pairs(observedAccesses(s3Event('ListMultipartUploads', { bucket: 'b' }))), [
      's3:ListBucketMultipartUploads arn:aws:s3:::b',
    ]);
  });

  it('DeleteObjects: s3:DeleteObject on every key the event names', () => {
    const e = s3Event('DeleteObjects', {
      bucket: 'b',
      params: { delete: '' },
      resources: [obj('b', 'x'), obj('b', 'y')],
    });
    assert.deepEqual(pairs(observedAccesses(e)), [
      's3:DeleteObject arn:aws:s3:::b/x',
      's3:DeleteObject arn:aws:s3:::b/y',
    ]);
  });

  it('headers the event records add their checks (tagging, ACL, object lock)', () => {
    const e = s3Event('PutObject', {
      bucket: 'b',
      key: 'k',
      params: { 'x-amz-tagging': 'a=b', 'x-amz-grant-read': 'id=x' },
    });
    assert.deepEqual(pairs(observedAccesses(e)), [
      's3:PutObject arn:aws:s3:::b/k',
      's3:PutObjectAcl arn:aws:s3:::b/k',
      's3:PutObjectTagging arn:aws:s3:::b/k',
    ]);
  });

  it('bucket configuration: the bucket action; S3 Control (no bucketName): the account action', () => {
    assert.deepEqual(
      pairs(observedAccesses(s3Event('PutPublicAccessBlock', { bucket: 'b', params: { publicAccessBlock: '' } }))),
      ['s3:PutBucketPublicAccessBlock arn:aws:s3:::b'],
    );
    assert.deepEqual(pairs(observedAccesses(s3Event('DeleteBucketCors', { bucket: 'b' }))), [
      's3:PutBucketCORS arn:aws:s3:::b',
    ]);
    assert.deepEqual(pairs(observedAccesses(s3Event('DeletePublicAccessBlock'))), ['s3:PutAccountPublicAccessBlock *']);
    assert.deepEqual(pairs(observedAccesses(s3Event('GetPublicAccessBlock'))), ['s3:GetAccountPublicAccessBlock *']);
    const tag = s3Event('TagResource', { resources: [resource('arn:aws:s3:::b', 'AWS::S3::Bucket')] });
    assert.deepEqual(pairs(observedAccesses(tag)), ['s3:TagResource arn:aws:s3:::b']);
  });

  it('SSE-KMS keys among the resources: kms:GenerateDataKey for writes, kms:Decrypt for reads', () => {
    const key = resource(KEY_ARN, 'AWS::KMS::Key');
    const put = s3Event('PutObject', { bucket: 'b', key: 'k', resources: [obj('b', 'k'), key] });
    assert.deepEqual(pairs(observedAccesses(put)), [`kms:GenerateDataKey ${KEY_ARN}`, 's3:PutObject arn:aws:s3:::b/k']);
    const get = s3Event('GetObject', { bucket: 'b', key: 'k', resources: [obj('b', 'k'), key] });
    assert.deepEqual(pairs(observedAccesses(get)), [`kms:Decrypt ${KEY_ARN}`, 's3:GetObject arn:aws:s3:::b/k']);
    const mpu = s3Event('CreateMultipartUpload', { bucket: 'b', key: 'k', resources: [obj('b', 'k'), key] });
    assert.deepEqual(pairs(observedAccesses(mpu)), [
      `kms:Decrypt ${KEY_ARN}`,
      `kms:GenerateDataKey ${KEY_ARN}`,
      's3:PutObject arn:aws:s3:::b/k',
    ]);
  });

  it('derives every operation of the policy engine table (s3ActionFor) rather than a copy of it', () => {
    for (const op of Object.keys(S3_OPERATIONS)) {
      const e = s3Event(op, { bucket: 'b', key: 'k', resources: [obj('b', 'k')] });
      const expected = new Set((s3ActionFor(op) ?? []).map((c) => c.action));
      assert.deepEqual(new Set(observedAccesses(e).map((a) => a.action)), expected, op);
    }
    assert.deepEqual(observedAccesses(s3Event('NoSuchOperation', { bucket: 'b' })), []);
    assert.deepEqual(pairs(observedAccesses(s3Event('PostObject', { bucket: 'b', resources: [obj('b', 'up')] }))), [
      's3:PutObject arn:aws:s3:::b/up',
    ]);
  });
});

describe('observed accesses of IAM, STS, KMS and other events', { timeout: 10_000 }, () => {
  const role = `arn:aws:iam::${ACCT}:role/app`;

  it('is <service prefix>:<eventName> on the event resources, or * when it names none', () => {
    const user = `arn:aws:iam::${ACCT}:user/bob`;
    assert.deepEqual(pairs(observedAccesses(ctEvent({ resources: [resource(user, 'AWS::IAM::User')] }))), [
      `iam:CreateUser ${user}`,
    ]);
    assert.deepEqual(pairs(observedAccesses(ctEvent({ eventName: 'GetAccountAuthorizationDetails' }))), [
      'iam:GetAccountAuthorizationDetails *',
    ]);
    const trail = ctEvent({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'LookupEvents' });
    assert.deepEqual(pairs(observedAccesses(trail)), ['cloudtrail:LookupEvents *']);
    const aa = ctEvent({ eventSource: 'access-analyzer.amazonaws.com', eventName: 'ValidatePolicy' });
    assert.deepEqual(pairs(observedAccesses(aa)), ['access-analyzer:ValidatePolicy *']);
    const encrypt = ctEvent({
      eventSource: 'kms.amazonaws.com',
      eventName: 'Encrypt',
      resources: [resource(KEY_ARN, 'AWS::KMS::Key')],
    });
    assert.deepEqual(pairs(observedAccesses(encrypt)), [`kms:Encrypt ${KEY_ARN}`]);
  });

  it('sts:AssumeRole adds sts:TagSession and sts:SetSourceIdentity when the request carried them', () => {
    const base = {
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRole',
      resources: [resource(role, 'AWS::IAM::Role')],
    };
    assert.deepEqual(pairs(observedAccesses(ctEvent({ ...base, requestParameters: { roleArn: role } }))), [
      `sts:AssumeRole ${role}`,
    ]);
    const tagged = ctEvent({
      ...base,
      requestParameters: { roleArn: role, tags: [{ key: 'k', value: 'v' }], sourceIdentity: 'me' },
    });
    assert.deepEqual(pairs(observedAccesses(tagged)), [
      `sts:AssumeRole ${role}`,
      `sts:SetSourceIdentity ${role}`,
      `sts:TagSession ${role}`,
    ]);
    assert.deepEqual(
      observedAccesses(ctEvent({ eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity' })),
      [],
    );
    assert.deepEqual(observedAccesses(ctEvent({ eventSource: 'sts.amazonaws.com', eventName: 'GetSessionToken' })), []);
  });

  it('iam:AddRoleToInstanceProfile needs iam:PassRole on the role', () => {
    const profile = `arn:aws:iam::${ACCT}:instance-profile/p`;
    const e = ctEvent({
      eventName: 'AddRoleToInstanceProfile',
      resources: [resource(profile, 'AWS::IAM::InstanceProfile'), resource(role, 'AWS::IAM::Role')],
    });
    assert.deepEqual(pairs(observedAccesses(e)), [`iam:AddRoleToInstanceProfile ${profile}`, `iam:PassRole ${role}`]);
  });

  it('kms:ReEncrypt: ReEncryptFrom on the source key, ReEncryptTo on the destination; CreateKey with tags', () => {
    const k2 = `arn:aws:kms:us-east-1:${ACCT}:key/k2`;
    const keys = [resource(KEY_ARN, 'AWS::KMS::Key'), resource(k2, 'AWS::KMS::Key')];
    const e = ctEvent({ eventSource: 'kms.amazonaws.com', eventName: 'ReEncrypt', resources: keys });
    assert.deepEqual(pairs(observedAccesses(e)), [`kms:ReEncryptFrom ${KEY_ARN}`, `kms:ReEncryptTo ${k2}`]);
    const create = ctEvent({
      eventSource: 'kms.amazonaws.com',
      eventName: 'CreateKey',
      requestParameters: { tags: [{ tagKey: 'a', tagValue: 'b' }] },
    });
    assert.deepEqual(pairs(observedAccesses(create)), ['kms:CreateKey *', 'kms:TagResource *']);
  });

  it('refused and unauthenticated requests add nothing; other errors still show the permission was used', () => {
    assert.deepEqual(observedAccesses(s3Event('GetObject', { bucket: 'b', key: 'k', errorCode: 'AccessDenied' })), []);
    assert.deepEqual(
      observedAccesses(
        ctEvent({ eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', errorCode: 'AccessDeniedException' }),
      ),
      [],
    );
    assert.deepEqual(pairs(observedAccesses(s3Event('GetObject', { bucket: 'b', key: 'k', errorCode: 'NoSuchKey' }))), [
      's3:GetObject arn:aws:s3:::b/k',
    ]);
    assert.equal(exercisedPermission({ errorCode: 'SignatureDoesNotMatch' }), false);
    assert.equal(exercisedPermission({}), true);
  });

  it('knows event sources by their amazonaws.com names only', () => {
    assert.equal(servicePrefixOf('access-analyzer.amazonaws.com'), 'access-analyzer');
    assert.equal(servicePrefixOf('example.com'), undefined);
    assert.deepEqual(observedAccesses(ctEvent({ eventSource: 'signin.example.com' })), []);
  });
});
