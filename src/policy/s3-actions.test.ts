import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { S3_IAM_ACTIONS, S3_OPERATIONS, s3ActionFor } from './s3-actions.js';

const actions = (op: string, options = {}) => s3ActionFor(op, options)?.map((c) => `${c.action}@${c.resource}${c.copySource ? ':source' : ''}${c.perKey ? ':per-key' : ''}`);

describe('s3ActionFor', () => {
  it('maps the non-obvious operations', () => {
    assert.deepEqual(actions('HeadBucket'), ['s3:ListBucket@bucket']);
    assert.deepEqual(actions('ListObjects'), ['s3:ListBucket@bucket']);
    assert.deepEqual(actions('ListObjectsV2'), ['s3:ListBucket@bucket']);
    assert.deepEqual(actions('ListObjectVersions'), ['s3:ListBucketVersions@bucket']);
    assert.deepEqual(actions('HeadObject'), ['s3:GetObject@object']);
    assert.deepEqual(actions('CreateMultipartUpload'), ['s3:PutObject@object']);
    assert.deepEqual(actions('UploadPart'), ['s3:PutObject@object']);
    assert.deepEqual(actions('CompleteMultipartUpload'), ['s3:PutObject@object']);
    assert.deepEqual(actions('AbortMultipartUpload'), ['s3:AbortMultipartUpload@object']);
    assert.deepEqual(actions('ListParts'), ['s3:ListMultipartUploadParts@object']);
    assert.deepEqual(actions('ListMultipartUploads'), ['s3:ListBucketMultipartUploads@bucket']);
    assert.deepEqual(actions('GetBucketCors'), ['s3:GetBucketCORS@bucket']);
    assert.deepEqual(actions('PutBucketCors'), ['s3:PutBucketCORS@bucket']);
    assert.deepEqual(actions('DeleteBucketCors'), ['s3:PutBucketCORS@bucket']);
    assert.deepEqual(actions('DeleteBucketLifecycle'), ['s3:PutLifecycleConfiguration@bucket']);
    assert.deepEqual(actions('DeleteBucketEncryption'), ['s3:PutEncryptionConfiguration@bucket']);
    assert.deepEqual(actions('GetBucketLocation'), ['s3:GetBucketLocation@bucket']);
    assert.deepEqual(actions('ListBuckets'), ['s3:ListAllMyBuckets@none']);
    assert.deepEqual(actions('GetObjectTagging'), ['s3:GetObjectTagging@object']);
    assert.deepEqual(actions('PutObjectTagging'), ['s3:PutObjectTagging@object']);
    assert.deepEqual(actions('DeleteObjectTagging'), ['s3:DeleteObjectTagging@object']);
    assert.deepEqual(actions('GetObjectLockConfiguration'), ['s3:GetBucketObjectLockConfiguration@bucket']);
  });

  it('switches to the *Version action with a versionId', () => {
    assert.deepEqual(actions('GetObject', { versionId: true }), ['s3:GetObjectVersion@object']);
    assert.deepEqual(actions('HeadObject', { versionId: true }), ['s3:GetObjectVersion@object']);
    assert.deepEqual(actions('DeleteObject', { versionId: true }), ['s3:DeleteObjectVersion@object']);
    assert.deepEqual(actions('GetObjectAcl', { versionId: true }), ['s3:GetObjectVersionAcl@object']);
    assert.deepEqual(actions('PutObjectTagging', { versionId: true }), ['s3:PutObjectVersionTagging@object']);
    assert.deepEqual(actions('GetObjectAttributes', { versionId: true }), ['s3:GetObjectVersion@object', 's3:GetObjectVersionAttributes@object']);
    assert.deepEqual(actions('GetObjectRetention', { versionId: true }), ['s3:GetObjectRetention@object']);
  });

  it('declares two checks for copies: read the source, write the target', () => {
    assert.deepEqual(actions('CopyObject'), ['s3:GetObject@object:source', 's3:PutObject@object']);
    assert.deepEqual(actions('UploadPartCopy'), ['s3:GetObject@object:source', 's3:PutObject@object']);
    assert.deepEqual(actions('CopyObject', { versionId: true }), ['s3:GetObjectVersion@object:source', 's3:PutObject@object']);
  });

  it('adds checks for tagging, ACL and object-lock headers on writes', () => {
    assert.deepEqual(actions('PutObject', { tagging: true }), ['s3:PutObject@object', 's3:PutObjectTagging@object']);
    assert.deepEqual(actions('PutObject', { acl: true, objectLockRetention: true, objectLockLegalHold: true }), [
      's3:PutObject@object',
      's3:PutObjectAcl@object',
      's3:PutObjectRetention@object',
      's3:PutObjectLegalHold@object',
    ]);
    assert.deepEqual(actions('CopyObject', { tagging: true }), ['s3:GetObject@object:source', 's3:PutObject@object', 's3:PutObjectTagging@object']);
    assert.deepEqual(actions('CreateMultipartUpload', { tagging: true }), ['s3:PutObject@object', 's3:PutObjectTagging@object']);
    assert.deepEqual(actions('GetObject', { tagging: true }), ['s3:GetObject@object']);
    assert.deepEqual(actions('CreateBucket', { acl: true, objectLockEnabled: true }), [
      's3:CreateBucket@bucket',
      's3:PutBucketAcl@bucket',
      's3:PutBucketObjectLockConfiguration@bucket',
      's3:PutBucketVersioning@bucket',
    ]);
    assert.deepEqual(actions('DeleteObject', { bypassGovernanceRetention: true }), ['s3:DeleteObject@object', 's3:BypassGovernanceRetention@object']);
  });

  it('checks DeleteObjects once per key', () => {
    assert.deepEqual(actions('DeleteObjects'), ['s3:DeleteObject@object:per-key']);
    assert.deepEqual(actions('DeleteObjects', { versionId: true }), ['s3:DeleteObjectVersion@object:per-key']);
  });

  it('knows every operation of the S3 service model used by Strongbox and nothing else', () => {
    assert.equal(s3ActionFor('NoSuchOperation'), undefined);
    for (const [name, entry] of Object.entries(S3_OPERATIONS)) assert.ok(entry.checks.length > 0, name);
  });

  it('lists the IAM actions with their resource kinds for bucket-policy validation', () => {
    assert.equal(S3_IAM_ACTIONS.get('s3:GetObject'), 'object');
    assert.equal(S3_IAM_ACTIONS.get('s3:ListBucket'), 'bucket');
    assert.equal(S3_IAM_ACTIONS.get('s3:ListAllMyBuckets'), 'none');
    assert.equal(S3_IAM_ACTIONS.get('s3:PutObjectTagging'), 'object');
  });
});
