import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceError } from '../errors/service-error.js';
import { checkNoNewAccess, type AccessCheckPolicyType } from './policy-checks.js';

type Statement = Record<string, unknown>;

function policy(...statements: Statement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function allow(action: string | string[], resource: string | string[] = '*', extra: Statement = {}): Statement {
  return { Effect: 'Allow', Action: action, Resource: resource, ...extra };
}

function deny(action: string | string[], resource: string | string[] = '*', extra: Statement = {}): Statement {
  return { Effect: 'Deny', Action: action, Resource: resource, ...extra };
}

function check(newPolicy: string, existing: string, policyType: AccessCheckPolicyType = 'IDENTITY_POLICY') {
  return checkNoNewAccess({ newPolicyDocument: newPolicy, existingPolicyDocument: existing, policyType });
}

function noNew(newPolicy: string, existing: string, policyType: AccessCheckPolicyType = 'IDENTITY_POLICY'): string {
  return check(newPolicy, existing, policyType).result;
}

/** A resource policy check. */
function noNewRp(newPolicy: string, existing: string): string {
  return noNew(newPolicy, existing, 'RESOURCE_POLICY');
}

function when(condition: unknown): Statement {
  return { Condition: condition };
}

const BUCKET = ['arn:aws:s3:::amzn-s3-demo-bucket', 'arn:aws:s3:::amzn-s3-demo-bucket/*'];

function invalidParameter(e: unknown): boolean {
  return e instanceof ServiceError && e.code === 'InvalidParameterException' && e.status === 400;
}

describe('checkNoNewAccess: the AWS CLI example', () => {
  it('fails an added action, naming the statement by index, with AWS texts', () => {
    const existing = policy(allow(['s3:GetObject', 's3:ListBucket'], BUCKET));
    const updated = policy(allow(['s3:GetObject', 's3:GetObjectAcl', 's3:ListBucket'], BUCKET));
    assert.deepEqual(check(updated, existing), {
      result: 'FAIL',
      message: 'The modified permissions grant new access compared to your existing policy.',
      reasons: [{ description: 'New access in the statement with index: 0.', statementIndex: 0 }],
    });
  });

  it('passes the reverse change, with an empty reason list', () => {
    const existing = policy(allow(['s3:GetObject', 's3:GetObjectAcl', 's3:ListBucket'], BUCKET));
    const updated = policy(allow(['s3:GetObject', 's3:ListBucket'], BUCKET));
    const r = check(updated, existing);
    assert.equal(r.result, 'PASS');
    assert.deepEqual(r.reasons, []);
  });
});

describe('checkNoNewAccess: widening fails', () => {
  it('widened action s3:GetObject → s3:*', () => {
    assert.equal(noNew(policy(allow('s3:*', BUCKET)), policy(allow('s3:GetObject', BUCKET))), 'FAIL');
  });
  it('widened resource bucket/* → *', () => {
    assert.equal(noNew(policy(allow('s3:GetObject')), policy(allow('s3:GetObject', 'arn:aws:s3:::b/*'))), 'FAIL');
  });
  it('widened resource to another region of the ARN', () => {
    const existing = policy(allow('ec2:RunInstances', 'arn:aws:ec2:us-east-1:111122223333:instance/*'));
    assert.equal(noNew(policy(allow('ec2:RunInstances', 'arn:aws:ec2:*:111122223333:instance/*')), existing), 'FAIL');
  });
  it('removed condition', () => {
    const cond = { Condition: { Bool: { 'aws:SecureTransport': 'true' } } };
    assert.equal(noNew(policy(allow('s3:GetObject', '*')), policy(allow('s3:GetObject', '*', cond))), 'FAIL');
  });
  it('widened condition values', () => {
    const existing = policy(allow('s3:GetObject', '*', when({ StringEquals: { 'aws:PrincipalTag/team': 'a' } })));
    const updated = policy(allow('s3:GetObject', '*', when({ StringEquals: { 'aws:PrincipalTag/team': ['a', 'b'] } })));
    assert.equal(noNew(updated, existing), 'FAIL');
  });
  it('removed Deny', () => {
    const existing = policy(allow('s3:*'), deny('s3:DeleteBucket'));
    assert.equal(noNew(policy(allow('s3:*')), existing), 'FAIL');
  });
  it('narrowed Deny', () => {
    const existing = policy(allow('s3:*'), deny('s3:Delete*'));
    assert.equal(noNew(policy(allow('s3:*'), deny('s3:DeleteBucket')), existing), 'FAIL');
  });
  it('added statement, named by Sid and index', () => {
    const existing = policy(allow('s3:GetObject'));
    const r = check(policy(allow('s3:GetObject'), allow('iam:CreateUser', '*', { Sid: 'Admin' })), existing);
    assert.equal(r.result, 'FAIL');
    const description = 'New access in the statement with sid: Admin.';
    assert.deepEqual(r.reasons, [{ description, statementIndex: 1, statementId: 'Admin' }]);
  });
  it('NotAction grants what an Action list did not', () => {
    assert.equal(noNew(policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), policy(allow('s3:*'))), 'FAIL');
  });
  it('wildcard that reaches a case variant is still the same action', () => {
    assert.equal(noNew(policy(allow('S3:GETOBJECT')), policy(allow('s3:getobject'))), 'PASS');
    assert.equal(noNew(policy(allow('s3:Get*')), policy(allow('s3:GetObject'))), 'FAIL');
  });
});

