/**
 * The continuous auditor's external access findings (issue #18) with the real `aws accessanalyzer` CLI:
 * an analyzer of the account; a bucket made public by its policy and by its ACL raises a finding within
 * the auditor's interval; Block Public Access resolves it; a role trusting another account raises a
 * finding that an archive rule archives; UpdateFindings; the errors and the authorization of the API.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { awsCli, REPO_ROOT, run, startServer, uniqueName, type Credentials, type TestServer } from './harness.js';

const CLI = join(REPO_ROOT, 'dist/src/cli.js');

interface Finding {
  id: string;
  principal?: Record<string, string>;
  action?: string[];
  resource: string;
  resourceType: string;
  isPublic?: boolean;
  status: string;
  condition: Record<string, string>;
  sources?: { type: string }[];
}

const OTHER = '111122223333';

describe('Access Analyzer analyzers and findings with the aws CLI', () => {
  let server: TestServer;
  let analyzerArn = '';

  async function json(args: string[], creds?: Credentials): Promise<Record<string, unknown>> {
    const r = await awsCli(server, [...args, '--output', 'json'], { creds });
    assert.equal(r.code, 0, `aws ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim() === '' ? {} : (JSON.parse(r.stdout) as Record<string, unknown>);
  }

  async function findings(): Promise<Finding[]> {
    return (await json(['accessanalyzer', 'list-findings', '--analyzer-arn', analyzerArn])).findings as Finding[];
  }

  /** Polls the findings until `pick` finds what the test waits for (the auditor runs every 100 ms). */
  async function until<T>(what: string, pick: (fs: Finding[]) => T | undefined): Promise<T> {
    let last: Finding[] = [];
    for (const end = Date.now() + 15_000; Date.now() < end; await sleep(150)) {
      last = await findings();
      const hit = pick(last);
      if (hit !== undefined) return hit;
    }
    assert.fail(`${what}: not seen in 15 s; findings: ${JSON.stringify(last)}`);
  }

  before(async () => {
    server = await startServer({ extraArgs: ['--auditor-interval-ms', '100'] });
    analyzerArn = (await json(['accessanalyzer', 'create-analyzer', '--analyzer-name', 'account', '--type', 'ACCOUNT']))
      .arn as string;
  });
  after(async () => {
    await server?.stop();
  });

  test('get-analyzer and list-analyzers show it; a second of another type conflicts; unknown ones are not found', async () => {
    const got = (await json(['accessanalyzer', 'get-analyzer', '--analyzer-name', 'account'])).analyzer as Record<
      string,
      unknown
    >;
    assert.equal(got.arn, analyzerArn);
    assert.match(analyzerArn, /^arn:aws:access-analyzer:us-east-1:\d{12}:analyzer\/account$/);
    assert.equal(got.status, 'ACTIVE');
    const listed = (await json(['accessanalyzer', 'list-analyzers'])).analyzers as { name: string }[];
    assert.deepEqual(
      listed.map((a) => a.name),
      ['account'],
    );
    const conflict = await awsCli(server, [
      'accessanalyzer',
      'create-analyzer',
      '--analyzer-name',
      'account',
      '--type',
      'ACCOUNT_UNUSED_ACCESS',
    ]);
    assert.match(conflict.stderr, /ConflictException/);
    // The same name again is a conflict too (a new request: the CLI sends a new idempotency token) …
    const again = await awsCli(server, [
      'accessanalyzer',
      'create-analyzer',
      '--analyzer-name',
      'account',
      '--type',
      'ACCOUNT',
    ]);
    assert.match(again.stderr, /ConflictException/);
    // … while a retry of one request (the same token) gets the analyzer.
    const token = ['--client-token', 'retry-token-1'];
    const first = await json([
      'accessanalyzer',
      'create-analyzer',
      '--analyzer-name',
      'retried',
      '--type',
      'ACCOUNT',
      ...token,
    ]);
    const retry = await json([
      'accessanalyzer',
      'create-analyzer',
      '--analyzer-name',
      'retried',
      '--type',
      'ACCOUNT',
      ...token,
    ]);
    assert.equal(retry.arn, first.arn);
    await json(['accessanalyzer', 'delete-analyzer', '--analyzer-name', 'retried']);
    const missing = await awsCli(server, ['accessanalyzer', 'get-analyzer', '--analyzer-name', 'nope']);
    assert.match(missing.stderr, /ResourceNotFoundException/);
  });

  test('a bucket made public by its policy: a public finding; Block Public Access resolves it', async () => {
    const bucket = uniqueName('public');
    await json(['s3api', 'create-bucket', '--bucket', bucket]);
    await json(['s3api', 'delete-public-access-block', '--bucket', bucket]);
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` },
      ],
    };
    await json(['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', JSON.stringify(policy)]);
    const finding = await until('the public policy finding', (fs) =>
      fs.find((f) => f.resource === `arn:aws:s3:::${bucket}` && f.status === 'ACTIVE'),
    );
    assert.equal(finding.isPublic, true);
    assert.deepEqual(finding.principal, { AWS: '*' });
    assert.deepEqual(finding.action, ['s3:GetObject']);
    assert.equal(finding.resourceType, 'AWS::S3::Bucket');
    assert.deepEqual(finding.sources, [{ type: 'POLICY' }]);
    const got = (await json(['accessanalyzer', 'get-finding', '--analyzer-arn', analyzerArn, '--id', finding.id]))
      .finding as Finding;
    assert.equal(got.id, finding.id);

    await json([
      's3api',
      'put-public-access-block',
      '--bucket',
      bucket,
      '--public-access-block-configuration',
      'RestrictPublicBuckets=true',
    ]);
    await until('the finding resolved', (fs) =>
      fs.find((f) => f.id === finding.id)?.status === 'RESOLVED' ? true : undefined,
    );
  });

  test('a bucket made public by its ACL: a BUCKET_ACL finding', async () => {
    const bucket = uniqueName('acl');
    await json(['s3api', 'create-bucket', '--bucket', bucket]);
    await json(['s3api', 'delete-public-access-block', '--bucket', bucket]);
    await json([
      's3api',
      'put-bucket-ownership-controls',
      '--bucket',
      bucket,
      '--ownership-controls',
      'Rules=[{ObjectOwnership=ObjectWriter}]',
    ]);
    await json(['s3api', 'put-bucket-acl', '--bucket', bucket, '--acl', 'public-read']);
    const finding = await until('the ACL finding', (fs) =>
      fs.find((f) => f.resource === `arn:aws:s3:::${bucket}` && f.status === 'ACTIVE'),
    );
    assert.deepEqual(finding.sources, [{ type: 'BUCKET_ACL' }]);
    assert.equal(finding.isPublic, true);
    assert.ok(finding.action?.includes('s3:ListBucket'));
  });

  test('a role trusting another account: a finding that an archive rule archives, and update-findings', async () => {
    const role = uniqueName('partner');
    const trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: 'sts:AssumeRole' }],
    };
    await json(['iam', 'create-role', '--role-name', role, '--assume-role-policy-document', JSON.stringify(trust)]);
    const finding = await until('the role finding', (fs) =>
      fs.find((f) => f.resource.endsWith(`:role/${role}`) && f.status === 'ACTIVE'),
    );
    assert.deepEqual(finding.principal, { AWS: OTHER });
    assert.equal(finding.resourceType, 'AWS::IAM::Role');
    assert.ok(finding.action?.includes('sts:AssumeRole'));

    await json([
      'accessanalyzer',
      'create-archive-rule',
      '--analyzer-name',
      'account',
      '--rule-name',
      'partner',
      '--filter',
      JSON.stringify({ 'principal.AWS': { eq: [OTHER] } }),
    ]);
    const rules = (await json(['accessanalyzer', 'list-archive-rules', '--analyzer-name', 'account'])).archiveRules as {
      ruleName: string;
    }[];
    assert.deepEqual(
      rules.map((r) => r.ruleName),
      ['partner'],
    );
    assert.equal((await findings()).find((f) => f.id === finding.id)?.status, 'ARCHIVED');

    await json([
      'accessanalyzer',
      'update-findings',
      '--analyzer-arn',
      analyzerArn,
      '--status',
      'ACTIVE',
      '--ids',
      finding.id,
    ]);
    assert.equal((await findings()).find((f) => f.id === finding.id)?.status, 'ACTIVE');
    const v2 = (await json([
      'accessanalyzer',
      'get-finding-v2',
      '--analyzer-arn',
      analyzerArn,
      '--id',
      finding.id,
    ])) as {
      findingType: string;
      findingDetails: { externalAccessDetails: { principal: Record<string, string> } }[];
    };
    assert.equal(v2.findingType, 'ExternalAccess');
    assert.deepEqual(v2.findingDetails[0]!.externalAccessDetails.principal, { AWS: OTHER });

    // A new finding the rule matches is archived when it is created.
    const second = uniqueName('partner2');
    await json(['iam', 'create-role', '--role-name', second, '--assume-role-policy-document', JSON.stringify(trust)]);
    const archived = await until('the second role finding', (fs) =>
      fs.find((f) => f.resource.endsWith(`:role/${second}`)),
    );
    assert.equal(archived.status, 'ARCHIVED');
    const filtered = (
      await json([
        'accessanalyzer',
        'list-findings',
        '--analyzer-arn',
        analyzerArn,
        '--filter',
        JSON.stringify({ status: { eq: ['ARCHIVED'] } }),
      ])
    ).findings as Finding[];
    assert.ok(filtered.every((f) => f.status === 'ARCHIVED') && filtered.some((f) => f.id === archived.id));
  });

  test("Strongbox's security-posture analyzer: dangerous permissions outside the security team, the root key", async () => {
    const team = uniqueName('secteam');
    const dev = uniqueName('dev');
    const teamArn = ((await json(['iam', 'create-user', '--user-name', team])).User as { Arn: string }).Arn;
    await json(['iam', 'create-user', '--user-name', dev]);
    for (const user of [team, dev]) {
      await json([
        'iam',
        'attach-user-policy',
        '--user-name',
        user,
        '--policy-arn',
        'arn:aws:iam::aws:policy/AmazonS3FullAccess',
      ]);
    }
    const arn = (
      await json([
        'accessanalyzer',
        'create-analyzer',
        '--analyzer-name',
        'posture',
        '--type',
        'STRONGBOX_SECURITY_POSTURE',
        '--tags',
        `strongbox:security-team=${teamArn}`,
      ])
    ).arn as string;
    type Summary = { id: string; resource: string; findingType: string; status: string };
    let last: Summary[] = [];
    for (const end = Date.now() + 15_000; Date.now() < end; await sleep(300)) {
      last = (await json(['accessanalyzer', 'list-findings-v2', '--analyzer-arn', arn])).findings as Summary[];
      if (last.some((f) => f.resource.endsWith(`:user/${dev}`))) break;
    }
    const dangerous = last.find((f) => f.resource.endsWith(`:user/${dev}`) && f.findingType === 'DangerousPermission');
    assert.ok(dangerous, JSON.stringify(last));
    assert.ok(
      !last.some((f) => f.resource.endsWith(`:user/${team}`) && f.findingType === 'DangerousPermission'),
      'the team is exempt',
    );
    assert.ok(
      last.some((f) => f.findingType === 'RootAccessKey'),
      'the root user has an access key',
    );
    // Its details (Strongbox's own member, which the AWS CLI does not show) in `strongbox audit findings`.
    const cli = await run(process.execPath, [
      CLI,
      'audit',
      'findings',
      '--data-dir',
      server.dataDir,
      '--analyzer',
      'posture',
      '--json',
    ]);
    const rows = JSON.parse(cli.stdout) as { id: string; details: { action: string[]; fix: string } }[];
    const details = rows.find((r) => r.id === dangerous.id)!.details;
    assert.ok(details.action.includes('s3:*'), JSON.stringify(details));
    assert.ok(details.fix.length > 0);

    // Detaching the policy resolves the finding.
    await json([
      'iam',
      'detach-user-policy',
      '--user-name',
      dev,
      '--policy-arn',
      'arn:aws:iam::aws:policy/AmazonS3FullAccess',
    ]);
    let status = '';
    for (const end = Date.now() + 15_000; Date.now() < end && status !== 'RESOLVED'; await sleep(300)) {
      const all = (await json(['accessanalyzer', 'list-findings-v2', '--analyzer-arn', arn])).findings as Summary[];
      status = all.find((f) => f.id === dangerous.id)?.status ?? '';
    }
    assert.equal(status, 'RESOLVED', 'the dangerous-permission finding resolves');
  });

  test('internal access to a critical bucket: who inside the account can reach it, and with what', async () => {
    const bucket = uniqueName('critical');
    const reader = uniqueName('reader');
    const outsider = uniqueName('nobody');
    await json(['s3api', 'create-bucket', '--bucket', bucket]);
    await json(['iam', 'create-user', '--user-name', reader]);
    await json(['iam', 'create-user', '--user-name', outsider]);
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
    };
    await json([
      'iam',
      'put-user-policy',
      '--user-name',
      reader,
      '--policy-name',
      'read',
      '--policy-document',
      JSON.stringify(policy),
    ]);
    const configuration = {
      internalAccess: { analysisRule: { inclusions: [{ resourceArns: [`arn:aws:s3:::${bucket}`] }] } },
    };
    const arn = (
      await json([
        'accessanalyzer',
        'create-analyzer',
        '--analyzer-name',
        'internal',
        '--type',
        'ACCOUNT_INTERNAL_ACCESS',
        '--configuration',
        JSON.stringify(configuration),
      ])
    ).arn as string;
    type Summary = { id: string; resource: string; findingType: string; status: string };
    type Details = {
      findingDetails: {
        internalAccessDetails: {
          principal: Record<string, string>;
          action: string[];
          accessType: string;
          principalType: string;
        };
      }[];
    };
    const details: Details['findingDetails'][number]['internalAccessDetails'][] = [];
    for (const end = Date.now() + 15_000; Date.now() < end && details.length === 0; await sleep(300)) {
      const listed = (await json(['accessanalyzer', 'list-findings-v2', '--analyzer-arn', arn])).findings as Summary[];
      for (const f of listed.filter(
        (x) => x.findingType === 'InternalAccess' && x.resource === `arn:aws:s3:::${bucket}`,
      )) {
        const got = (await json(['accessanalyzer', 'get-finding-v2', '--analyzer-arn', arn, '--id', f.id])) as Details;
        details.push(got.findingDetails[0]!.internalAccessDetails);
      }
    }
    const mine = details.find((d) => d.principal.AWS?.endsWith(`:user/${reader}`));
    assert.ok(mine, JSON.stringify(details));
    assert.deepEqual(mine.action, ['s3:GetObject']);
    assert.equal(mine.accessType, 'INTRA_ACCOUNT');
    assert.equal(mine.principalType, 'IAM_USER');
    assert.ok(
      !details.some((d) => d.principal.AWS?.endsWith(`:user/${outsider}`)),
      'a user no policy lets in has no finding',
    );
    const none = await awsCli(server, [
      'accessanalyzer',
      'create-analyzer',
      '--analyzer-name',
      'internal2',
      '--type',
      'ACCOUNT_INTERNAL_ACCESS',
    ]);
    assert.match(none.stderr, /ValidationException/);
  });

  test('a user without access-analyzer permissions is denied', async () => {
    const user = uniqueName('viewer');
    await json(['iam', 'create-user', '--user-name', user]);
    const key = (await json(['iam', 'create-access-key', '--user-name', user])).AccessKey as {
      AccessKeyId: string;
      SecretAccessKey: string;
    };
    const creds = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    const denied = await awsCli(server, ['accessanalyzer', 'list-findings', '--analyzer-arn', analyzerArn], { creds });
    assert.match(denied.stderr, /AccessDeniedException/);
  });
});

describe('Access Analyzer unused access with the aws CLI (days of one second)', () => {
  let server: TestServer;

  async function json(args: string[], creds?: Credentials): Promise<Record<string, unknown>> {
    const r = await awsCli(server, [...args, '--output', 'json'], { creds });
    assert.equal(r.code, 0, `aws ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim() === '' ? {} : (JSON.parse(r.stdout) as Record<string, unknown>);
  }

  before(async () => {
    server = await startServer({
      extraArgs: ['--auditor-interval-ms', '100', '--auditor-scan-ms', '1000', '--auditor-day-seconds', '1'],
    });
  });
  after(async () => {
    await server?.stop();
  });

  test('an idle role, a dormant key and an unused service are findings; the active user keeps its used service', async () => {
    const trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    };
    await json(['iam', 'create-role', '--role-name', 'idle', '--assume-role-policy-document', JSON.stringify(trust)]);
    await json(['iam', 'create-user', '--user-name', 'dormant']);
    const dormantKey = (await json(['iam', 'create-access-key', '--user-name', 'dormant'])).AccessKey as {
      AccessKeyId: string;
    };
    await json(['iam', 'create-user', '--user-name', 'active']);
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:ListAllMyBuckets', 'iam:ListUsers'], Resource: '*' }],
    };
    await json([
      'iam',
      'put-user-policy',
      '--user-name',
      'active',
      '--policy-name',
      'p',
      '--policy-document',
      JSON.stringify(policy),
    ]);
    const key = (await json(['iam', 'create-access-key', '--user-name', 'active'])).AccessKey as {
      AccessKeyId: string;
      SecretAccessKey: string;
    };
    const active = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    const arn = (
      await json([
        'accessanalyzer',
        'create-analyzer',
        '--analyzer-name',
        'unused',
        '--type',
        'ACCOUNT_UNUSED_ACCESS',
        '--configuration',
        // Six one-second days: slack for a loaded machine, where one aws CLI call can take a second or two.
        JSON.stringify({ unusedAccess: { unusedAccessAge: 6 } }),
      ])
    ).arn as string;

    type Summary = { id: string; resource: string; findingType: string; status: string };
    let last: Summary[] = [];
    const wanted = () =>
      last.some((f) => f.resource.endsWith(':role/idle') && f.findingType === 'UnusedIAMRole') &&
      last.some((f) => f.resource.endsWith(':user/dormant') && f.findingType === 'UnusedIAMUserAccessKey') &&
      last.some((f) => f.resource.endsWith(':user/active') && f.findingType === 'UnusedPermission');
    for (const end = Date.now() + 30_000; Date.now() < end && !wanted(); await sleep(300)) {
      await json(['s3api', 'list-buckets'], active); // the active user keeps using S3
      last = ((await json(['accessanalyzer', 'list-findings-v2', '--analyzer-arn', arn])).findings as Summary[]).filter(
        (f) => f.status === 'ACTIVE',
      );
    }
    assert.ok(wanted(), JSON.stringify(last));
    const permission = last.find((f) => f.resource.endsWith(':user/active') && f.findingType === 'UnusedPermission')!;
    type Details = { findingDetails: { unusedPermissionDetails: { serviceNamespace: string } }[] };
    const unusedServices = async () =>
      ((await json(['accessanalyzer', 'get-finding-v2', '--analyzer-arn', arn, '--id', permission.id])) as Details).findingDetails.map(
        (d) => d.unusedPermissionDetails.serviceNamespace,
      );
    // S3 is in use; IAM is not. An evaluation that ran before the first S3 call was recorded named both:
    // the next ones (every second) see the use.
    let services = await unusedServices();
    for (const end = Date.now() + 30_000; Date.now() < end && services.includes('s3'); await sleep(300)) {
      await json(['s3api', 'list-buckets'], active);
      services = await unusedServices();
    }
    assert.deepEqual(services, ['iam']);
    assert.ok(!last.some((f) => f.resource.endsWith(':user/active') && f.findingType === 'UnusedIAMUserAccessKey'));
    const keyFinding = last.find((f) => f.findingType === 'UnusedIAMUserAccessKey')!;
    const keyDetails = (await json([
      'accessanalyzer',
      'get-finding-v2',
      '--analyzer-arn',
      arn,
      '--id',
      keyFinding.id,
    ])) as {
      findingDetails: { unusedIamUserAccessKeyDetails: { accessKeyId: string } }[];
    };
    assert.equal(keyDetails.findingDetails[0]!.unusedIamUserAccessKeyDetails.accessKeyId, dormantKey.AccessKeyId);

    // list-findings (v1) is for external access analyzers only.
    const v1 = await awsCli(server, ['accessanalyzer', 'list-findings', '--analyzer-arn', arn]);
    assert.match(v1.stderr, /ValidationException/);
  });
});
