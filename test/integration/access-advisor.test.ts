/**
 * The IAM access advisor with the real `aws` CLI against the real server: generate-service-last-
 * accessed-details, get-service-last-accessed-details (service and action level) and
 * get-service-last-accessed-details-with-entities, fed by the requests users actually make.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsCli, startServer, uniqueName, type Credentials, type TestServer } from './harness.js';

type Json = Record<string, unknown>;

async function cli(server: TestServer, args: string[], creds?: Credentials): Promise<Json> {
  const r = await awsCli(server, [...args, '--output', 'json'], { creds });
  assert.equal(r.code, 0, `aws ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim() === '' ? {} : (JSON.parse(r.stdout) as Json);
}

async function cliError(server: TestServer, args: string[]): Promise<string> {
  const r = await awsCli(server, args);
  assert.notEqual(r.code, 0, `expected aws ${args.join(' ')} to fail`);
  const m = /An error occurred \(([A-Za-z]+)\)/.exec(r.stderr);
  return m ? m[1] : r.stderr;
}

interface KeyedUser {
  readonly arn: string;
  readonly creds: Credentials;
}

/** A user with an inline policy and an access key of its own. */
async function userWithKey(server: TestServer, name: string, policy: object): Promise<KeyedUser> {
  const user = (await cli(server, ['iam', 'create-user', '--user-name', name])).User as Record<string, string>;
  const file = join(server.dataDir, '..', `${name}.json`);
  writeFileSync(file, JSON.stringify(policy));
  const document = `file://${file}`;
  await cli(server, ['iam', 'put-user-policy', '--user-name', name, '--policy-name', 'p', '--policy-document', document]);
  const created = await cli(server, ['iam', 'create-access-key', '--user-name', name]);
  const key = created.AccessKey as Record<string, string>;
  return { arn: user.Arn, creds: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey } };
}

async function report(server: TestServer, arn: string, granularity: string): Promise<{ jobId: string; details: Json }> {
  const args = ['iam', 'generate-service-last-accessed-details', '--arn', arn, '--granularity', granularity];
  const { JobId } = (await cli(server, args)) as { JobId: string };
  return { jobId: JobId, details: await cli(server, ['iam', 'get-service-last-accessed-details', '--job-id', JobId]) };
}

type EntityDetails = { EntityInfo: Json; LastAuthenticated?: string };

async function entityDetails(server: TestServer, jobId: string, namespace: string): Promise<EntityDetails[]> {
  const args = ['--job-id', jobId, '--service-namespace', namespace];
  const r = await cli(server, ['iam', 'get-service-last-accessed-details-with-entities', ...args]);
  assert.equal(r.JobStatus, 'COMPLETED');
  return r.EntityDetailsList as EntityDetails[];
}

const services = (details: Json) => details.ServicesLastAccessed as Json[];
const service = (details: Json, ns: string) => services(details).find((s) => s.ServiceNamespace === ns);

/** Recorded uses reach iam.sqlite within about a second (one batch per interval): poll for them. */
async function eventually<T>(probe: () => Promise<T | undefined>, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const S3_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };

