/**
 * The seed walkthroughs (shared/seeds/000 and 001), enforced end to end: the real `aws` CLI against
 * the real server, with IAM users' own keys, and the answers AWS gives today.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsCli, startServer, uniqueName, type Credentials, type TestServer } from './harness.js';

let server: TestServer;

async function ok(args: string[], creds?: Credentials): Promise<string> {
  const r = await awsCli(server, args, { creds });
  assert.equal(r.code, 0, `aws ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Runs a command that must fail; returns the AWS error code and the operation the CLI names. */
async function fails(args: string[], creds?: Credentials): Promise<{ code: string; operation: string }> {
  const r = await awsCli(server, args, { creds });
  assert.notEqual(r.code, 0, `expected aws ${args.join(' ')} to fail:\n${r.stdout}`);
  const m = /An error occurred \((\w+)\) when calling the (\w+) operation/.exec(r.stderr);
  assert.ok(m, `no AWS error in: ${r.stderr}`);
  return { code: m[1], operation: m[2] };
}

interface TestUser extends Credentials {
  readonly userName: string;
}

async function newUser(name: string): Promise<TestUser> {
  await ok(['iam', 'create-user', '--user-name', name]);
  const key = JSON.parse(await ok(['iam', 'create-access-key', '--user-name', name])) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } };
  return { userName: name, accessKeyId: key.AccessKey.AccessKeyId, secretAccessKey: key.AccessKey.SecretAccessKey };
}

function policyFile(name: string, doc: unknown): string {
  const file = join(server.dataDir, '..', `${name}-${server.port}.json`);
  writeFileSync(file, JSON.stringify(doc, null, 4));
  return `file://${file}`;
}

