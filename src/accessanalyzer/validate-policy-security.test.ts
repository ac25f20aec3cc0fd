import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allow,
  BUCKET,
  codes,
  expectFindings,
  ix,
  nested,
  policy,
  ROOT,
  run,
  S,
  TRUST,
  v,
  type Where,
} from './validate-policy-test-support.js';

/**
 * Security warnings: AWS's, and Strongbox's own on the grants the seed documents warn about
 * (/work/shared/seeds: 000 and 001 grant them, 003 "Tip # 3" names them).
 */

const LEAST_PRIVILEGE = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege';

describe('validatePolicy: the seed documents', () => {
  it('seed 000, the "S3 sudo" user policy: s3:* on every resource', () => {
    const text = `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "*"
        }
    ]
}`;
    // AWS's own checks find nothing wrong with this policy.
    expectFindings(text, [['SECURITY_WARNING', 'STRONGBOX_FULL_SERVICE_ACCESS', [S(0, v('Action')), '"s3:*"']]]);
    const [f] = run(text).findings;
    assert.equal(
      f.findingDetails,
      'The statement allows every s3 action (s3:*) on every resource. Grant only the actions and resources that the ' +
        'principals need.',
    );
    assert.equal(f.learnMoreLink, `${LEAST_PRIVILEGE}`);
  });

  it('seed 000, the Rails app policy: s3:PutObjectAcl on every object of the bucket', () => {
    const text = `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "s3:ListBucket"
            ],
            "Resource": [
                "arn:aws:s3:::another-test-bucket"
            ]
        },
        {
            "Effect": "Allow",
            "Action": [
                "s3:PutObject",
                "s3:GetObject",
                "s3:DeleteObject",
                "s3:PutObjectAcl"
            ],
            "Resource": [
                "arn:aws:s3:::another-test-bucket/*"
            ]
        }
    ]
}`;
    const putObjectAcl: Where = [S(1, v('Action'), ix(3)), '"s3:PutObjectAcl"'];
    expectFindings(text, [['SECURITY_WARNING', 'STRONGBOX_DANGEROUS_ACTION', putObjectAcl]]);
    assert.equal(
      run(text).findings[0].findingDetails,
      'The statement allows s3:PutObjectAcl on arn:aws:s3:::another-test-bucket/*. These actions can make data ' +
        'public or hand out permissions: limit them to your security team and to named resources.',
    );
  });

  it('seed 001, the per-client group policy: s3:* on the client buckets, no Version', () => {
    const text = `{
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": "arn:aws:s3:::new-client*"
    },
    {
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": "arn:aws:s3:::new-client-dev*"
    },
    {
      "Action": [
        "cloudfront:CreateInvalidation",
        "cloudfront:GetInvalidation",
        "cloudfront:ListInvalidations"
      ],
      "Effect": "Allow",
      "Resource": "*"
    }
  ]
}`;
    expectFindings(text, [
      ['WARNING', 'MISSING_VERSION', [[], ROOT]],
      ['SECURITY_WARNING', 'STRONGBOX_DANGEROUS_ACTION', [S(0, v('Action')), '"s3:*"']],
      ['SECURITY_WARNING', 'STRONGBOX_DANGEROUS_ACTION', [S(1, v('Action')), '"s3:*"', 1]],
    ]);
    assert.match(
      run(text).findings[1].findingDetails,
      /^The statement allows s3:PutBucketAcl, s3:PutBucketPolicy, s3:PutObjectAcl on arn:aws:s3:::new-client\*\./,
    );
  });

  it('a bucket policy open to everyone (Principal "*"), and the conditions that close it', () => {
    const objects = ['arn:aws:s3:::example-bucket/*'];
    const read = { Sid: 'PublicRead', Effect: 'Allow', Action: ['s3:GetObject'], Resource: objects };
    const open = policy({ ...read, Principal: '*' });
    expectFindings(open, [['SECURITY_WARNING', 'STRONGBOX_PUBLIC_ACCESS', [S(0, v('Principal')), '"*"']]], ...BUCKET);
    const pinned = (condition: unknown) => policy({ ...read, Principal: '*', Condition: condition });
    assert.deepEqual(codes(pinned({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }), ...BUCKET), []);
    assert.deepEqual(codes(pinned({ StringEquals: { 'aws:PrincipalOrgID': 'o-abcdef' } }), ...BUCKET), []);
    // Too broad a range, or an operator an absent key satisfies, pins nothing.
    const broad = pinned({ IpAddress: { 'aws:SourceIp': '0.0.0.0/1' } });
    assert.deepEqual(codes(broad, ...BUCKET), ['STRONGBOX_PUBLIC_ACCESS']);
    const ifExists = pinned({ StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } });
    assert.deepEqual(codes(ifExists, ...BUCKET), ['STRONGBOX_PUBLIC_ACCESS']);
    assert.deepEqual(codes(policy({ ...read, Principal: { AWS: '*' } }), ...BUCKET), ['STRONGBOX_PUBLIC_ACCESS']);
    assert.deepEqual(codes(policy({ ...read, Principal: '*', Effect: 'Deny' }), ...BUCKET), []);
  });
});

