/**
 * Object Lock with the real clients against the real server: a bucket created with Object Lock by the
 * `aws` CLI; with boto3 (test/integration/s3/boto3_object_lock.py) COMPLIANCE retention refusing the
 * account root until its date, the bucket's default retention, legal holds, AWS's request errors, and
 * GOVERNANCE retention that only a caller with s3:BypassGovernanceRetention (and the header) gets past.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { REPO_ROOT, awsCli, iamClient, python, startServer, uniqueName, type Credentials, type TestServer } from './harness.js';

const SCRIPT = readFileSync(join(REPO_ROOT, 'test/integration/s3/boto3_object_lock.py'), 'utf8');

describe('Object Lock with the aws CLI and boto3', { concurrency: 3 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  async function scenario(args: readonly string[], creds?: Credentials): Promise<Record<string, unknown>> {
    const r = await python(server, SCRIPT, { args, creds, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
  }

  async function userWith(actions: readonly string[], bucket: string): Promise<Credentials> {
    const iam = iamClient(server);
    const name = uniqueName('user');
    await iam.send(new CreateUserCommand({ UserName: name }));
    const statement = { Effect: 'Allow', Action: actions, Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] };
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }) }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    return { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
  }

  test('the aws CLI creates a bucket with Object Lock, sets a legal hold and reads it back', async () => {
    const b = uniqueName('lock-cli');
    const cli = async (args: readonly string[]) => {
      const r = await awsCli(server, [...args, '--output', 'json']);
      assert.equal(r.code, 0, `aws ${args.join(' ')}\n${r.stderr}`);
      return r.stdout.trim() === '' ? {} : (JSON.parse(r.stdout) as Record<string, unknown>);
    };
    await cli(['s3api', 'create-bucket', '--bucket', b, '--object-lock-enabled-for-bucket']);
    assert.deepEqual(await cli(['s3api', 'get-object-lock-configuration', '--bucket', b]), { ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' } });
    const put = await cli(['s3api', 'put-object', '--bucket', b, '--key', 'evidence', '--body', join(REPO_ROOT, 'package.json')]);
    await cli(['s3api', 'put-object-legal-hold', '--bucket', b, '--key', 'evidence', '--legal-hold', 'Status=ON']);
    assert.deepEqual(await cli(['s3api', 'get-object-legal-hold', '--bucket', b, '--key', 'evidence']), { LegalHold: { Status: 'ON' } });
    const refused = await awsCli(server, ['s3api', 'delete-object', '--bucket', b, '--key', 'evidence', '--version-id', put.VersionId as string]);
    assert.match(refused.stderr, /\(AccessDenied\)/);
  });

  test('COMPLIANCE: no one, the root included, deletes or shortens it before its date; default retention; checksums required', async () => {
    assert.deepEqual(await scenario(['compliance', uniqueName('lock-c')]), { ok: true });
  });

  test('legal hold: a version stays until the hold is off', async () => {
    assert.deepEqual(await scenario(['legal-hold', uniqueName('lock-h')]), { ok: true });
  });

  test("AWS's request errors for Object Lock configurations, retention and legal holds", async () => {
    assert.deepEqual(await scenario(['errors', uniqueName('lock-e')]), { ok: true });
  });

  test('GOVERNANCE: the bypass takes the header and s3:BypassGovernanceRetention; lock headers need s3:GetObjectRetention', async () => {
    const b = uniqueName('lock-g');
    const { versionId } = (await scenario(['governance-setup', b])) as { versionId: string };
    const base = ['s3:GetObject', 's3:GetObjectVersion', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:ListBucket'];
    const alice = await userWith(base, b);
    const bob = await userWith([...base, 's3:BypassGovernanceRetention', 's3:GetObjectRetention'], b);
    assert.deepEqual(await scenario(['governance-try', b, versionId], alice), { sees_mode: false, plain: 'AccessDenied', bypass: 'AccessDenied' });
    assert.deepEqual(await scenario(['governance-try', b, versionId], bob), { sees_mode: true, plain: 'AccessDenied', bypass: 'Deleted' });
  });
});
