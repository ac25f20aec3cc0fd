import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceError } from '../errors/service-error.js';
import { checkAccessNotGranted, checkNoPublicAccess, type AccessCheckPolicyType } from './policy-checks.js';

/** CheckAccessNotGranted and CheckNoPublicAccess (CheckNoNewAccess: policy-checks.test.ts). */

type Statement = Record<string, unknown>;
type Access = { actions?: string[]; resources?: string[] };

function policy(...statements: Statement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function allow(action: string | string[], resource: string | string[] = '*', extra: Statement = {}): Statement {
  return { Effect: 'Allow', Action: action, Resource: resource, ...extra };
}

function deny(action: string | string[], resource: string | string[] = '*', extra: Statement = {}): Statement {
  return { Effect: 'Deny', Action: action, Resource: resource, ...extra };
}

function isError(code: string): (e: unknown) => boolean {
  return (e) => e instanceof ServiceError && e.code === code && e.status === 400;
}

describe('checkAccessNotGranted', () => {
  const run = (doc: string, access: Access[], policyType: AccessCheckPolicyType = 'IDENTITY_POLICY') =>
    checkAccessNotGranted({ policyDocument: doc, access, policyType });
  const result = (doc: string, access: Access[], policyType?: AccessCheckPolicyType) =>
    run(doc, access, policyType).result;
  const putBucketPolicy = [{ actions: ['s3:PutBucketPolicy'] }];

  it('the AWS CLI example passes, with AWS texts', () => {
    const doc = policy(allow(['s3:GetObject', 's3:ListBucket'], ['arn:aws:s3:::b', 'arn:aws:s3:::b/*']));
    assert.deepEqual(run(doc, [{ actions: ['s3:DeleteBucket', 's3:GetBucketLocation'] }]), {
      result: 'PASS',
      message: 'The policy document does not grant access to perform the listed actions or resources.',
      reasons: [],
    });
  });

  it('the SDK examples: a restrictive and a permissive bucket policy', () => {
    const johnDoe = { Sid: 'AllowJohnDoe', Principal: { AWS: 'arn:aws:iam::123456789012:user/JohnDoe' } };
    const grant = (resource: string) => policy(allow('s3:PutObject', resource, johnDoe));
    const sensitive = [{ resources: ['arn:aws:s3:::sensitive-bucket/*'] }];
    assert.equal(result(grant('arn:aws:s3:::non-sensitive-bucket/*'), sensitive, 'RESOURCE_POLICY'), 'PASS');
    const description = 'One or more of the listed actions or resources in the statement with sid: AllowJohnDoe.';
    const myBucket = [{ resources: ['arn:aws:s3:::my-bucket/*'] }];
    assert.deepEqual(run(grant('arn:aws:s3:::my-bucket/*'), myBucket, 'RESOURCE_POLICY'), {
      result: 'FAIL',
      message: 'The policy document grants access to perform one or more of the listed actions or resources.',
      reasons: [{ description, statementIndex: 0, statementId: 'AllowJohnDoe' }],
    });
  });

  it('wildcards, NotAction and conditions grant the listed action', () => {
    assert.equal(result(policy(allow('s3:*')), putBucketPolicy), 'FAIL');
    assert.equal(result(policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), putBucketPolicy), 'FAIL');
    const mfa = { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } };
    assert.equal(result(policy(allow('s3:PutBucketPolicy', '*', mfa)), putBucketPolicy), 'FAIL');
    assert.equal(result(policy({ Effect: 'Allow', NotAction: 's3:*', Resource: '*' }), putBucketPolicy), 'PASS');
  });

  it('actions and resources together must meet in one statement', () => {
    const doc = policy(allow('s3:GetObject', 'arn:aws:s3:::secret/*'), allow('s3:PutObject', 'arn:aws:s3:::public/*'));
    assert.equal(result(doc, [{ actions: ['s3:PutObject'], resources: ['arn:aws:s3:::secret/*'] }]), 'PASS');
    const r = run(doc, [{ actions: ['s3:PutObject'], resources: ['arn:aws:s3:::public/a'] }]);
    assert.deepEqual(
      r.reasons.map((x) => x.statementIndex),
      [1],
    );
  });

  it('a Deny of the same policy that always applies makes it PASS; a conditional or narrower one does not', () => {
    const listed = [{ actions: ['s3:DeleteBucket'] }];
    assert.equal(result(policy(allow('s3:*'), deny('s3:Delete*')), listed), 'PASS');
    const plainHttp = { Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    assert.equal(result(policy(allow('s3:*'), deny('s3:Delete*', '*', plainHttp)), listed), 'FAIL');
    assert.equal(result(policy(allow('s3:*'), deny('s3:DeleteBucket', 'arn:aws:s3:::b')), listed), 'FAIL');
  });

  it('a variable could be anything', () => {
    const doc = policy(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*'));
    assert.equal(result(doc, [{ resources: ['arn:aws:s3:::home/admin/secret'] }]), 'FAIL');
    assert.equal(result(doc, [{ resources: ['arn:aws:s3:::other/admin/secret'] }]), 'PASS');
  });

  it('an empty access list passes; an access with nothing listed, or an invalid document, is refused', () => {
    assert.equal(result(policy(allow('*')), []), 'PASS');
    assert.throws(() => run(policy(allow('*')), [{}]), isError('InvalidParameterException'));
    const noPrincipal = () => run(policy(allow('s3:*')), putBucketPolicy, 'RESOURCE_POLICY');
    assert.throws(noPrincipal, isError('InvalidParameterException'));
  });
});

describe('checkNoPublicAccess', () => {
  const run = (doc: string, resourceType = 'AWS::S3::Bucket') =>
    checkNoPublicAccess({ policyDocument: doc, resourceType });
  const result = (doc: string, resourceType?: string) => run(doc, resourceType).result;
  const grant = (principal: unknown, extra: Statement = {}) =>
    policy({ Sid: 'Bob', Effect: 'Allow', Principal: principal, Action: ['s3:GetObject'], ...extra });

  it('the SDK examples, with AWS texts', () => {
    assert.deepEqual(run(grant({ AWS: 'arn:aws:iam::111122223333:user/JohnDoe' })), {
      result: 'PASS',
      message: 'The resource policy does not grant public access for the given resource type.',
      reasons: [],
    });
    assert.deepEqual(run(grant('*')), {
      result: 'FAIL',
      message: 'The resource policy grants public access for the given resource type.',
      reasons: [
        {
          description: 'Public access granted in the following statement with sid: Bob.',
          statementIndex: 0,
          statementId: 'Bob',
        },
      ],
    });
  });

  it('a wildcard principal or NotPrincipal is public', () => {
    assert.equal(result(grant({ AWS: '*' })), 'FAIL');
    assert.equal(result(policy(allow('s3:*', '*', { NotPrincipal: { AWS: '111122223333' } }))), 'FAIL');
  });

  it('a condition that pins the caller to fixed values makes it not public', () => {
    for (const condition of [
      { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
      { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
      { StringEquals: { 'aws:PrincipalAccount': '111122223333' } },
      { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/R' } },
      { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } },
    ]) {
      assert.equal(result(grant('*', { Condition: condition })), 'PASS', JSON.stringify(condition));
    }
  });

  it('negated, IfExists, wildcard, broad-range or unrelated conditions pin nothing', () => {
    for (const condition of [
      { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
      { StringLike: { 'aws:PrincipalOrgID': 'o-*' } },
      { IpAddress: { 'aws:SourceIp': '0.0.0.0/1' } },
      { StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
      { Bool: { 'aws:SecureTransport': 'true' } },
    ]) {
      assert.equal(result(grant('*', { Condition: condition })), 'FAIL', JSON.stringify(condition));
    }
  });

  it("only statements that grant the resource type's actions count; a Deny never does", () => {
    const sqs = policy(allow('sqs:SendMessage', '*', { Principal: '*' }));
    assert.equal(result(sqs), 'PASS');
    assert.equal(result(sqs, 'AWS::SQS::Queue'), 'FAIL');
    assert.equal(result(policy(deny('s3:*', '*', { Principal: '*' }))), 'PASS');
    assert.equal(result(policy(allow('*', '*', { Principal: '*' })), 'AWS::DynamoDB::Table'), 'FAIL');
  });

  it('a trust policy with * is public when it lets the caller assume the role', () => {
    const type = 'AWS::IAM::AssumeRolePolicyDocument';
    const trust = (principal: unknown, action: string, extra: Statement = {}) =>
      policy({ Effect: 'Allow', Principal: principal, Action: action, ...extra });
    assert.deepEqual(run(trust('*', 'sts:AssumeRole'), type).reasons, [
      { description: 'Public access granted in the following statement with index: 0.', statementIndex: 0 },
    ]);
    assert.equal(result(trust({ AWS: '*' }, 'sts:AssumeRole*'), type), 'FAIL');
    assert.equal(result(trust('*', 'sts:TagSession'), type), 'PASS');
    assert.equal(result(trust({ AWS: '111122223333' }, 'sts:AssumeRole'), type), 'PASS');
    const inOrg = { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } };
    assert.equal(result(trust('*', 'sts:AssumeRole', inOrg), type), 'PASS');
  });

  it('a KMS key policy is also pinned by kms:CallerAccount', () => {
    const key = (extra: Statement = {}) => policy(allow('kms:Decrypt', '*', { Principal: { AWS: '*' }, ...extra }));
    assert.equal(result(key(), 'AWS::KMS::Key'), 'FAIL');
    const ownAccount = { Condition: { StringEquals: { 'kms:CallerAccount': '111122223333' } } };
    assert.equal(result(key(ownAccount), 'AWS::KMS::Key'), 'PASS');
    assert.equal(result(key(), 'AWS::S3Express::DirectoryBucket'), 'PASS');
  });

  it('an unsupported resource type is a ValidationException; an invalid document InvalidParameterException', () => {
    assert.throws(
      () => run(grant('*'), 'AWS::EC2::Instance'),
      (e: unknown) =>
        isError('ValidationException')(e) && (e as ServiceError).fields.reason === 'fieldValidationFailed',
    );
    assert.throws(() => run('not json'), isError('InvalidParameterException'));
    assert.throws(() => run(policy(allow('s3:GetObject'))), isError('InvalidParameterException'));
  });
});
