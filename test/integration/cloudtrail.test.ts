/**
 * The audit trail's event history with the real `aws` CLI (issue #16): `aws cloudtrail lookup-events`
 * finds a CreateUser with the caller's ARN, an AssumeRole and the role session's own calls with the
 * session issuer, a denied call with its error code; secrets never reach an event; and a kill -9 under
 * load loses no event of a request the client saw acknowledged.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, GetAccessKeyLastUsedCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { awsCli, iamClient, startServer, stsClient, uniqueName, type Credentials, type TestServer } from './harness.js';

const doc = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

interface LookedUp {
  readonly EventId: string;
  readonly EventName: string;
  readonly Username?: string;
  readonly CloudTrailEvent: string;
}

async function lookup(server: TestServer, key: string, value: string, creds?: Credentials): Promise<Array<LookedUp & { event: Record<string, any> }>> {
  const r = await awsCli(server, ['cloudtrail', 'lookup-events', '--lookup-attributes', `AttributeKey=${key},AttributeValue=${value}`, '--output', 'json'], { creds });
  assert.equal(r.code, 0, r.stderr);
  const events = (JSON.parse(r.stdout) as { Events: LookedUp[] }).Events;
  return events.map((e) => ({ ...e, event: JSON.parse(e.CloudTrailEvent) as Record<string, any> }));
}

describe('CloudTrail event history with the aws CLI', () => {
  let server: TestServer;
  let account = '';
  before(async () => {
    server = await startServer();
    const r = await awsCli(server, ['sts', 'get-caller-identity', '--output', 'json']);
    account = (JSON.parse(r.stdout) as { Account: string }).Account;
  });
  after(async () => {
    await server?.stop();
  });

  test('lookup-events finds CreateUser with the caller ARN; the new key secret is not in CreateAccessKey', async () => {
    const name = uniqueName('audited');
    assert.equal((await awsCli(server, ['iam', 'create-user', '--user-name', name])).code, 0);
    const key = JSON.parse((await awsCli(server, ['iam', 'create-access-key', '--user-name', name, '--output', 'json'])).stdout) as { AccessKey: { SecretAccessKey: string } };
    const found = (await lookup(server, 'EventName', 'CreateUser')).filter((e) => e.event.requestParameters?.userName === name);
    assert.equal(found.length, 1);
    const event = found[0]!.event;
    assert.equal(event.userIdentity.type, 'Root');
    assert.equal(event.userIdentity.arn, `arn:aws:iam::${account}:root`);
    assert.equal(event.eventSource, 'iam.amazonaws.com');
    assert.equal(event.awsRegion, 'us-east-1');
    assert.equal(event.eventVersion, '1.11');
    assert.equal(event.managementEvent, true);
    assert.equal(event.readOnly, false);
    assert.equal(event.recipientAccountId, account);
    assert.equal(event.responseElements.user.userName, name);
    const byResource = await lookup(server, 'ResourceName', name);
    assert.ok(byResource.some((e) => e.EventName === 'CreateUser'));
    const keyEvents = (await lookup(server, 'EventName', 'CreateAccessKey')).filter((e) => e.event.requestParameters?.userName === name);
    assert.equal(keyEvents.length, 1);
    assert.equal(keyEvents[0]!.event.responseElements.accessKey.secretAccessKey, undefined);
    assert.ok(!keyEvents[0]!.CloudTrailEvent.includes(key.AccessKey.SecretAccessKey), 'the secret never reaches the trail');
  });

  test('AssumeRole by a user, then the session calls: sessionIssuer names the role; a denial keeps its error code', async () => {
    const iam = iamClient(server);
    const userName = uniqueName('dev');
    const user = await iam.send(new CreateUserCommand({ UserName: userName }));
    await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: 'assume', PolicyDocument: doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]) }));
    const k = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey!;
    const roleName = uniqueName('auditor');
    const role = await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: user.User!.Arn! }, Action: 'sts:AssumeRole' }]) }));
    const session = uniqueName('s');
    const assumed = await stsClient(server, { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! })
      .send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn!, RoleSessionName: session }));
    const c = assumed.Credentials!;
    const sessionCreds = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    // The role has no permissions: listing users is denied.
    const denied = await awsCli(server, ['iam', 'list-users'], { creds: sessionCreds });
    assert.notEqual(denied.code, 0);

    const assumeEvents = (await lookup(server, 'EventName', 'AssumeRole')).filter((e) => e.event.requestParameters?.roleSessionName === session);
    assert.equal(assumeEvents.length, 1);
    const assume = assumeEvents[0]!.event;
    assert.equal(assume.userIdentity.type, 'IAMUser');
    assert.equal(assume.userIdentity.arn, user.User!.Arn);
    assert.equal(assume.eventSource, 'sts.amazonaws.com');
    assert.equal(assume.responseElements.credentials.secretAccessKey, undefined);
    assert.equal(assume.responseElements.assumedRoleUser.arn, `arn:aws:sts::${account}:assumed-role/${roleName}/${session}`);

    const byKey = await lookup(server, 'AccessKeyId', c.AccessKeyId!);
    const deniedEvent = byKey.find((e) => e.EventName === 'ListUsers');
    assert.ok(deniedEvent, 'the denied call is in the history');
    assert.equal(deniedEvent.event.errorCode, 'AccessDenied');
    assert.equal(deniedEvent.event.userIdentity.type, 'AssumedRole');
    assert.equal(deniedEvent.event.userIdentity.sessionContext.sessionIssuer.arn, role.Role!.Arn);
    assert.equal(deniedEvent.event.userIdentity.sessionContext.sessionIssuer.userName, roleName);
    assert.equal(deniedEvent.Username, session);

    // The user's key last signed the AssumeRole (from the same records): GetAccessKeyLastUsed says sts.
    let lastUsed: { ServiceName?: string; Region?: string } = {};
    for (let i = 0; i < 40 && lastUsed.ServiceName !== 'sts'; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      lastUsed = (await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.AccessKeyId! }))).AccessKeyLastUsed ?? {};
    }
    assert.equal(lastUsed.ServiceName, 'sts');
    assert.equal(lastUsed.Region, 'us-east-1');
  });

  test('a trail: create-trail needs a bucket policy for cloudtrail.amazonaws.com; start-logging; status', async () => {
    const bucket = uniqueName('trail-logs');
    const trail = uniqueName('trail');
    assert.equal((await awsCli(server, ['s3api', 'create-bucket', '--bucket', bucket])).code, 0);
    const noPolicy = await awsCli(server, ['cloudtrail', 'create-trail', '--name', trail, '--s3-bucket-name', bucket]);
    assert.match(noPolicy.stderr, /InsufficientS3BucketPolicyException/);
    const policy = doc([
      { Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${bucket}` },
      { Sid: 'AWSCloudTrailWrite', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/AWSLogs/${account}/*`, Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } },
    ]);
    assert.equal((await awsCli(server, ['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', policy])).code, 0);
    const created = await awsCli(server, ['cloudtrail', 'create-trail', '--name', trail, '--s3-bucket-name', bucket, '--output', 'json']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal((JSON.parse(created.stdout) as { TrailARN: string }).TrailARN, `arn:aws:cloudtrail:us-east-1:${account}:trail/${trail}`);
    assert.equal((await awsCli(server, ['cloudtrail', 'start-logging', '--name', trail])).code, 0);
    const status = JSON.parse((await awsCli(server, ['cloudtrail', 'get-trail-status', '--name', trail, '--output', 'json'])).stdout) as { IsLogging: boolean };
    assert.equal(status.IsLogging, true);
    const described = JSON.parse((await awsCli(server, ['cloudtrail', 'describe-trails', '--output', 'json'])).stdout) as { trailList: Array<{ Name: string }> };
    assert.ok(described.trailList.some((t) => t.Name === trail));
    assert.equal((await awsCli(server, ['cloudtrail', 'delete-trail', '--name', trail])).code, 0);
  });
});

describe('CloudTrail events survive kill -9', () => {
  test('every CreateUser the client saw acknowledged is in the history after a crash under load', async () => {
    const server = await startServer();
    const iam = iamClient(server);
    const prefix = uniqueName('crash');
    const acknowledged = new Set<string>();
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        try {
          await iam.send(new CreateUserCommand({ UserName: `${prefix}-${w}-${i}` }));
          acknowledged.add(`${prefix}-${w}-${i}`);
        } catch {
          return;
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    while (acknowledged.size < 40) await new Promise((r) => setTimeout(r, 20));
    await server.kill();
    stop = true;
    await Promise.all(workers);
    const restarted = await startServer({ dataDir: server.dataDir, root: server.root });
    try {
      const names = new Set((await lookup(restarted, 'EventName', 'CreateUser')).map((e) => e.event.requestParameters?.userName as string));
      const lost = [...acknowledged].filter((n) => !names.has(n));
      assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.size} acknowledged CreateUser events lost`);
    } finally {
      await restarted.stop();
      rmSync(server.dataDir, { recursive: true, force: true });
    }
  });
});
