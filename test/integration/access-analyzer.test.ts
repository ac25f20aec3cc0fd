/**
 * IAM Access Analyzer's policy checks (issue #18) with the real `aws accessanalyzer` CLI and boto3:
 * ValidatePolicy on the seed documents' policies (their risky grants flagged, with locations),
 * CheckNoNewAccess catching a widened policy version, CheckAccessNotGranted, CheckNoPublicAccess on a
 * public and a pinned bucket policy, pagination, authorization as `access-analyzer:<Operation>`, and
 * the calls in CloudTrail's event history.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { awsCli, python, startServer, uniqueName, type Credentials, type TestServer } from './harness.js';

async function json(server: TestServer, args: string[], creds?: Credentials): Promise<Record<string, unknown>> {
  const r = await awsCli(server, [...args, '--output', 'json'], { creds });
  assert.equal(r.code, 0, `aws ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim() === '' ? {} : (JSON.parse(r.stdout) as Record<string, unknown>);
}

interface Finding {
  findingType: string;
  issueCode: string;
  learnMoreLink: string;
  locations: { path: Record<string, unknown>[]; span: { start: { line: number; column: number; offset: number } } }[];
}

const doc = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

/** The first policy of 000_d3a36a6049cf323e.txt, as the seed prints it. */
const SEED_S3_FULL = `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "*"
        }
    ]
}`;

