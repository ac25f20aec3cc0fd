/**
 * The continuous auditor end to end (issue #18) with the real aws CLI: a bucket made public by its policy
 * and by its ACL raises a finding and a signed webhook alert (received by a server of the test on
 * 127.0.0.1, signature verified); remediation (`--auditor-remediate public-bucket`) turns Block Public
 * Access back on through the API as the remediation user, and the finding resolves with an alert of its
 * own; the configuration history (`aws configservice get-resource-config-history`) shows the diff of a
 * changed bucket policy with its author, and the policy as it was at a given time.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyAlertSignature } from '../../src/auditor/alerts/webhook.js';
import { awsCli, REPO_ROOT, run, startServer, uniqueName, type TestServer } from './harness.js';

const CLI = join(REPO_ROOT, 'dist/src/cli.js');

const SECRET = 'test-webhook-secret-0123456789';

interface Received {
  readonly body: {
    id: string;
    kind: string;
    title: string;
    who: string | null;
    fix: string | null;
    details: Record<string, unknown>;
  };
  readonly signature: string;
}

describe('auditor alerts, remediation and configuration history with the aws CLI', () => {
  let server: TestServer;
  let hook: Server;
  const received: Received[] = [];

  async function json(args: string[]): Promise<Record<string, unknown>> {
    const r = await awsCli(server, [...args, '--output', 'json']);
    assert.equal(r.code, 0, `aws ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim() === '' ? {} : (JSON.parse(r.stdout) as Record<string, unknown>);
  }

  async function until<T>(what: string, pick: () => Promise<T | undefined> | T | undefined): Promise<T> {
    for (const end = Date.now() + 15_000; Date.now() < end; await sleep(150)) {
      const hit = await pick();
      if (hit !== undefined) return hit;
    }
    assert.fail(`${what}: not seen in 15 s; alerts: ${JSON.stringify(received.map((r) => r.body.title))}`);
  }

  before(async () => {
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const signature = String(req.headers['x-strongbox-signature'] ?? '');
        const check = verifyAlertSignature({ secret: SECRET, header: signature, body: text, now: new Date() });
        if (check === 'Valid') received.push({ body: JSON.parse(text) as Received['body'], signature });
        res.statusCode = check === 'Valid' ? 204 : 401;
        res.end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`;
    server = await startServer({
      extraArgs: [
        '--auditor-interval-ms',
        '100',
        '--alert-webhook',
        url,
        '--auditor-remediate',
        'public-bucket,public-acl',
      ],
      env: { STRONGBOX_ALERT_WEBHOOK_SECRET: SECRET },
    });
    await json(['accessanalyzer', 'create-analyzer', '--analyzer-name', 'account', '--type', 'ACCOUNT']);
  });
  after(async () => {
    await server?.stop();
    hook?.close();
  });

  test('a public bucket policy: finding, signed alert, remediation through the API, resolved finding', async () => {
    const bucket = uniqueName('open');
    await json(['s3api', 'create-bucket', '--bucket', bucket]);
    await json(['s3api', 'delete-public-access-block', '--bucket', bucket]);
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` },
      ],
    };
    await json(['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', JSON.stringify(policy)]);

    const alert = await until('the finding alert', () =>
      received.find((r) => r.body.kind === 'Finding' && r.body.title.includes(bucket)),
    );
    assert.match(alert.body.title, /is public/);
    assert.match(alert.body.who ?? '', /:root$/, 'who made the change');
    assert.match(alert.body.fix ?? '', /put-public-access-block/);
    assert.equal(alert.body.details.isPublic, true);

    // Remediation: Block Public Access is on again, set by the remediation user through the API.
    const block = await until('Block Public Access back on', async () => {
      const r = await awsCli(server, ['s3api', 'get-public-access-block', '--bucket', bucket, '--output', 'json']);
      return r.code === 0
        ? (JSON.parse(r.stdout) as { PublicAccessBlockConfiguration: Record<string, boolean> })
        : undefined;
    });
    assert.deepEqual(block.PublicAccessBlockConfiguration, {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const events = (
      await json([
        'cloudtrail',
        'lookup-events',
        '--lookup-attributes',
        'AttributeKey=Username,AttributeValue=strongbox-remediation',
      ])
    ).Events as { EventName: string; Resources?: { ResourceName: string }[] }[];
    assert.ok(
      events.some((e) => /PublicAccessBlock$/.test(e.EventName) && e.Resources?.some((r) => r.ResourceName === bucket)),
      `remediation is audited: ${JSON.stringify(events)}`,
    );

    const resolved = await until('the resolved alert', () =>
      received.find((r) => r.body.kind === 'FindingResolved' && r.body.title.includes(bucket)),
    );
    assert.equal(resolved.body.details.status, 'RESOLVED');
  });

  test('a public ACL: finding and alert, the grant removed by remediation; bucket creation alerts too', async () => {
    const bucket = uniqueName('aclopen');
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
    const alert = await until('the ACL finding alert', () =>
      received.find((r) => r.body.kind === 'Finding' && r.body.title.includes(bucket)),
    );
    assert.deepEqual(alert.body.details.sources, [{ type: 'BUCKET_ACL' }]);
    // public-acl: the grant is removed (the owner's FULL_CONTROL alone); Block Public Access stays off.
    const acl = await until('the public grant removed', async () => {
      const grants = (await json(['s3api', 'get-bucket-acl', '--bucket', bucket])).Grants as {
        Grantee: { URI?: string };
      }[];
      return grants.some((g) => g.Grantee.URI !== undefined) ? undefined : grants;
    });
    assert.equal(acl.length, 1);
    const block = await awsCli(server, ['s3api', 'get-public-access-block', '--bucket', bucket]);
    assert.match(block.stderr, /NoSuchPublicAccessBlockConfiguration/);
    await until('the ACL finding resolved', () =>
      received.find((r) => r.body.kind === 'FindingResolved' && r.body.title.includes(bucket)),
    );
    await until('the bucket-created alert', () =>
      received.find((r) => r.body.kind === 'Event' && r.body.title === `Bucket ${bucket} created`),
    );
  });

  test('configuration history: the diff of a changed bucket policy with its author, and the policy at a time', async () => {
    const bucket = uniqueName('history');
    await json(['s3api', 'create-bucket', '--bucket', bucket]);
    const reader = async (name: string) =>
      ((await json(['iam', 'create-user', '--user-name', name])).User as { Arn: string }).Arn;
    const [alice, bob] = [await reader(uniqueName('alice')), await reader(uniqueName('bob'))];
    const statement = (arn: string) => ({
      Sid: 'Share',
      Effect: 'Allow',
      Principal: { AWS: arn },
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${bucket}/*`,
    });
    await json([
      's3api',
      'put-bucket-policy',
      '--bucket',
      bucket,
      '--policy',
      JSON.stringify({ Version: '2012-10-17', Statement: [statement(alice)] }),
    ]);
    type Item = {
      configurationItemStatus: string;
      configurationItemCaptureTime: string;
      supplementaryConfiguration: Record<string, string>;
    };
    const history = async () =>
      (
        await json([
          'configservice',
          'get-resource-config-history',
          '--resource-type',
          'AWS::S3::Bucket',
          '--resource-id',
          bucket,
        ])
      ).configurationItems as Item[];
    const first = await until('the first policy item', async () =>
      (await history()).find((i) => i.supplementaryConfiguration.BucketPolicy !== undefined),
    );
    await sleep(1100); // capture times one second apart at least (the CLI shows whole seconds)
    await json([
      's3api',
      'put-bucket-policy',
      '--bucket',
      bucket,
      '--policy',
      JSON.stringify({ Version: '2012-10-17', Statement: [statement(bob)] }),
    ]);
    const latest = await until('the changed policy item', async () => {
      const items = await history();
      return items.length >= 2 && items[0]!.supplementaryConfiguration.BucketPolicy?.includes(bob)
        ? items[0]
        : undefined;
    });
    assert.equal(latest.configurationItemStatus, 'OK');
    const change = JSON.parse(latest.supplementaryConfiguration.StrongboxChange!) as {
      diff: { path: string; changeType: string; previousValue?: unknown; updatedValue?: unknown }[];
      events: { eventName: string; who?: string }[];
    };
    const principal = change.diff.find((d) => d.path.startsWith('supplementaryConfiguration.BucketPolicy'));
    assert.ok(principal, JSON.stringify(change.diff));
    assert.equal(principal.changeType, 'UPDATE');
    assert.ok(JSON.stringify(principal.previousValue).includes(alice), JSON.stringify(principal));
    assert.ok(JSON.stringify(principal.updatedValue).includes(bob));
    assert.equal(change.events.at(-1)!.eventName, 'PutBucketPolicy');
    assert.match(change.events.at(-1)!.who ?? '', /:root$/);

    // "What did this bucket's policy look like" at the time of the first item.
    const asOf = (
      await json([
        'configservice',
        'get-resource-config-history',
        '--resource-type',
        'AWS::S3::Bucket',
        '--resource-id',
        bucket,
        '--later-time',
        first.configurationItemCaptureTime,
        '--limit',
        '1',
      ])
    ).configurationItems as Item[];
    assert.equal(asOf.length, 1);
    assert.ok(asOf[0]!.supplementaryConfiguration.BucketPolicy!.includes(alice));

    const unknown = await awsCli(server, [
      'configservice',
      'get-resource-config-history',
      '--resource-type',
      'AWS::S3::Bucket',
      '--resource-id',
      'no-such-bucket-here',
    ]);
    assert.match(unknown.stderr, /ResourceNotDiscoveredException/);

    // The same history from the CLI on the server's machine, beside the running server.
    const cli = await run(process.execPath, [
      CLI,
      'audit',
      'history',
      '--data-dir',
      server.dataDir,
      '--resource-type',
      'AWS::S3::Bucket',
      '--resource',
      bucket,
    ]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /PutBucketPolicy by arn:aws:iam::\d{12}:root/);
    assert.ok(cli.stdout.includes(bob), cli.stdout);
  });

  test('strongbox audit findings lists the findings with their fix; exit status 1 while one is active', async () => {
    const all = await run(process.execPath, [
      CLI,
      'audit',
      'findings',
      '--data-dir',
      server.dataDir,
      '--status',
      'ALL',
      '--json',
    ]);
    const rows = JSON.parse(all.stdout) as { status: string; resource: string; details: { fix?: string } }[];
    assert.ok(
      rows.some((r) => r.status === 'RESOLVED'),
      all.stdout,
    );
    const active = await run(process.execPath, [CLI, 'audit', 'findings', '--data-dir', server.dataDir]);
    assert.equal(active.code, rows.some((r) => r.status === 'ACTIVE') ? 1 : 0, active.stdout + active.stderr);
  });
});
