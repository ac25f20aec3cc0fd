import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { publicKeyDer, publicKeyFingerprint } from '../audit/trail-digest.js';
import { buildTestChain, CHAIN_START, rsaKeyPair, TRAIL, TRAIL_ARN, type TestChain } from '../audit/trail-test-chain.js';
import { startS3TestServer, TEST_CREDENTIALS, type S3TestServer } from '../s3/testing/s3-test-server.js';
import { JsonServiceError } from './json-service-call.js';
import { parseCliDate, runValidateLogsCommand } from './validate-logs-command.js';

const KEYS = rsaKeyPair();
const START = '2026-03-01T10:00:07Z';
const END = '2026-03-01T13:00:07Z';

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: string[];
}

describe('strongbox validate-logs (S3 API of a test server)', () => {
  let server: S3TestServer;
  let s3: S3Client;
  let chain: TestChain;

  /** Uploads every object of the chain as CloudTrail delivers it: gzip JSON, signature in user metadata. */
  const upload = async (key: string, body: Buffer, metadata: Record<string, string>) => {
    await s3.send(new PutObjectCommand({ Bucket: TRAIL.bucket, Key: key, Body: body, ContentType: 'application/json',
      ContentEncoding: 'gzip', Metadata: metadata }));
  };

  const run = async (argv: string[], options: { listPublicKeys?: () => Record<string, unknown> } = {}): Promise<Ran> => {
    let stdout = '';
    let stderr = '';
    const calls: string[] = [];
    const code = await runValidateLogsCommand(argv, {
      env: { AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey },
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      call: async (target, op, input) => {
        calls.push(op);
        assert.equal(target.targetPrefix, 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101');
        if (op === 'DescribeTrails') {
          assert.deepEqual(input.trailNameList, [TRAIL_ARN]);
          return { trailList: [{ Name: 'audit', TrailARN: TRAIL_ARN, S3BucketName: TRAIL.bucket }] };
        }
        assert.equal(op, 'ListPublicKeys');
        assert.equal(input.StartTime, Date.parse(START) / 1000);
        return options.listPublicKeys?.() ?? { PublicKeyList: [{ Value: publicKeyDer(KEYS.publicKey).toString('base64'),
          ValidityStartTime: 0, ValidityEndTime: 2e9, Fingerprint: publicKeyFingerprint(KEYS.publicKey) }] };
      },
    });
    return { code, stdout, stderr, calls };
  };
  const base = () => ['--trail-arn', TRAIL_ARN, '--start-time', START, '--end-time', END, '--endpoint-url', server.endpoint];

  before(async () => {
    server = await startS3TestServer();
    s3 = server.client();
    await s3.send(new CreateBucketCommand({ Bucket: TRAIL.bucket }));
    chain = await buildTestChain(KEYS.privateKey);
    for (const [path, object] of chain.store.objects) await upload(path.slice(TRAIL.bucket.length + 1), object.body, object.metadata);
  });
  after(async () => {
    await server.close();
  });

  it('finds the bucket with DescribeTrails, the key with ListPublicKeys, and validates every file', async () => {
    const ran = await run([...base(), '--verbose']);
    assert.equal(ran.code, 0, ran.stderr);
    assert.deepEqual(ran.calls, ['DescribeTrails', 'ListPublicKeys']);
    assert.equal(ran.stderr, '');
    assert.match(ran.stdout, new RegExp(`^Validating log files for trail ${TRAIL_ARN} between ${START} and ${END}\n\n`));
    for (const log of chain.logs) assert.ok(ran.stdout.includes(`Log file\ts3://${TRAIL.bucket}/${log.key}\tvalid\n`));
    assert.match(ran.stdout, /\n3\/3 digest files valid\n5\/5 log files valid\n$/);
  });

  it('exits 1 naming a log file altered through PutObject and one deleted', async () => {
    const altered = chain.logs[1];
    const deleted = chain.logs[3];
    const text = gunzipSync(altered.body).toString().replace('PutObject', 'PutObjecT');
    await upload(altered.key, gzipSync(Buffer.from(text)), {});
    await s3.send(new DeleteObjectCommand({ Bucket: TRAIL.bucket, Key: deleted.key }));
    try {
      const ran = await run([...base(), '--s3-bucket', TRAIL.bucket]);
      assert.equal(ran.code, 1);
      assert.deepEqual(ran.calls, ['ListPublicKeys'], '--s3-bucket: no DescribeTrails');
      assert.ok(ran.stderr.includes(`Log file\ts3://${TRAIL.bucket}/${altered.key}\tINVALID: hash value doesn't match\n`));
      assert.ok(ran.stderr.includes(`Log file\ts3://${TRAIL.bucket}/${deleted.key}\tINVALID: not found\n`));
      assert.match(ran.stdout, /3\/5 log files valid, 2\/5 log files INVALID/);
    } finally {
      await upload(altered.key, altered.body, {});
      await upload(deleted.key, deleted.body, {});
    }
  });

  it('exits 1 when a digest is signed by a key ListPublicKeys does not list', async () => {
    const other = rsaKeyPair().publicKey;
    const ran = await run(base(), { listPublicKeys: () => ({ PublicKeyList: [{ Value: publicKeyDer(other).toString('base64'),
      Fingerprint: publicKeyFingerprint(other) }] }) });
    assert.equal(ran.code, 1);
    assert.match(ran.stderr, /Digest file\ts3:\/\/trail-bucket\/.*\tINVALID: public key not found in region us-east-1 for fingerprint /);
  });

  it('exits 255 with the error code when the server refuses, 2 on a usage error', async () => {
    const refused = await runValidateLogsCommand(base(), {
      env: { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 'x' },
      stdout: () => undefined,
      stderr: (t) => assert.match(t, /An error occurred \(AccessDeniedException\)/),
      call: async () => { throw new JsonServiceError('AccessDeniedException', 'no', 400); },
    });
    assert.equal(refused, 255);
    let usage = '';
    const code = await runValidateLogsCommand(['--start-time', START], { env: {}, stdout: () => undefined, stderr: (t) => (usage += t) });
    assert.equal(code, 2);
    assert.match(usage, /--trail-arn and --start-time are required/);
  });

  it('exits 255 with S3 error code when the bucket cannot be read', async () => {
    let stderr = '';
    const code = await runValidateLogsCommand([...base(), '--s3-bucket', 'no-such-trail-bucket'], {
      env: { AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey },
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
      call: async () => ({ PublicKeyList: [{ Value: publicKeyDer(KEYS.publicKey).toString('base64'), Fingerprint: 'f' }] }),
    });
    assert.equal(code, 255);
    assert.match(stderr, /An error occurred \(NoSuchBucket\) when calling the ListObjectsV2 operation/);
  });

  it('reads times as the aws CLI does: ISO 8601, UTC without a zone', () => {
    assert.equal(parseCliDate('2026-03-01').toISOString(), '2026-03-01T00:00:00.000Z');
    assert.equal(parseCliDate('2026-03-01T10:00').toISOString(), '2026-03-01T10:00:00.000Z');
    assert.equal(parseCliDate('2026-03-01 10:00:07').toISOString(), '2026-03-01T10:00:07.000Z');
    assert.equal(parseCliDate('2026-03-01T10:00:07+01:00').toISOString(), '2026-03-01T09:00:07.000Z');
    assert.throws(() => parseCliDate('yesterday'));
    assert.equal(CHAIN_START.toISOString(), '2026-03-01T10:00:07.000Z');
  });
});
