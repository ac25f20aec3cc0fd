import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonTree } from '../policy/json-source.js';
import { validatePolicy } from './validate-policy.js';
import {
  allow,
  BUCKET,
  codes,
  expectFindings,
  ix,
  k,
  nested,
  policy,
  pos,
  ROOT,
  run,
  S,
  spanOf,
  TRUST,
  V,
  v,
  type Where,
} from './validate-policy-test-support.js';

const REFERENCE = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html';

describe('parseJsonTree', () => {
  it('locates values (strings with their quotes) and keys; end exclusive, column from 0', () => {
    const text = '{\n  "a": [1, "x"],\n  "b": {"c": null}\n}';
    const r = parseJsonTree(text);
    assert.ok(r.ok && r.root.kind === 'object');
    const [a, b] = r.root.entries;
    assert.deepEqual(a.keySpan, spanOf(text, '"a"'));
    assert.ok(a.value.kind === 'array');
    assert.deepEqual(a.value.items[1].span, spanOf(text, '"x"'));
    assert.deepEqual(b.value.span, spanOf(text, '{"c": null}'));
    assert.deepEqual(r.root.span, spanOf(text, text));
  });

  it('reports where the syntax breaks', () => {
    const r = parseJsonTree('{\n  "a": 1,\n}');
    assert.ok(!r.ok);
    assert.deepEqual(r.at, { line: 3, column: 0, offset: 12 });
  });
});