describe("validatePolicy: AWS's security warnings", () => {
  it('iam:PassRole on every role, by name and by wildcard; iam:PassedToService narrows it', () => {
    expectFindings(policy(allow({ Action: 'iam:PassRole', Resource: '*' })), [
      [
        'SECURITY_WARNING',
        'PASS_ROLE_WITH_STAR_IN_RESOURCE',
        [S(0, v('Action')), '"iam:PassRole"'],
        [S(0, v('Resource')), '"*"'],
      ],
    ]);
    const roles = 'arn:aws:iam::111122223333:role/*';
    const action: Where = [S(0, v('Action')), '"iam:*"'];
    const resource: Where = [S(0, v('Resource')), JSON.stringify(roles)];
    expectFindings(policy(allow({ Action: 'iam:*', Resource: roles })), [
      ['WARNING', 'CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE', action, resource],
      ['SECURITY_WARNING', 'PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE', action, resource],
    ]);
    const toEc2 = { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } };
    const narrowed = policy(allow({ Action: 'iam:PassRole', Resource: '*', Condition: toEc2 }));
    assert.deepEqual(codes(narrowed), ['STRONGBOX_DANGEROUS_ACTION']);
    // A role name prefix is a choice AWS leaves alone; Strongbox still flags the wildcard.
    const prefix = policy(allow({ Action: 'iam:PassRole', Resource: 'arn:aws:iam::111122223333:role/app-*' }));
    assert.deepEqual(codes(prefix), ['STRONGBOX_DANGEROUS_ACTION']);
  });

  it('Allow with NotAction or NotResource', () => {
    const notAction: Where = [S(0, v('NotAction')), '"s3:DeleteBucket"'];
    const star: Where = [S(0, v('Resource')), '"*"'];
    expectFindings(policy(allow({ NotAction: 's3:DeleteBucket', Resource: '*' })), [
      ['WARNING', 'CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION', notAction, star],
      ['SECURITY_WARNING', 'PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION', notAction, star],
      ['SECURITY_WARNING', 'STRONGBOX_FULL_ACCESS', notAction],
    ]);
    assert.deepEqual(codes(policy(allow({ NotAction: 's3:*', NotResource: 'arn:aws:s3:::b' }))), [
      'CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE',
      'PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE',
      'STRONGBOX_FULL_ACCESS',
    ]);
    const admin = 'arn:aws:iam::111122223333:role/admin';
    expectFindings(policy(allow({ Action: 'iam:PassRole', NotResource: admin })), [
      [
        'SECURITY_WARNING',
        'PASS_ROLE_WITH_NOT_RESOURCE',
        [S(0, v('Action')), '"iam:PassRole"'],
        [S(0, v('NotResource')), JSON.stringify(admin)],
      ],
    ]);
    // NotAction that excludes PassRole and service-linked roles leaves only Strongbox's warning.
    assert.deepEqual(codes(policy(allow({ NotAction: 'iam:*', Resource: '*' }))), ['STRONGBOX_FULL_ACCESS']);
  });

  it('Allow with NotPrincipal; a service principal without a source', () => {
    const reader = { AWS: 'arn:aws:iam::111122223333:role/reader' };
    const account = (key: string) => ({ StringEquals: { [key]: '111122223333' } });
    const doc = policy(
      allow({
        NotPrincipal: reader,
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/*',
        Condition: account('aws:PrincipalAccount'),
      }),
      allow({
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: 'arn:aws:s3:::b/AWSLogs/*',
      }),
      allow({
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: 'arn:aws:s3:::b/logs/*',
        Condition: account('aws:SourceAccount'),
      }),
    );
    const service: Where = [S(1, v('Principal'), v('Service')), '"cloudtrail.amazonaws.com"'];
    expectFindings(
      doc,
      [
        ['SECURITY_WARNING', 'ALLOW_WITH_NOT_PRINCIPAL', [S(0, v('NotPrincipal')), nested(reader, 6)]],
        ['SECURITY_WARNING', 'RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL', service],
      ],
      ...BUCKET,
    );
  });

  it('federated OIDC principals need a condition on their claims; GitHub on the repository', () => {
    const github = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';
    const web = (federated: string, condition?: unknown) =>
      allow({ Principal: { Federated: federated }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition });
    const doc = policy(
      web(github, { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } }),
      web(github, { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:org/*' } }),
      web('accounts.google.com'),
    );
    const sub = S(1, v('Condition'), v('StringLike'), v('token.actions.githubusercontent.com:sub'));
    const federated = (i: number) => S(i, v('Principal'), v('Federated'));
    expectFindings(
      doc,
      [
        ['SECURITY_WARNING', 'MISSING_GITHUB_REPO_CONDITION_KEY', [federated(0), JSON.stringify(github)]],
        ['WARNING', 'SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED', [sub, '"repo:org/*"']],
        ['SECURITY_WARNING', 'MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL', [federated(2), '"accounts.google.com"']],
      ],
      ...TRUST,
    );
  });
});

describe("validatePolicy: Strongbox's least-privilege warnings", () => {
  it('everything on everything; only for identity and resource policies', () => {
    expectFindings(policy(allow({ Action: '*:*', Resource: 'arn:aws:s3:::*' })), [
      ['SUGGESTION', 'WILDCARD_IN_SERVICE_NAME', [S(0, v('Action')), '"*:*"']],
      ['SECURITY_WARNING', 'STRONGBOX_FULL_ACCESS', [S(0, v('Action')), '"*:*"']],
    ]);
    assert.deepEqual(codes(policy(allow({ Action: 's3:*', Resource: '*' })), 'SERVICE_CONTROL_POLICY'), []);
    assert.deepEqual(codes(policy({ Effect: 'Deny', Action: 's3:*', Resource: '*' })), []);
    const principal = { AWS: '111122223333' };
    const bucket = policy(allow({ Principal: principal, Action: 's3:PutBucketPolicy', Resource: 'arn:aws:s3:::b*' }));
    assert.deepEqual(codes(bucket, ...BUCKET), ['STRONGBOX_DANGEROUS_ACTION']);
    // Named resources are a deliberate grant.
    assert.deepEqual(codes(policy(allow({ Action: 's3:PutBucketPolicy', Resource: 'arn:aws:s3:::b' }))), []);
  });
});
