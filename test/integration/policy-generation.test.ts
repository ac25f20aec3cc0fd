/**
 * Access Analyzer's policy generation end to end (issue #18) with the real `aws` CLI for CloudTrail and
 * Access Analyzer and the SDK v3 for the workload: a trail selecting S3 data events for a bucket, a role
 * with broad S3 permissions that a user may assume, a recorded workload of that role (puts, gets and a
 * listing in one bucket and one prefix); `aws accessanalyzer start-policy-generation` for the role,
 * `get-generated-policy` polled until SUCCEEDED; the generated policy put on a new role of the same trust,
 * and the workload replayed under it: every request allowed, and requests outside it (another bucket,
 * DeleteObject, another prefix, a key never written) denied. Plus the errors: an unknown job id, a
 * principal of another account, a range over 90 days.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  awsCli,
  iamClient,
  s3Client,
  startServer,
  stsClient,
  uniqueName,
  type Credentials,
  type TestServer,
} from './harness.js';

const doc = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

interface GeneratedPolicy {
  jobDetails: { jobId: string; status: string; jobError?: { code: string } };
  generatedPolicyResult: { properties: { isComplete?: boolean }; generatedPolicies?: { policy: string }[] };
}

/** The error code of a failed S3 call, or 'OK'. */
async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'OK';
  } catch (e) {
    return (e as { name?: string; Code?: string }).Code ?? (e as { name: string }).name;
  }
}