describe('seed walkthroughs enforced with the aws CLI', () => {
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  test('000: AmazonS3FullAccess user can mb/cp/ls/rb --force; detached, everything is denied', async () => {
    const user = await newUser(uniqueName('rails-full'));
    const bucket = uniqueName('new-test-bucket');
    const file = join(server.dataDir, '..', `test-${server.port}.txt`);
    writeFileSync(file, 'test\n');
    await ok(['iam', 'attach-user-policy', '--user-name', user.userName, '--policy-arn', 'arn:aws:iam::aws:policy/AmazonS3FullAccess']);
    await ok(['s3', 'ls'], user);
    await ok(['s3', 'mb', `s3://${bucket}`], user);
    await ok(['s3', 'cp', file, `s3://${bucket}`], user);
    assert.match(await ok(['s3', 'ls', bucket], user), /test-\d+\.txt/);
    await ok(['s3', 'rb', `s3://${bucket}`, '--force'], user);
    assert.equal((await fails(['s3api', 'head-bucket', '--bucket', bucket])).code, '404');

    const kept = uniqueName('another-test-bucket');
    await ok(['s3', 'mb', `s3://${kept}`], user);
    await ok(['iam', 'detach-user-policy', '--user-name', user.userName, '--policy-arn', 'arn:aws:iam::aws:policy/AmazonS3FullAccess']);
    // The seed shows InvalidAccessKeyId; AWS today answers AccessDenied (the key is valid, nothing allows).
    assert.deepEqual(await fails(['s3', 'ls'], user), { code: 'AccessDenied', operation: 'ListBuckets' });
    assert.deepEqual(await fails(['s3api', 'list-objects-v2', '--bucket', kept], user), { code: 'AccessDenied', operation: 'ListObjectsV2' });
    assert.deepEqual(await fails(['s3', 'cp', file, `s3://${kept}/x`], user), { code: 'AccessDenied', operation: 'PutObject' });
  });

  test('000: the single-bucket policy: list/upload/delete in that bucket; rb --force fails on DeleteBucket; other buckets unreachable', async () => {
    const name = uniqueName('rails-app');
    const user = await newUser(name);
    const bucket = uniqueName('another-test-bucket');
    const other = uniqueName('other-bucket');
    await ok(['s3', 'mb', `s3://${bucket}`]);
    await ok(['s3', 'mb', `s3://${other}`]);
    await ok(['s3', 'cp', '-', `s3://${other}/secret.txt`]);
    const policy = JSON.parse(
      await ok(['iam', 'create-policy', '--policy-name', `${name}-assets`, '--policy-document', policyFile(name, {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [`arn:aws:s3:::${bucket}`] },
          { Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:PutObjectAcl'], Resource: [`arn:aws:s3:::${bucket}/*`] },
        ],
      })]),
    ) as { Policy: { Arn: string } };
    await ok(['iam', 'attach-user-policy', '--user-name', name, '--policy-arn', policy.Policy.Arn]);

    const file = join(server.dataDir, '..', `asset-${server.port}.txt`);
    writeFileSync(file, 'test\n');
    await ok(['s3', 'cp', file, `s3://${bucket}/test.txt`], user);
    assert.match(await ok(['s3', 'ls', bucket], user), /test\.txt/);
    assert.equal(await ok(['s3', 'cp', `s3://${bucket}/test.txt`, '-'], user), 'test\n');
    await ok(['s3', 'rm', `s3://${bucket}/test.txt`], user);
    await ok(['s3', 'cp', file, `s3://${bucket}/again.txt`], user);

    // rb --force empties the bucket (allowed), then DeleteBucket is denied.
    const rb = await awsCli(server, ['s3', 'rb', `s3://${bucket}`, '--force'], { creds: user });
    assert.notEqual(rb.code, 0);
    assert.match(rb.stderr, /remove_bucket failed: s3:\/\/.* An error occurred \(AccessDenied\) when calling the DeleteBucket operation/);
    await ok(['s3api', 'head-bucket', '--bucket', bucket]);

    assert.deepEqual(await fails(['s3', 'ls'], user), { code: 'AccessDenied', operation: 'ListBuckets' });
    assert.deepEqual(await fails(['s3api', 'list-objects-v2', '--bucket', other], user), { code: 'AccessDenied', operation: 'ListObjectsV2' });
    assert.deepEqual(await fails(['s3api', 'get-object', '--bucket', other, '--key', 'secret.txt', join(server.dataDir, '..', 'out')], user), { code: 'AccessDenied', operation: 'GetObject' });
    assert.deepEqual(await fails(['s3', 'rb', `s3://${other}`], user), { code: 'AccessDenied', operation: 'DeleteBucket' });
    assert.deepEqual(await fails(['iam', 'list-users'], user), { code: 'AccessDenied', operation: 'ListUsers' });
  });

  test('001: one group per client isolates clients; removing a developer revokes access on the next request', async () => {
    const suffix = uniqueName('c').slice(2);
    const clientA = `new-client-${suffix}`;
    const clientB = `old-client-${suffix}`;
    const buckets = [clientA, `${clientA}-dev`, clientB];
    for (const b of buckets) await ok(['s3', 'mb', `s3://${b}`]);
    const groupPolicy = (prefix: string) => ({
      Statement: [
        { Effect: 'Allow', Action: 's3:*', Resource: `arn:aws:s3:::${prefix}*` },
        { Effect: 'Allow', Action: 's3:*', Resource: `arn:aws:s3:::${prefix}-dev*` },
        { Action: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation', 'cloudfront:ListInvalidations'], Effect: 'Allow', Resource: '*' },
      ],
    });
    for (const [group, prefix] of [[`grp-${clientA}`, clientA], [`grp-${clientB}`, clientB]]) {
      await ok(['iam', 'create-group', '--group-name', group]);
      await ok(['iam', 'put-group-policy', '--group-name', group, '--policy-name', 'buckets', '--policy-document', policyFile(group, groupPolicy(prefix))]);
    }
    const devName = uniqueName('dev');
    const appName = uniqueName('app');
    const [dev, app] = [await newUser(devName), await newUser(appName)];
    await ok(['iam', 'add-user-to-group', '--user-name', appName, '--group-name', `grp-${clientA}`]);
    await ok(['iam', 'add-user-to-group', '--user-name', devName, '--group-name', `grp-${clientA}`]);
    await ok(['iam', 'add-user-to-group', '--user-name', devName, '--group-name', `grp-${clientB}`]);

    await ok(['s3', 'cp', '-', `s3://${clientA}/app.txt`], app);
    await ok(['s3', 'cp', '-', `s3://${clientA}-dev/app.txt`], app);
    assert.deepEqual(await fails(['s3', 'cp', '-', `s3://${clientB}/app.txt`], app), { code: 'AccessDenied', operation: 'PutObject' });
    assert.deepEqual(await fails(['s3', 'ls', `s3://${clientB}`], app), { code: 'AccessDenied', operation: 'ListObjectsV2' });

    await ok(['s3', 'ls', `s3://${clientA}`], dev);
    await ok(['s3', 'cp', '-', `s3://${clientB}/dev.txt`], dev);
    await ok(['iam', 'remove-user-from-group', '--user-name', devName, '--group-name', `grp-${clientB}`]);
    assert.deepEqual(await fails(['s3', 'ls', `s3://${clientB}`], dev), { code: 'AccessDenied', operation: 'ListObjectsV2' });
    await ok(['s3', 'ls', `s3://${clientA}`], dev);
  });

  test('key rotation with two keys: both work, the inactive one is refused at once, at most two', async () => {
    const name = uniqueName('rotate');
    const first = await newUser(name);
    await ok(['iam', 'attach-user-policy', '--user-name', name, '--policy-arn', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess']);
    const second = JSON.parse(await ok(['iam', 'create-access-key', '--user-name', name])) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } };
    const secondCreds = { accessKeyId: second.AccessKey.AccessKeyId, secretAccessKey: second.AccessKey.SecretAccessKey };
    await ok(['s3', 'ls'], first);
    await ok(['s3', 'ls'], secondCreds);
    assert.equal((await fails(['iam', 'create-access-key', '--user-name', name])).code, 'LimitExceeded');
    await ok(['iam', 'update-access-key', '--user-name', name, '--access-key-id', first.accessKeyId, '--status', 'Inactive']);
    assert.equal((await fails(['s3', 'ls'], first)).code, 'InvalidAccessKeyId');
    await ok(['s3', 'ls'], secondCreds);
    await ok(['iam', 'delete-access-key', '--user-name', name, '--access-key-id', first.accessKeyId]);
    assert.equal((await fails(['s3', 'ls'], first)).code, 'InvalidAccessKeyId');
    await ok(['s3', 'ls'], secondCreds);
  });

  test('policy version rollback changes what the user may do on the next request', async () => {
    const name = uniqueName('versions');
    const user = await newUser(name);
    const bucket = uniqueName('versioned-policy');
    await ok(['s3', 'mb', `s3://${bucket}`]);
    const readOnly = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}` }] };
    const nothing = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::elsewhere/*' }] };
    const created = JSON.parse(await ok(['iam', 'create-policy', '--policy-name', name, '--policy-document', policyFile(`${name}-1`, readOnly)])) as { Policy: { Arn: string } };
    const arn = created.Policy.Arn;
    await ok(['iam', 'attach-user-policy', '--user-name', name, '--policy-arn', arn]);
    await ok(['s3', 'ls', `s3://${bucket}`], user);
    await ok(['iam', 'create-policy-version', '--policy-arn', arn, '--policy-document', policyFile(`${name}-2`, nothing), '--set-as-default']);
    assert.equal((await fails(['s3', 'ls', `s3://${bucket}`], user)).code, 'AccessDenied');
    await ok(['iam', 'set-default-policy-version', '--policy-arn', arn, '--version-id', 'v1']);
    await ok(['s3', 'ls', `s3://${bucket}`], user);
  });
});

