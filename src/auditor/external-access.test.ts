import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACL_GROUPS, type AclGrant } from '../storage/ports.js';
import { analyzeExternalAccess, type AnalyzedResource, type ZoneOfTrust } from './external-access.js';
import type { AnalyzedResourceType } from './resource-actions.js';
import { readStoredPolicy } from './stored-policy.js';

const OWN = '123456789012';
const OTHER = '111122223333';
const BUCKET = 'arn:aws:s3:::photos';
const zone: ZoneOfTrust = {
  accounts: new Set([OWN]),
  accountOfCanonicalUser: (id) => (id === 'c'.repeat(64) ? OTHER : undefined),
};

function resource(
  statements: object[],
  extra: Partial<AnalyzedResource> = {},
  type: AnalyzedResourceType = 'AWS::S3::Bucket',
): AnalyzedResource {
  const read = readStoredPolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
  assert.ok('document' in read);
  return { resourceType: type, arn: BUCKET, ownerAccount: OWN, policy: read.document, ...extra };
}

describe('analyzeExternalAccess', () => {
  it('a public read of the objects is a public finding with the object actions only', () => {
    const [f, ...rest] = analyzeExternalAccess(
      resource([{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 's3:Get*', Resource: `${BUCKET}/*` }]),
      zone,
    );
    assert.equal(rest.length, 0);
    assert.deepEqual(f!.principal, { AWS: '*' });
    assert.equal(f!.isPublic, true);
    assert.ok(f!.action.includes('s3:GetObject'));
    assert.ok(!f!.action.includes('s3:GetBucketPolicy'), 'bucket actions do not apply to bucket/*');
    assert.deepEqual(f!.statements, [{ index: 0, sid: 'Open' }]);
    assert.deepEqual(f!.sources, [{ type: 'POLICY' }]);
  });

  it('RestrictPublicBuckets leaves a public policy no external access', () => {
    const r = resource([{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${BUCKET}/*` }], {
      blockPublicAccess: { restrictPublicBuckets: true, ignorePublicAcls: false },
    });
    assert.deepEqual(analyzeExternalAccess(r, zone), []);
  });

  it('another account is external, the own account is not', () => {
    const r = resource([
      {
        Effect: 'Allow',
        Principal: { AWS: [OTHER, `arn:aws:iam::${OWN}:root`] },
        Action: 's3:ListBucket',
        Resource: BUCKET,
      },
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${OTHER}:root` },
        Action: 's3:GetObject',
        Resource: `${BUCKET}/*`,
      },
    ]);
    const found = analyzeExternalAccess(r, zone);
    // An account and its root ARN are the same principal: one finding.
    assert.deepEqual(
      found.map((f) => [f.principal, f.action, f.isPublic]),
      [[{ AWS: OTHER }, ['s3:GetObject', 's3:ListBucket'], false]],
    );
  });

  it('a Deny of the same policy takes its actions away', () => {
    const r = resource([
      { Effect: 'Allow', Principal: { AWS: OTHER }, Action: ['s3:GetObject', 's3:PutObject'], Resource: `${BUCKET}/*` },
      { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `${BUCKET}/*` },
    ]);
    assert.deepEqual(
      analyzeExternalAccess(r, zone).map((f) => f.action),
      [['s3:GetObject']],
    );
  });

  it('a condition pinning the organization is inside an organization zone only', () => {
    const st = {
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: `${BUCKET}/*`,
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } },
    };
    assert.deepEqual(analyzeExternalAccess(resource([st]), { ...zone, organizationId: 'o-abc' }), []);
    const [f] = analyzeExternalAccess(resource([st]), zone);
    assert.deepEqual(f!.condition, { 'aws:PrincipalOrgID': 'o-abc' });
    assert.equal(f!.isPublic, false);
  });

  it('a source-IP condition keeps the finding, not public, with its condition', () => {
    const st = {
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: `${BUCKET}/*`,
      Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/16' } },
    };
    const [f] = analyzeExternalAccess(resource([st]), zone);
    assert.equal(f!.isPublic, false);
    assert.deepEqual(f!.condition, { 'aws:SourceIp': '10.0.0.0/16' });
  });

  it('service principals are not external', () => {
    const st = {
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${BUCKET}/*`,
    };
    assert.deepEqual(analyzeExternalAccess(resource([st]), zone), []);
  });

  it('public ACL grants are findings unless IgnorePublicAcls; grants to other accounts always', () => {
    const acl: AclGrant[] = [
      { grantee: { type: 'Group', uri: ACL_GROUPS.AllUsers }, permission: 'READ' },
      { grantee: { type: 'CanonicalUser', id: 'c'.repeat(64) }, permission: 'WRITE' },
      { grantee: { type: 'Group', uri: ACL_GROUPS.LogDelivery }, permission: 'WRITE' },
    ];
    const r: AnalyzedResource = {
      resourceType: 'AWS::S3::Bucket',
      arn: BUCKET,
      ownerAccount: OWN,
      policy: undefined,
      acl,
    };
    assert.deepEqual(
      analyzeExternalAccess(r, zone).map((f) => [f.principal, f.isPublic, f.action, f.sources]),
      [
        [
          { AWS: '*' },
          true,
          ['s3:ListBucket', 's3:ListBucketMultipartUploads', 's3:ListBucketVersions'],
          [{ type: 'BUCKET_ACL' }],
        ],
        [
          { AWS: OTHER },
          false,
          ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObject'],
          [{ type: 'BUCKET_ACL' }],
        ],
      ],
    );
    const ignored = analyzeExternalAccess(
      { ...r, blockPublicAccess: { restrictPublicBuckets: false, ignorePublicAcls: true } },
      zone,
    );
    assert.deepEqual(
      ignored.map((f) => f.principal),
      [{ AWS: OTHER }],
    );
  });

  it("a role's trust policy: other accounts and identity providers are external", () => {
    const role = resource(
      [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: 'sts:AssumeRole' },
        { Effect: 'Allow', Principal: { Federated: 'accounts.google.com' }, Action: 'sts:AssumeRoleWithWebIdentity' },
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OWN}:user/alice` }, Action: 'sts:AssumeRole' },
      ],
      { arn: `arn:aws:iam::${OWN}:role/deploy` },
      'AWS::IAM::Role',
    );
    assert.deepEqual(
      analyzeExternalAccess(role, zone).map((f) => [f.principal, f.action]),
      [
        [{ AWS: OTHER }, ['sts:AssumeRole']],
        [{ Federated: 'accounts.google.com' }, ['sts:AssumeRoleWithWebIdentity']],
      ],
    );
  });

  it('a key policy that trusts only the own account has no finding; kms:CallerAccount pins', () => {
    const key = (statements: object[]) =>
      resource(statements, { arn: `arn:aws:kms:us-east-1:${OWN}:key/k` }, 'AWS::KMS::Key');
    assert.deepEqual(
      analyzeExternalAccess(
        key([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OWN}:root` }, Action: 'kms:*', Resource: '*' }]),
        zone,
      ),
      [],
    );
    const pinned = {
      Effect: 'Allow',
      Principal: '*',
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'kms:CallerAccount': OWN } },
    };
    assert.deepEqual(analyzeExternalAccess(key([pinned]), zone), []);
    const open = analyzeExternalAccess(
      key([{ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' }]),
      zone,
    );
    assert.deepEqual(
      open.map((f) => [f.principal, f.action, f.isPublic]),
      [[{ AWS: '*' }, ['kms:Decrypt'], true]],
    );
  });

  it('statements granting the same principal are one finding', () => {
    const r = resource([
      { Sid: 'A', Effect: 'Allow', Principal: { AWS: OTHER }, Action: 's3:GetObject', Resource: `${BUCKET}/*` },
      { Sid: 'B', Effect: 'Allow', Principal: { AWS: OTHER }, Action: 's3:ListBucket', Resource: BUCKET },
    ]);
    const found = analyzeExternalAccess(r, zone);
    assert.equal(found.length, 1);
    assert.deepEqual(found[0]!.action, ['s3:GetObject', 's3:ListBucket']);
    assert.deepEqual(found[0]!.statements, [
      { index: 0, sid: 'A' },
      { index: 1, sid: 'B' },
    ]);
  });
});