describe('IAM Access Analyzer policy checks with the aws CLI and boto3', () => {
  let server: TestServer;
  let accountId = '';
  before(async () => {
    server = await startServer();
    accountId = (await json(server, ['sts', 'get-caller-identity'])).Account as string;
  });
  after(async () => {
    await server?.stop();
  });

  test("validate-policy flags the seed's s3:* on * and a PassRole on *, with the path and span of each", async () => {
    const seed = (
      await json(server, [
        'accessanalyzer',
        'validate-policy',
        '--policy-type',
        'IDENTITY_POLICY',
        '--policy-document',
        SEED_S3_FULL,
      ])
    ).findings as Finding[];
    const warning = seed.find((f) => f.findingType === 'SECURITY_WARNING');
    assert.ok(warning, `a security warning for s3:* on *: ${JSON.stringify(seed)}`);
    assert.ok(warning.locations.length > 0 && warning.locations[0]!.path.length > 0);
    assert.equal(warning.locations[0]!.span.start.line > 1, true, 'a span into the document, not its start');

    const passRole = doc([{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }]);
    const found = (
      await json(server, [
        'accessanalyzer',
        'validate-policy',
        '--policy-type',
        'IDENTITY_POLICY',
        '--policy-document',
        passRole,
      ])
    ).findings as Finding[];
    assert.ok(
      found.some((f) => f.findingType === 'SECURITY_WARNING' && f.issueCode === 'PASS_ROLE_WITH_STAR_IN_RESOURCE'),
      JSON.stringify(found),
    );

    const clean = doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }]);
    assert.deepEqual(
      (
        await json(server, [
          'accessanalyzer',
          'validate-policy',
          '--policy-type',
          'IDENTITY_POLICY',
          '--policy-document',
          clean,
        ])
      ).findings,
      [],
    );

    const broken = (
      await json(server, [
        'accessanalyzer',
        'validate-policy',
        '--policy-type',
        'IDENTITY_POLICY',
        '--policy-document',
        '{"Version": "2012-10-17", "Statement": [',
      ])
    ).findings as Finding[];
    assert.equal(broken[0]?.findingType, 'ERROR');
  });

  test('boto3: validate_policy pages with maxResults and nextToken; a bad enum is a ValidationException', async () => {
    const r = await python(
      server,
      `
import boto3, json, botocore, os
c = boto3.client('accessanalyzer', endpoint_url=os.environ['STRONGBOX_ENDPOINT'])
policy = json.dumps({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "*"},
  {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]})
first = c.validate_policy(policyDocument=policy, policyType='IDENTITY_POLICY', maxResults=1)
rest = c.validate_policy(policyDocument=policy, policyType='IDENTITY_POLICY', nextToken=first['nextToken'])
every = [f for p in c.get_paginator('validate_policy').paginate(policyDocument=policy, policyType='IDENTITY_POLICY') for f in p['findings']]
try:
    c.validate_policy(policyDocument=policy, policyType='SOME_POLICY')
    bad = None
except botocore.exceptions.ClientError as e:
    bad = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]
print(json.dumps({"first": len(first['findings']), "rest": len(rest['findings']), "every": len(every), "bad": bad}))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { first: number; rest: number; every: number; bad: unknown };
    assert.equal(out.first, 1);
    assert.equal(out.first + out.rest, out.every);
    assert.ok(out.every >= 2);
    assert.deepEqual(out.bad, ['ValidationException', 400]);
  });

  test('check-no-new-access catches a widened policy version and passes a narrowed one', async () => {
    const existing = doc([
      { Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' },
    ]);
    const widened = doc([{ Sid: 'Read', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::reports/*' }]);
    const narrowed = doc([
      { Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/2026/*' },
    ]);
    const fail = await json(server, [
      'accessanalyzer',
      'check-no-new-access',
      '--policy-type',
      'IDENTITY_POLICY',
      '--existing-policy-document',
      existing,
      '--new-policy-document',
      widened,
    ]);
    assert.equal(fail.result, 'FAIL');
    assert.ok(
      (fail.reasons as { statementIndex?: number }[]).some((r) => r.statementIndex === 0),
      JSON.stringify(fail),
    );
    const pass = await json(server, [
      'accessanalyzer',
      'check-no-new-access',
      '--policy-type',
      'IDENTITY_POLICY',
      '--existing-policy-document',
      existing,
      '--new-policy-document',
      narrowed,
    ]);
    assert.equal(pass.result, 'PASS');
  });

  test('check-access-not-granted and check-no-public-access', async () => {
    const reader = doc([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' }]);
    const notGranted = await json(server, [
      'accessanalyzer',
      'check-access-not-granted',
      '--policy-type',
      'IDENTITY_POLICY',
      '--policy-document',
      reader,
      '--access',
      'actions=s3:DeleteObject,s3:PutBucketPolicy',
    ]);
    assert.equal(notGranted.result, 'PASS');
    const granted = await json(server, [
      'accessanalyzer',
      'check-access-not-granted',
      '--policy-type',
      'IDENTITY_POLICY',
      '--policy-document',
      reader,
      '--access',
      'actions=s3:GetObject',
    ]);
    assert.equal(granted.result, 'FAIL');

    const publicRead = doc([
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' },
    ]);
    const pinned = doc([
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::site/*',
        Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
      },
    ]);
    const isPublic = await json(server, [
      'accessanalyzer',
      'check-no-public-access',
      '--resource-type',
      'AWS::S3::Bucket',
      '--policy-document',
      publicRead,
    ]);
    assert.equal(isPublic.result, 'FAIL');
    const notPublic = await json(server, [
      'accessanalyzer',
      'check-no-public-access',
      '--resource-type',
      'AWS::S3::Bucket',
      '--policy-document',
      pinned,
    ]);
    assert.equal(notPublic.result, 'PASS');
  });

  test('each check is authorized as access-analyzer:<Operation>, and recorded in the event history', async () => {
    const name = uniqueName('analyst');
    await json(server, ['iam', 'create-user', '--user-name', name]);
    const k = (await json(server, ['iam', 'create-access-key', '--user-name', name])).AccessKey as Record<
      string,
      string
    >;
    const creds = { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
    const args = [
      'accessanalyzer',
      'validate-policy',
      '--policy-type',
      'IDENTITY_POLICY',
      '--policy-document',
      SEED_S3_FULL,
    ];
    const denied = await awsCli(server, args, { creds });
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /\(AccessDeniedException\)/);
    await json(server, [
      'iam',
      'put-user-policy',
      '--user-name',
      name,
      '--policy-name',
      'validate',
      '--policy-document',
      doc([{ Effect: 'Allow', Action: 'access-analyzer:ValidatePolicy', Resource: '*' }]),
    ]);
    await json(server, args, creds);
    const events = (
      await json(server, [
        'cloudtrail',
        'lookup-events',
        '--lookup-attributes',
        'AttributeKey=EventName,AttributeValue=ValidatePolicy',
      ])
    ).Events as { Username?: string; CloudTrailEvent: string }[];
    const mine = events
      .map((e) => JSON.parse(e.CloudTrailEvent) as Record<string, unknown>)
      .filter((e) => (e.userIdentity as { userName?: string }).userName === name);
    assert.deepEqual(
      mine.map((e) => [e.eventSource, e.errorCode ?? 'ok']).sort(),
      [
        ['access-analyzer.amazonaws.com', 'AccessDenied'],
        ['access-analyzer.amazonaws.com', 'ok'],
      ].sort(),
    );
    assert.equal(mine[0]!.recipientAccountId, accountId);
  });
});