describe('checkNoNewAccess: narrowing passes', () => {
  it('narrowed action and resource', () => {
    const existing = policy(allow('s3:Get*', 'arn:aws:s3:::b/*'));
    assert.equal(noNew(policy(allow('s3:GetObject', 'arn:aws:s3:::b/k')), existing), 'PASS');
  });
  it('? and * patterns', () => {
    const existing = policy(allow('s3:?etObject', 'arn:aws:s3:::b?/*'));
    assert.equal(noNew(policy(allow('s3:GetObject', 'arn:aws:s3:::b1/*')), existing), 'PASS');
  });
  it('reordered statements and renamed Sids', () => {
    const existing = policy(allow('s3:GetObject', '*', { Sid: 'A' }), allow('s3:PutObject', '*', { Sid: 'B' }));
    const updated = policy(allow('s3:PutObject', '*', { Sid: 'X' }), allow('s3:GetObject', '*', { Sid: 'Y' }));
    assert.equal(noNew(updated, existing), 'PASS');
  });
  it('one statement split over two existing ones', () => {
    const existing = policy(allow('s3:GetObject'), allow('s3:PutObject'));
    assert.equal(noNew(policy(allow(['s3:GetObject', 's3:PutObject'])), existing), 'PASS');
  });
  it('added condition, narrowed condition values, narrower IP range', () => {
    const base = policy(allow('s3:GetObject', '*', when({ StringEquals: { 'aws:PrincipalTag/team': ['a', 'b'] } })));
    const narrower = policy(
      allow('s3:GetObject', '*', {
        Condition: { StringEquals: { 'aws:PrincipalTag/team': 'a' }, Bool: { 'aws:SecureTransport': 'true' } },
      }),
    );
    assert.equal(noNew(narrower, base), 'PASS');
    const ip = (cidr: string) => policy(allow('s3:GetObject', '*', when({ IpAddress: { 'aws:SourceIp': cidr } })));
    assert.equal(noNew(ip('10.1.0.0/16'), ip('10.0.0.0/8')), 'PASS');
    assert.equal(noNew(ip('10.0.0.0/8'), ip('10.1.0.0/16')), 'FAIL');
  });
  it('added Deny', () => {
    assert.equal(noNew(policy(allow('s3:*'), deny('s3:DeleteBucket')), policy(allow('s3:*'))), 'PASS');
  });
  it('a Deny kept, or widened', () => {
    const existing = policy(allow('s3:*'), deny('s3:DeleteBucket', 'arn:aws:s3:::b'));
    assert.equal(noNew(policy(allow('s3:*'), deny('s3:Delete*')), existing), 'PASS');
  });
  it('a removed Deny whose requests the new Allows no longer reach', () => {
    const existing = policy(allow('*'), deny('s3:PutBucketPolicy', 'arn:aws:s3:::my-sensitive-bucket'));
    const other = policy(allow(['s3:DeleteBucket', 's3:PutBucketPolicy'], 'arn:aws:s3:::my-not-sensitive-bucket'));
    assert.equal(noNew(other, existing), 'PASS');
    assert.equal(noNew(policy(allow('s3:PutBucketPolicy', 'arn:aws:s3:::my-sensitive-bucket')), existing), 'FAIL');
    assert.equal(noNew(policy(allow('s3:PutBucketPolicy', 'arn:aws:s3:*:*:*sensitive*')), existing), 'FAIL');
    assert.equal(noNew(policy(allow('s3:*', '*')), existing), 'FAIL');
    assert.equal(noNew(policy(allow('s3:*'), deny('*', 'arn:aws:s3:::my-sensitive-bucket')), existing), 'PASS');
  });
  it('a new policy with only Deny statements', () => {
    assert.equal(noNew(policy(deny('*')), policy(allow('s3:GetObject'))), 'PASS');
  });
});