describe('policy generation from a recorded workload, replayed under the generated policy', { timeout: 30_000 }, () => {
  let server: TestServer;
  let iam: IAMClient;
  let account = '';
  let operator: Credentials;
  const dataBucket = uniqueName('pg-data');
  const otherBucket = uniqueName('pg-other');
  const trailBucket = uniqueName('pg-trail');
  const trailName = 'policy-generation-trail';
  let trailArn = '';
  let accessRole = '';
  const trust = () =>
    doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:user/operator` }, Action: 'sts:AssumeRole' }]);

  async function json(args: string[], creds?: Credentials): Promise<Record<string, unknown>> {
    const r = await awsCli(server, [...args, '--output', 'json'], { creds });
    assert.equal(r.code, 0, `aws ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim() === '' ? {} : (JSON.parse(r.stdout) as Record<string, unknown>);
  }

  async function fails(args: string[]): Promise<string> {
    const r = await awsCli(server, args);
    assert.notEqual(r.code, 0, `expected aws ${args.join(' ')} to fail`);
    return /An error occurred \(([^)]+)\)/.exec(r.stderr)?.[1] ?? r.stderr;
  }

  /** A session of the role, assumed by the operator user. */
  async function session(roleArn: string): Promise<S3Client> {
    const out = await stsClient(server, operator).send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: uniqueName('run') }),
    );
    const c = out.Credentials!;
    return s3Client(server, {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    });
  }

  /** The workload: three writes and two reads under `reports/`, and a listing of that prefix. */
  async function workload(s3: S3Client): Promise<string[]> {
    const results: string[] = [];
    for (const key of ['reports/a.csv', 'reports/b.csv', 'reports/c.csv']) {
      results.push(await outcome(() => s3.send(new PutObjectCommand({ Bucket: dataBucket, Key: key, Body: key }))));
    }
    for (const key of ['reports/a.csv', 'reports/b.csv']) {
      results.push(
        await outcome(async () =>
          (await s3.send(new GetObjectCommand({ Bucket: dataBucket, Key: key }))).Body!.transformToString(),
        ),
      );
    }
    results.push(await outcome(() => s3.send(new ListObjectsV2Command({ Bucket: dataBucket, Prefix: 'reports/' }))));
    return results;
  }

  before(async () => {
    server = await startServer();
    iam = iamClient(server);
    account = (await stsClient(server).send(new GetCallerIdentityCommand({}))).Account ?? '';
    trailArn = `arn:aws:cloudtrail:${server.region}:${account}:trail/${trailName}`;
    const root = s3Client(server);
    for (const b of [dataBucket, otherBucket, trailBucket]) await root.send(new CreateBucketCommand({ Bucket: b }));
    await root.send(new PutObjectCommand({ Bucket: otherBucket, Key: 'reports/a.csv', Body: 'other' }));
    await root.send(new PutObjectCommand({ Bucket: dataBucket, Key: 'private/x.csv', Body: 'private' }));
    const cloudtrail = { Service: 'cloudtrail.amazonaws.com' };
    await root.send(
      new PutBucketPolicyCommand({
        Bucket: trailBucket,
        Policy: doc([
          {
            Effect: 'Allow',
            Principal: cloudtrail,
            Action: 's3:GetBucketAcl',
            Resource: `arn:aws:s3:::${trailBucket}`,
          },
          {
            Effect: 'Allow',
            Principal: cloudtrail,
            Action: 's3:PutObject',
            Resource: `arn:aws:s3:::${trailBucket}/AWSLogs/${account}/*`,
            Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
          },
        ]),
      }),
    );
    // The operator may assume roles; the roles' trust policies name it.
    await iam.send(new CreateUserCommand({ UserName: 'operator' }));
    const statement = { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${account}:role/*` };
    await iam.send(
      new PutUserPolicyCommand({ UserName: 'operator', PolicyName: 'assume', PolicyDocument: doc([statement]) }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'operator' }))).AccessKey!;
    operator = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const analyzerTrust = doc([
      { Effect: 'Allow', Principal: { Service: 'access-analyzer.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    const created = await iam.send(
      new CreateRoleCommand({
        RoleName: 'AccessAnalyzerMonitorServiceRole',
        Path: '/service-role/',
        AssumeRolePolicyDocument: analyzerTrust,
      }),
    );
    accessRole = created.Role!.Arn!;
  });
  after(async () => server?.stop());

  test('the generated policy lets the workload run again, and nothing more', async () => {
    await json(['cloudtrail', 'create-trail', '--name', trailName, '--s3-bucket-name', trailBucket]);
    const selectors = [
      {
        ReadWriteType: 'All',
        IncludeManagementEvents: true,
        DataResources: [{ Type: 'AWS::S3::Object', Values: [`arn:aws:s3:::${dataBucket}/`] }],
      },
    ];
    await json([
      'cloudtrail',
      'put-event-selectors',
      '--trail-name',
      trailName,
      '--event-selectors',
      JSON.stringify(selectors),
    ]);
    await json(['cloudtrail', 'start-logging', '--name', trailName]);

    const broad = await iam.send(new CreateRoleCommand({ RoleName: 'worker', AssumeRolePolicyDocument: trust() }));
    const workerArn = broad.Role!.Arn!;
    const s3All = doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]);
    await iam.send(new PutRolePolicyCommand({ RoleName: 'worker', PolicyName: 's3-all', PolicyDocument: s3All }));
    const startTime = new Date(Date.now() - 5 * 60_000).toISOString();
    assert.deepEqual(await workload(await session(workerArn)), ['OK', 'OK', 'OK', 'OK', 'OK', 'OK']);

    const started = await json([
      'accessanalyzer',
      'start-policy-generation',
      '--policy-generation-details',
      JSON.stringify({ principalArn: workerArn }),
      '--cloud-trail-details',
      JSON.stringify({ trails: [{ cloudTrailArn: trailArn, allRegions: true }], accessRole, startTime }),
    ]);
    const jobId = started.jobId as string;
    assert.match(jobId, /^[0-9a-f-]{36}$/);
    let generated: GeneratedPolicy | undefined;
    for (let i = 0; i < 40 && generated?.jobDetails.status !== 'SUCCEEDED'; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      generated = (await json([
        'accessanalyzer',
        'get-generated-policy',
        '--job-id',
        jobId,
      ])) as unknown as GeneratedPolicy;
      assert.notEqual(generated.jobDetails.status, 'FAILED', JSON.stringify(generated));
    }
    assert.equal(generated?.jobDetails.status, 'SUCCEEDED');
    assert.equal(generated.generatedPolicyResult.properties.isComplete, true);
    const policies = (generated.generatedPolicyResult.generatedPolicies ?? []).map((p) => p.policy);
    assert.ok(policies.length > 0, JSON.stringify(generated));
    assert.ok(!policies.some((p) => p.includes(otherBucket) || p.includes('s3:*')), policies.join('\n'));
    // The generated policy, created as AWS suggests (CreatePolicy), on a new role of the same trust; the
    // job listed meanwhile (each CLI call takes a second or more).
    const listing = json(['accessanalyzer', 'list-policy-generations', '--principal-arn', workerArn]);
    await iam.send(new CreateRoleCommand({ RoleName: 'worker-least', AssumeRolePolicyDocument: trust() }));
    for (const [i, policy] of policies.entries()) {
      const p = await iam.send(
        new CreatePolicyCommand({ PolicyName: `worker-generated-${i}`, PolicyDocument: policy }),
      );
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'worker-least', PolicyArn: p.Policy!.Arn! }));
    }
    assert.deepEqual(
      ((await listing).policyGenerations as { jobId: string; status: string }[]).map((j) => [j.jobId, j.status]),
      [[jobId, 'SUCCEEDED']],
    );
    const least = await session(`arn:aws:iam::${account}:role/worker-least`);
    assert.deepEqual(await workload(least), ['OK', 'OK', 'OK', 'OK', 'OK', 'OK'], policies.join('\n'));
    const outside: [string, () => Promise<unknown>][] = [
      ['another bucket', () => least.send(new GetObjectCommand({ Bucket: otherBucket, Key: 'reports/a.csv' }))],
      ['DeleteObject', () => least.send(new DeleteObjectCommand({ Bucket: dataBucket, Key: 'reports/a.csv' }))],
      ['another prefix', () => least.send(new GetObjectCommand({ Bucket: dataBucket, Key: 'private/x.csv' }))],
      [
        'a key never written',
        () => least.send(new PutObjectCommand({ Bucket: dataBucket, Key: 'reports/d.csv', Body: 'd' })),
      ],
    ];
    for (const [what, run] of outside) assert.equal(await outcome(run), 'AccessDenied', what);
  });

  test('errors: an unknown job id, a principal of another account, a range over 90 days', async () => {
    const details = (o: Record<string, unknown>) =>
      JSON.stringify({ trails: [{ cloudTrailArn: trailArn }], accessRole, startTime: '2026-01-01T00:00:00Z', ...o });
    const start = (principalArn: string, o: Record<string, unknown> = {}) => [
      'accessanalyzer',
      'start-policy-generation',
      '--policy-generation-details',
      JSON.stringify({ principalArn }),
      '--cloud-trail-details',
      details(o),
    ];
    const worker = `arn:aws:iam::${account}:role/worker`;
    // In parallel: each CLI call takes a second or more.
    const codes = await Promise.all([
      fails(['accessanalyzer', 'get-generated-policy', '--job-id', '00000000-0000-0000-0000-000000000000']),
      fails(start('arn:aws:iam::999999999999:role/worker')),
      fails(start(worker, { endTime: '2026-04-02T00:00:01Z' })),
    ]);
    assert.deepEqual(codes, ['ValidationException', 'ValidationException', 'ValidationException']);
  });
});
