/**
 * Buckets in regions (issue #17), with the real clients: the README's first command
 * (`aws s3 mb --region us-west-1`), then cp / ls / rb with the default region, which the aws CLI
 * retries in the bucket's region from S3's answer; boto3 and the AWS SDK v3 in another region.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { awsCli, python, s3Client, startServer, uniqueName, type TestServer } from './harness.js';

describe('buckets in regions', () => {
  let server: TestServer;
  let dir: string;
  before(async () => {
    server = await startServer();
    dir = mkdtempSync(join(tmpdir(), 'sb-regions-'));
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('aws s3 mb --region us-west-1, then cp, ls and rb with no region flag (the CLI follows the bucket)', async () => {
    assert.equal(server.region, 'us-east-1');
    const bucket = uniqueName('west');
    const ok = async (args: string[]) => {
      const r = await awsCli(server, args);
      assert.equal(r.code, 0, `aws ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    await ok(['s3', 'mb', `s3://${bucket}`, '--region', 'us-west-1']);
    const location = JSON.parse(await ok(['s3api', 'get-bucket-location', '--bucket', bucket])) as { LocationConstraint: string };
    assert.equal(location.LocationConstraint, 'us-west-1');
    writeFileSync(join(dir, 'hello.txt'), 'hello west');
    await ok(['s3', 'cp', join(dir, 'hello.txt'), `s3://${bucket}/hello.txt`]);
    assert.match(await ok(['s3', 'ls', `s3://${bucket}/`]), /hello\.txt/);
    await ok(['s3', 'cp', `s3://${bucket}/hello.txt`, join(dir, 'back.txt')]);
    await ok(['s3', 'rb', `s3://${bucket}`, '--force']);
    const listed = JSON.parse(await ok(['s3api', 'list-buckets'])) as { Buckets: { Name: string }[] };
    assert.ok(!listed.Buckets.some((b) => b.Name === bucket));
  });

  test('the SDK v3 in eu-west-1; a client of another region gets S3\'s wrong-region answer, or follows it', async () => {
    const eu = new S3Client({ endpoint: server.endpoint, region: 'eu-west-1', credentials: server.root, forcePathStyle: true, maxAttempts: 1 });
    const bucket = uniqueName('eu');
    await eu.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    await eu.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'in eu' }));
    const east = s3Client(server);
    const wrong = await east.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' })).then(() => undefined, (e: unknown) => e) as
      { name?: string; $metadata?: { httpStatusCode?: number }; $response?: { headers: Record<string, string> } };
    assert.equal(wrong.name, 'PermanentRedirect');
    assert.equal(wrong.$metadata?.httpStatusCode, 301);
    assert.equal(wrong.$response?.headers['x-amz-bucket-region'], 'eu-west-1');
    assert.equal((await east.send(new GetBucketLocationCommand({ Bucket: bucket }))).LocationConstraint, 'eu-west-1');
    const following = new S3Client({ endpoint: server.endpoint, region: 'us-east-1', credentials: server.root, forcePathStyle: true,
      followRegionRedirects: true });
    const body = await (await following.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }))).Body?.transformToString();
    assert.equal(body, 'in eu');
    const inEu = await east.send(new ListBucketsCommand({ BucketRegion: 'eu-west-1' }));
    assert.deepEqual(inEu.Buckets?.map((b) => [b.Name, b.BucketRegion]), [[bucket, 'eu-west-1']]);
    // A client signed for eu-west-1 cannot create a bucket in another region (S3's regional endpoints).
    await assert.rejects(eu.send(new CreateBucketCommand({ Bucket: uniqueName('x'), CreateBucketConfiguration: { LocationConstraint: 'us-west-1' } })),
      { name: 'IllegalLocationConstraintException' });
    for (const c of [eu, east, following]) c.destroy();
  });

  test('HEAD of a bucket signed for the wrong region: 301 with x-amz-bucket-region (boto3 follows); an unserved region is refused', async () => {
    const bucket = uniqueName('head');
    const west = new S3Client({ endpoint: server.endpoint, region: 'us-west-2', credentials: server.root, forcePathStyle: true, maxAttempts: 1 });
    await west.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }));
    const r = await python(server, `
import boto3, botocore.exceptions, os, sys
s3 = boto3.client('s3', endpoint_url=os.environ['STRONGBOX_ENDPOINT'], region_name='us-east-1',
                  config=botocore.config.Config(retries={'max_attempts': 1}, s3={'addressing_style': 'path'}))
# boto3 follows the bucket's region by itself: HeadBucket, then a put and a get.
s3.head_bucket(Bucket=sys.argv[1])
s3.put_object(Bucket=sys.argv[1], Key='k', Body=b'x')
print(s3.get_object(Bucket=sys.argv[1], Key='k')['Body'].read().decode())
`, { args: [bucket] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'x');
    // The raw answer botocore read: a HEAD has no body, the header names the region.
    const east = s3Client(server);
    const head = await east.send(new HeadBucketCommand({ Bucket: bucket })).then(() => undefined, (e: unknown) => e) as
      { $metadata?: { httpStatusCode?: number }; $response?: { headers: Record<string, string> } };
    assert.equal(head.$metadata?.httpStatusCode, 301);
    assert.equal(head.$response?.headers['x-amz-bucket-region'], 'us-west-2');
    const unserved = new S3Client({ endpoint: server.endpoint, region: 'xx-nowhere-1', credentials: server.root, forcePathStyle: true, maxAttempts: 1 });
    await assert.rejects(unserved.send(new ListBucketsCommand({})), { name: 'AuthorizationHeaderMalformed' });
    for (const c of [west, east, unserved]) c.destroy();
  });

  test('an unsigned request is served in any region (one endpoint serves them all)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/no-such-bucket-anywhere/k', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 404);
  });
});