describe('checkNoNewAccess: tag-based reference policy (aws-samples custom policy checks)', () => {
  const reference = policy(
    allow('*'),
    deny('ec2:TerminateInstances', '*', { Condition: { Null: { 'aws:ResourceTag/owner': 'true' } } }),
  );
  it('passes an Allow that requires the tag, or a Deny without it', () => {
    const owner = when({ StringEquals: { 'aws:ResourceTag/owner': 'me' } });
    const tagged = policy(allow('ec2:TerminateInstances', '*', owner));
    assert.equal(noNew(tagged, reference), 'PASS');
    const denied = policy(
      allow('ec2:TerminateInstances'),
      deny('ec2:TerminateInstances', '*', { Condition: { StringNotEquals: { 'aws:ResourceTag/owner': 'me' } } }),
    );
    assert.equal(noNew(denied, reference), 'PASS');
    assert.equal(noNew(policy(allow('ec2:RunInstances')), reference), 'PASS');
  });
  it('fails an unconstrained grant', () => {
    assert.equal(noNew(policy(allow('ec2:TerminateInstances')), reference), 'FAIL');
    assert.equal(noNew(policy(allow('ec2:*')), reference), 'FAIL');
  });
});

describe('checkNoNewAccess: policy variables', () => {
  const own = policy(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*'));
  it('the same variable covers itself; a * covers a variable', () => {
    assert.equal(noNew(own, own), 'PASS');
    assert.equal(noNew(own, policy(allow('s3:GetObject', 'arn:aws:s3:::home/*'))), 'PASS');
    assert.equal(noNew(policy(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/docs/*')), own), 'PASS');
  });
  it('a variable does not cover a wildcard or another variable', () => {
    assert.equal(noNew(policy(allow('s3:GetObject', 'arn:aws:s3:::home/*')), own), 'FAIL');
    assert.equal(noNew(policy(allow('s3:GetObject', 'arn:aws:s3:::home/${aws:userid}/*')), own), 'FAIL');
  });
  it('a variable may reach a Deny: a removed Deny on one home fails', () => {
    const existing = policy(
      allow('s3:GetObject', 'arn:aws:s3:::home/*'),
      deny('s3:GetObject', 'arn:aws:s3:::home/admin/*'),
    );
    assert.equal(noNew(own, existing), 'FAIL');
  });
  it('in a 2008-10-17 document ${...} is plain text', () => {
    const statement = allow('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/*');
    const old = JSON.stringify({ Version: '2008-10-17', Statement: [statement] });
    assert.equal(noNew(own, old), 'FAIL');
    assert.equal(noNew(old, old), 'PASS');
  });
});

describe('checkNoNewAccess: NotAction and NotResource', () => {
  it('an Action list inside the complement is covered', () => {
    const existing = policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' });
    assert.equal(noNew(policy(allow(['s3:GetObject', 'ec2:*'])), existing), 'PASS');
    assert.equal(noNew(policy(allow('iam:GetUser')), existing), 'FAIL');
    assert.equal(noNew(policy(allow('*')), existing), 'FAIL');
  });
  it('NotAction against NotAction: a longer exclusion list is narrower', () => {
    const existing = policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' });
    assert.equal(noNew(policy({ Effect: 'Allow', NotAction: ['iam:*', 'sts:*'], Resource: '*' }), existing), 'PASS');
    assert.equal(noNew(policy({ Effect: 'Allow', NotAction: 'iam:Create*', Resource: '*' }), existing), 'FAIL');
  });
  it('what a NotAction statement leaves out, another statement covers', () => {
    const existing = policy(
      { Effect: 'Allow', NotAction: 's3:PutObject', Resource: '*' },
      allow('s3:PutObject', 'arn:aws:s3:::b/*'),
    );
    assert.equal(noNew(policy(allow('s3:*', 'arn:aws:s3:::b/*')), existing), 'PASS');
    assert.equal(noNew(policy(allow('s3:*', 'arn:aws:s3:::c/*')), existing), 'FAIL');
  });
  it('NotResource', () => {
    const existing = policy({ Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::secret/*' });
    assert.equal(noNew(policy(allow('s3:GetObject', 'arn:aws:s3:::public/*')), existing), 'PASS');
    assert.equal(noNew(policy(allow('s3:GetObject', 'arn:aws:s3:::*')), existing), 'FAIL');
  });
});

describe('checkNoNewAccess: resource policies', () => {
  const ROLE = 'arn:aws:iam::111111111111:role/MyPrivilegedRole';
  const reference = policy(
    { Sid: 'AllowPrincipalElement', ...allow('s3:PutObject', '*', { Principal: { AWS: [ROLE] } }) },
    {
      Sid: 'AllowPrincipalArnKey',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: '*',
      Condition: { ArnLike: { 'aws:PrincipalArn': [ROLE, `${ROLE}2`] } },
    },
    { Sid: 'IgnoreAnythingNotPutObjectAction', Effect: 'Allow', Principal: '*', NotAction: 's3:PutObject' },
  );
  const candidate = (principal: unknown, action: string, condition?: unknown): string =>
    policy(
      allow(action, 'arn:aws:s3:::my-sensitive-bucket/*', {
        Principal: principal,
        ...(condition ? { Condition: condition } : {}),
      }),
    );
  const OTHER = 'arn:aws:iam::111111111111:role/Other';
  it('passes the allow-listed principal, by Principal or by aws:PrincipalArn', () => {
    assert.equal(noNewRp(candidate({ AWS: ROLE }, 's3:PutObject'), reference), 'PASS');
    const byArn = candidate({ AWS: '*' }, 's3:PutObject', { ArnLike: { 'aws:PrincipalArn': ROLE } });
    assert.equal(noNewRp(byArn, reference), 'PASS');
    assert.equal(noNewRp(candidate({ AWS: '*' }, 's3:GetObject'), reference), 'PASS');
    assert.equal(noNewRp(candidate({ AWS: ROLE }, 's3:*'), reference), 'PASS');
  });
  it('fails public or other principals', () => {
    assert.equal(noNewRp(candidate({ AWS: '*' }, 's3:*'), reference), 'FAIL');
    assert.equal(noNewRp(candidate({ AWS: OTHER }, 's3:PutObject'), reference), 'FAIL');
    const byArn = candidate({ AWS: '*' }, 's3:PutObject', { ArnLike: { 'aws:PrincipalArn': OTHER } });
    assert.equal(noNewRp(byArn, reference), 'FAIL');
  });
  it('trust policies: an account covers its principals, not services or other accounts', () => {
    const trust = (principal: unknown, action = 'sts:AssumeRole') =>
      policy({ Effect: 'Allow', Principal: principal, Action: action });
    const ref = policy(
      { Effect: 'Allow', Principal: { AWS: ['111111111111', '222222222222'] }, Action: 'sts:AssumeRole' },
      { Effect: 'Allow', Principal: '*', NotAction: 'sts:AssumeRole' },
    );
    const oidc = { Federated: 'arn:aws:iam::111111111111:oidc-provider/P' };
    assert.equal(noNewRp(trust({ AWS: '111111111111' }), ref), 'PASS');
    assert.equal(noNewRp(trust({ AWS: 'arn:aws:iam::222222222222:role/MyRole' }), ref), 'PASS');
    assert.equal(noNewRp(trust(oidc, 'sts:AssumeRoleWithWebIdentity'), ref), 'PASS');
    assert.equal(noNewRp(trust({ Service: 'glue.amazonaws.com' }), ref), 'FAIL');
    assert.equal(noNewRp(trust({ AWS: '333333333333' }), ref), 'FAIL');
    assert.equal(noNewRp(trust({ AWS: 'arn:aws:iam::333333333333:role/NotMyRole' }), ref), 'FAIL');
    assert.equal(noNewRp(trust('*'), ref), 'FAIL');
  });
  it('a removed Deny with NotPrincipal fails', () => {
    const existing = policy(
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' },
      { Effect: 'Deny', NotPrincipal: { AWS: '111111111111' }, Action: 's3:GetObject', Resource: '*' },
    );
    assert.equal(noNewRp(policy(allow('s3:GetObject', '*', { Principal: { AWS: '222222222222' } })), existing), 'FAIL');
    assert.equal(noNewRp(existing, existing), 'PASS');
  });
});

describe('checkNoNewAccess: invalid documents', () => {
  const valid = policy(allow('s3:GetObject'));
  for (const [name, text, type] of [
    ['not JSON', '{"Version": ', 'IDENTITY_POLICY'],
    ['no Statement', '{"Version":"2012-10-17"}', 'IDENTITY_POLICY'],
    ['an identity policy with a Principal', policy(allow('s3:GetObject', '*', { Principal: '*' })), 'IDENTITY_POLICY'],
    ['an identity policy without Resource', policy({ Effect: 'Allow', Action: 's3:GetObject' }), 'IDENTITY_POLICY'],
    ['a resource policy without Principal', valid, 'RESOURCE_POLICY'],
    ['an action without a vendor', policy({ Effect: 'Allow', Principal: '*', Action: 'GetObject' }), 'RESOURCE_POLICY'],
    ['a lower-case effect', policy({ Effect: 'allow', Principal: '*', Action: 's3:GetObject' }), 'RESOURCE_POLICY'],
  ] as const) {
    it(`refuses ${name} with InvalidParameterException`, () => {
      for (const [n, e] of [
        [text, valid],
        [valid, text],
      ]) {
        assert.throws(
          () => check(n, e, type),
          invalidParameter,
        );
      }
    });
  }
});