describe('IAM access advisor with the aws CLI', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  test('generate and get: the services a policy allows, COMPLETED at once, AWS error codes', async () => {
    const name = uniqueName('idle');
    const { arn } = await userWithKey(server, name, {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:*', 'iam:GetUser'], Resource: '*' }],
    });
    const { jobId, details } = await report(server, arn, 'SERVICE_LEVEL');
    assert.equal(jobId.length, 36);
    assert.equal(details.JobStatus, 'COMPLETED');
    assert.equal(details.JobType, 'SERVICE_LEVEL');
    assert.ok(!Number.isNaN(Date.parse(String(details.JobCompletionDate))));
    assert.equal(details.IsTruncated, false);
    assert.deepEqual(services(details).map((s) => s.ServiceNamespace), ['iam', 's3']);
    assert.deepEqual(service(details, 's3'), {
      ServiceName: 'Amazon Simple Storage Service',
      ServiceNamespace: 's3',
      TotalAuthenticatedEntities: 0,
    });
    const list = await entityDetails(server, jobId, 's3');
    const rows = list.map((e) => [e.EntityInfo.Arn, e.EntityInfo.Type, e.EntityInfo.Name, e.LastAuthenticated]);
    assert.deepEqual(rows, [[arn, 'USER', name, undefined]]);
    const acct = arn.split(':')[4];
    const generate = ['iam', 'generate-service-last-accessed-details', '--arn'];
    assert.equal(await cliError(server, [...generate, `arn:aws:iam::${acct}:user/${uniqueName('ghost')}`]), 'NoSuchEntity');
    assert.equal(await cliError(server, [...generate, 'arn:aws:s3:::not-an-iam-entity']), 'InvalidInput');
    const unknownJob = '00000000-0000-0000-0000-000000000000';
    assert.equal(await cliError(server, ['iam', 'get-service-last-accessed-details', '--job-id', unknownJob]), 'NoSuchEntity');
  });

  test('a user\'s S3 calls show up: LastAuthenticated for s3, CreateBucket tracked at ACTION_LEVEL', async () => {
    const admin = await userWithKey(server, uniqueName('admin'), S3_ALL);
    const writer = await userWithKey(server, uniqueName('writer'), S3_ALL);
    const bucket = uniqueName('advisor');
    const body = join(server.dataDir, '..', `${bucket}.txt`);
    writeFileSync(body, 'hello');
    const startedAt = Date.now() - 1000;
    await cli(server, ['s3api', 'create-bucket', '--bucket', bucket], admin.creds);
    await cli(server, ['s3api', 'put-object', '--bucket', bucket, '--key', 'a.txt', '--body', body], writer.creds);

    // The admin's bucket creation: service level and the tracked management action.
    const adminS3 = await eventually(async () => {
      const s = service((await report(server, admin.arn, 'ACTION_LEVEL')).details, 's3');
      return s?.LastAuthenticated ? s : undefined;
    }, 'the admin user\'s S3 use');
    assert.equal(adminS3.LastAuthenticatedEntity, admin.arn);
    assert.equal(adminS3.LastAuthenticatedRegion, server.region);
    assert.equal(adminS3.TotalAuthenticatedEntities, 1);
    assert.ok(Date.parse(String(adminS3.LastAuthenticated)) >= startedAt);
    const tracked = adminS3.TrackedActionsLastAccessed as Json[];
    const createBucket = tracked.find((a) => a.ActionName === 'CreateBucket');
    assert.equal(createBucket?.LastAccessedEntity, admin.arn);
    assert.ok(Date.parse(String(createBucket?.LastAccessedTime)) >= startedAt);
    assert.equal(tracked.find((a) => a.ActionName === 'PutBucketPolicy')?.LastAccessedTime, undefined);

    // The writer's PutObject counts for S3 at the service level; object actions are data events, which
    // AWS does not track at action level, so no tracked action of the writer has a time.
    const writerS3 = await eventually(async () => {
      const s = service((await report(server, writer.arn, 'ACTION_LEVEL')).details, 's3');
      return s?.LastAuthenticated ? s : undefined;
    }, 'the writer\'s S3 use');
    assert.equal(writerS3.LastAuthenticatedEntity, writer.arn);
    const writerTracked = writerS3.TrackedActionsLastAccessed as Json[];
    assert.ok(!writerTracked.some((a) => a.ActionName === 'PutObject'));
    assert.deepEqual(writerTracked.filter((a) => a.LastAccessedTime !== undefined), []);

    const { jobId } = await report(server, writer.arn, 'SERVICE_LEVEL');
    const list = await entityDetails(server, jobId, 's3');
    assert.equal(list[0].EntityInfo.Arn, writer.arn);
    assert.ok(Date.parse(String(list[0].LastAuthenticated)) >= startedAt);
  });
});