describe('validatePolicy: AWS examples', () => {
  it('the CLI reference example: positions as AWS returns them', () => {
    // `aws accessanalyzer validate-policy` in the AWS CLI Command Reference: a Cognito trust policy
    // sent as RESOURCE_POLICY. AWS's third finding (UNSUPPORTED_ACTION_FOR_CONDITION_KEY) needs its
    // per-action condition key catalogue, which Strongbox does not have.
    const text = `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "",
            "Effect": "Allow",
            "Principal": {
                "Federated": "cognito-identity.amazonaws.com"
            },
            "Action": [
                "sts:AssumeRole",
                "sts:TagSession"
            ],
            "Condition": {
                "StringEquals": {
                    "cognito-identity.amazonaws.com:aud": "us-west-2_EXAMPLE"
                }
            }
        }
    ]
}`;
    const findings = validatePolicy({ policyDocument: text, policyType: 'RESOURCE_POLICY' });
    const at = (line: number, column: number, offset: number) => ({ line, column, offset });
    assert.deepEqual(findings[0], {
      findingDetails: 'Add a value to the empty string in the Sid element.',
      findingType: 'SUGGESTION',
      issueCode: 'EMPTY_SID_VALUE',
      learnMoreLink: `${REFERENCE}#access-analyzer-reference-policy-checks-suggestion-empty-sid-value`,
      locations: [{ path: S(0, v('Sid')), span: { start: at(5, 19, 79), end: at(5, 21, 81) } }],
    });
    assert.equal(findings[1].issueCode, 'MISMATCHED_ACTION_FOR_PRINCIPAL');
    assert.equal(findings[1].findingType, 'ERROR');
    assert.equal(
      findings[1].findingDetails,
      'The sts:AssumeRole action is invalid with the following principal(s): cognito-identity.amazonaws.com. ' +
        'Use a SAML provider principal with the sts:AssumeRoleWithSAML action or use an OIDC provider principal ' +
        'with the sts:AssumeRoleWithWebIdentity action. Ensure the provider is Federated if you use either of ' +
        'the two options.',
    );
    assert.deepEqual(findings[1].locations, [
      { path: S(0, v('Action'), ix(0)), span: { start: at(11, 16, 258), end: at(11, 32, 274) } },
      { path: S(0, v('Principal'), v('Federated')), span: { start: at(8, 29, 170), end: at(8, 61, 202) } },
    ]);
    assert.equal(findings.length, 2);
  });

  it('a clean policy of each kind yields no finding', () => {
    const read = allow({ Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'] });
    assert.deepEqual(codes(policy(read)), []);
    const app = { AWS: 'arn:aws:iam::111122223333:role/app' };
    const bucket = policy(allow({ Principal: app, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }));
    assert.deepEqual(codes(bucket, ...BUCKET), []);
    const trust = policy(allow({ Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }));
    assert.deepEqual(codes(trust, ...TRUST), []);
    assert.deepEqual(codes(trust, 'RESOURCE_POLICY'), []);
    const fullAwsAccess = policy(allow({ Action: '*', Resource: '*' }));
    assert.deepEqual(codes(fullAwsAccess, 'SERVICE_CONTROL_POLICY'), []);
    const secureTransport = { Bool: { 'aws:SecureTransport': 'false' } };
    const rcp = policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: secureTransport });
    assert.deepEqual(codes(rcp, 'RESOURCE_CONTROL_POLICY'), []);
  });

  it('learnMoreLink anchors follow the reference page (general warnings included)', () => {
    const [f] = run({ Statement: [allow({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' })] }).findings;
    assert.equal(f.issueCode, 'MISSING_VERSION');
    assert.equal(f.findingType, 'WARNING');
    const anchor = 'access-analyzer-reference-policy-checks-general-warning-missing-version';
    assert.equal(f.learnMoreLink, `${REFERENCE}#${anchor}`);
  });
});

describe('validatePolicy: errors', () => {
  it('JSON_SYNTAX_ERROR at the place the syntax breaks; nothing else is checked', () => {
    const text = '{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}';
    const [f, ...rest] = run(text).findings;
    assert.equal(rest.length, 0);
    assert.equal(f.issueCode, 'JSON_SYNTAX_ERROR');
    assert.equal(f.findingDetails, 'Fix the JSON syntax error at index 45 line 3 column 16.');
    assert.deepEqual(f.locations, [{ path: [], span: { start: pos(text, 45), end: pos(text, 46) } }]);
    assert.deepEqual(codes(''), ['JSON_SYNTAX_ERROR']);
  });

  it('Version, Statement and unknown elements', () => {
    const doc = { Version: '2012-10-18', Statement: [allow({ Action: 's3:GetObject', Resource: '*' })], Foo: 1 };
    expectFindings(doc, [
      ['ERROR', 'INVALID_VERSION', [[v('Version')], '"2012-10-18"']],
      ['ERROR', 'INVALID_POLICY_ELEMENT', [[k('Foo')], '"Foo"']],
    ]);
    expectFindings({ Version: V }, [['ERROR', 'MISSING_STATEMENT', [[], ROOT]]]);
    expectFindings({ Version: V, Statement: [] }, [['ERROR', 'MISSING_STATEMENT', [[v('Statement')], '[]']]]);
    expectFindings({ Version: 2012, Statement: [7] }, [
      ['ERROR', 'DATA_TYPE_MISMATCH', [[v('Version')], '2012']],
      ['ERROR', 'DATA_TYPE_MISMATCH', [[v('Statement'), ix(0)], '7']],
    ]);
    expectFindings([1], [['ERROR', 'DATA_TYPE_MISMATCH', [[], ROOT]]]);
  });

  it('missing or invalid Effect, Action, Resource; elements that cannot be combined', () => {
    const both = { Action: 's3:GetObject', NotAction: 's3:PutObject', Resource: '*', NotResource: 'arn:aws:s3:::b' };
    const doc = policy({ Sid: 'A' }, { Effect: 'allow', ...both, Bogus: 1 });
    const first = nested(doc.Statement[0], 4);
    expectFindings(doc, [
      ['ERROR', 'MISSING_ACTION', [S(0), first]],
      ['ERROR', 'MISSING_EFFECT', [S(0), first]],
      ['ERROR', 'MISSING_RESOURCE', [S(0), first]],
      ['ERROR', 'INVALID_EFFECT', [S(1, v('Effect')), '"allow"']],
      [
        'ERROR',
        'UNSUPPORTED_ELEMENT_COMBINATION',
        [S(1, k('Action')), '"Action"'],
        [S(1, k('NotAction')), '"NotAction"'],
      ],
      [
        'ERROR',
        'UNSUPPORTED_ELEMENT_COMBINATION',
        [S(1, k('Resource')), '"Resource"'],
        [S(1, k('NotResource')), '"NotResource"'],
      ],
      ['ERROR', 'INVALID_POLICY_ELEMENT', [S(1, k('Bogus')), '"Bogus"']],
    ]);
  });

  it('action format, unknown S3 actions (with a suggestion), wildcards in the service name', () => {
    // Action names compare case-insensitively: S3:getobject is s3:GetObject.
    const actions = ['s3GetObject', 's3:GetObjekt', 's3:Frobnicate*', 's 3:Get', 'S3:getobject'];
    const doc = policy(
      allow({ Action: actions, Resource: 'arn:aws:s3:::b/*' }),
      allow({ Action: 's*:Get*', Resource: '*' }),
    );
    expectFindings(doc, [
      ['ERROR', 'INVALID_ACTION', [S(0, v('Action'), ix(0)), '"s3GetObject"']],
      ['ERROR', 'INVALID_ACTION', [S(0, v('Action'), ix(1)), '"s3:GetObjekt"']],
      ['ERROR', 'INVALID_ACTION', [S(0, v('Action'), ix(2)), '"s3:Frobnicate*"']],
      ['ERROR', 'INVALID_SERVICE_IN_ACTION', [S(0, v('Action'), ix(3)), '"s 3:Get"']],
      ['SUGGESTION', 'WILDCARD_IN_SERVICE_NAME', [S(1, v('Action')), '"s*:Get*"']],
    ]);
    const details = run(doc).findings.map((f) => f.findingDetails);
    assert.equal(details[1], 'The action s3:GetObjekt does not exist. Did you mean s3:GetObject?');
    assert.equal(details[2], 'The action s3:Frobnicate* does not exist.');
  });

  it('resource ARNs: prefix, fields, partition, service case, S3 and IAM rules', () => {
    const resources = [
      'my-bucket',
      'arn:aws:s3:bucket',
      'arn:aws-x:s3:::b',
      'arn:aws:S3:::b',
      'arn:aws:s3:us-east-1::b',
      'arn:aws:s3::111122223333:b',
      'arn:aws:iam:us-east-1:111122223333:role/x',
      'arn:aws:iam:::role/x',
      'arn:aws:iam::12345:role/x',
      'arn:aws:iam::111122223333:widget/x',
      'arn:aws:s3:us-east-1:111122223333:accesspoint/ap',
    ];
    const doc = policy(allow({ Action: 's3:GetObject', Resource: resources }));
    const at = (i: number): Where => [S(0, v('Resource'), ix(i)), JSON.stringify(resources[i])];
    expectFindings(doc, [
      ['ERROR', 'INVALID_ARN_PREFIX', at(0)],
      ['ERROR', 'MISSING_ARN_FIELD', at(1)],
      ['ERROR', 'INVALID_PARTITION', at(2)],
      ['ERROR', 'INVALID_ARN_SERVICE_CASE', at(3)],
      ['ERROR', 'ARN_REGION_NOT_ALLOWED', at(4)],
      ['ERROR', 'ARN_ACCOUNT_NOT_ALLOWED', at(5)],
      ['ERROR', 'ARN_REGION_NOT_ALLOWED', at(6)],
      ['ERROR', 'MISSING_ARN_ACCOUNT', at(7)],
      ['ERROR', 'INVALID_ARN_ACCOUNT', at(8)],
      ['ERROR', 'INVALID_ARN_RESOURCE', at(9)],
    ]);
    const details = run(doc).findings.map((f) => f.findingDetails);
    assert.equal(
      details[1],
      'Resource ARNs must include at least 6 fields in the following structure: ' +
        'arn:partition:service:region:account:resource',
    );
    assert.equal(details[5], 'The service s3 does not support specifying an account ID in the resource ARN.');
  });

  it('Principal by policy type: identity policies and SCPs refuse it, resource policies need it, RCPs need "*"', () => {
    const principal = { AWS: '111122223333' };
    const withPrincipal = policy(allow({ Principal: principal, Action: 's3:GetObject', Resource: '*' }));
    expectFindings(withPrincipal, [['ERROR', 'UNSUPPORTED_PRINCIPAL', [S(0, v('Principal')), nested(principal, 6)]]]);
    assert.equal(
      run(withPrincipal).findings[0].findingDetails,
      'The policy type IDENTITY_POLICY does not support the Principal element. Remove the Principal element.',
    );
    const scp = policy({ Effect: 'Deny', NotPrincipal: '*', Action: '*', Resource: '*' });
    assert.deepEqual(codes(scp, 'SERVICE_CONTROL_POLICY'), ['SCP_SYNTAX_ERROR_PRINCIPAL']);
    const noPrincipal = policy(allow({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }));
    const statement: Where = [S(0), nested(noPrincipal.Statement[0], 4)];
    expectFindings(noPrincipal, [['ERROR', 'MISSING_PRINCIPAL', statement]], ...BUCKET);
    const rcp = policy(
      { Effect: 'Deny', Principal: principal, Action: 'ec2:RunInstances', Resource: '*' },
      { Effect: 'Deny', Principal: '*', NotAction: 's3:GetObject', Resource: '*' },
      allow({ Principal: '*', Action: '*', Resource: 'arn:aws:s3:::b' }),
    );
    assert.deepEqual(codes(rcp, 'RESOURCE_CONTROL_POLICY'), [
      'RCP_SYNTAX_ERROR_PRINCIPAL',
      'RCP_SYNTAX_ERROR_ACTION',
      'RCP_SYNTAX_ERROR_NOTACTION',
      'RCP_SYNTAX_ERROR_ALLOW',
    ]);
  });

  it('SCP actions: a wildcard only at the end', () => {
    const doc = policy({ Effect: 'Deny', Action: ['iam:Get*', 'iam:*Role'], Resource: '*' });
    const at: Where = [S(0, v('Action'), ix(1)), '"iam:*Role"'];
    expectFindings(doc, [['ERROR', 'SCP_SYNTAX_ERROR_ACTION_WILDCARD', at]], 'SERVICE_CONTROL_POLICY');
  });

  it('role trust policies: no Resource, no NotPrincipal, no "Principal": "*"; actions fit the principal', () => {
    const org = { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } };
    const root = { AWS: 'arn:aws:iam::111122223333:root' };
    const saml = 'arn:aws:iam::111122223333:saml-provider/corp';
    const doc = policy(
      allow({ Principal: '*', Action: 'sts:AssumeRole', Resource: '*', Condition: org }),
      { Effect: 'Deny', NotPrincipal: root, Action: 'sts:AssumeRole' },
      allow({ Principal: { Federated: saml }, Action: 'sts:AssumeRoleWithWebIdentity' }),
    );
    expectFindings(
      doc,
      [
        ['ERROR', 'ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL', [S(0, v('Principal')), '"*"']],
        ['ERROR', 'ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE', [S(0, v('Resource')), '"*"', 1]],
        ['ERROR', 'ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL', [S(1, v('NotPrincipal')), nested(root, 6)]],
        [
          'ERROR',
          'MISMATCHED_ACTION_FOR_PRINCIPAL',
          [S(2, v('Action')), '"sts:AssumeRoleWithWebIdentity"'],
          [S(2, v('Principal'), v('Federated')), JSON.stringify(saml)],
        ],
      ],
      ...TRUST,
    );
  });

  it('Sids: unique (required for IAM, recommended for S3), letters and digits for IAM, not empty', () => {
    const principal = { AWS: '111122223333' };
    const doc = (sid: string) =>
      policy(
        allow({ Sid: sid, Principal: principal, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }),
        allow({ Sid: sid, Principal: principal, Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*' }),
      );
    expectFindings(doc('Read'), [['WARNING', 'UNIQUE_SIDS_RECOMMENDED', [S(1, v('Sid')), '"Read"', 1]]], ...BUCKET);
    const trust = policy(
      allow({ Sid: 'Ec2', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }),
      allow({ Sid: 'Ec2', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }),
    );
    assert.deepEqual(codes(trust, ...TRUST), ['UNIQUE_SIDS_REQUIRED']);
    const identity = policy(
      allow({ Sid: 'read objects', Action: 's3:GetObject', Resource: '*' }),
      allow({ Sid: 'read objects', Action: 's3:ListBucket', Resource: '*' }),
    );
    // At the same place, findings follow the reference's order.
    assert.deepEqual(codes(identity), ['UNSUPPORTED_SID', 'UNIQUE_SIDS_REQUIRED', 'UNSUPPORTED_SID']);
  });
});
