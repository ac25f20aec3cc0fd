/**
 * Encryption at rest (issue #15) with the real clients: the aws CLI, boto3 and the AWS SDK v3.
 * SSE-S3 by default (the bytes on disk are not the plaintext), SSE-C over the TLS listener and its
 * default block, the header combinations S3 refuses, bucket default encryption, "deny unencrypted
 * uploads" bucket policies, and SSE-KMS with the built-in KMS.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { awsCli, iamClient, python, startServer, uniqueName, type Credentials, type TestServer } from './harness.js';

const MARKER = 'STRONGBOX-PLAINTEXT-MARKER-7f3a9c';
/** 32-character keys: the SDK base64-encodes them and computes their MD5. */
const KEY_A = 'sse-c-key-aaaaaaaaaaaaaaaaaaaaaa';
const KEY_B = 'sse-c-key-bbbbbbbbbbbbbbbbbbbbbb';
const SSE_C = (key: string) => ({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: key });

/** A body with the marker throughout: any plaintext copy of it on disk would contain the marker. */
function markedBody(bytes: number): Buffer {
  const unit = Buffer.from(`${MARKER}|${randomBytes(24).toString('hex')}|`);
  return Buffer.concat(Array.from({ length: Math.ceil(bytes / unit.length) }, () => unit)).subarray(0, bytes);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function bodyOf(output: { Body?: unknown }): Promise<Buffer> {
  return Buffer.from(await (output.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

/** The error an SDK v3 call fails with: [code, HTTP status]. */
async function failure(p: Promise<unknown>): Promise<[string, number | undefined]> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; $metadata?: { httpStatusCode?: number } };
    return [err.name, err.$metadata?.httpStatusCode];
  }
  assert.fail('the request succeeded');
}

describe('encryption at rest', () => {
  let server: TestServer;
  let certDir: string;
  let ca: Buffer;
  let tlsEndpoint: string;
  const clients: S3Client[] = [];

  /** An SDK v3 client on the plain or the TLS listener, adding `headers` to every request. */
  function client(opts: { tls?: boolean; headers?: Record<string, string>; creds?: Credentials } = {}): S3Client {
    const s3 = new S3Client({
      endpoint: opts.tls ? tlsEndpoint : server.endpoint,
      region: server.region,
      credentials: opts.creds ?? server.root,
      forcePathStyle: true,
      maxAttempts: 1,
      requestHandler: opts.tls ? { httpsAgent: new HttpsAgent({ ca }) } : { httpAgent: new HttpAgent() },
    });
    const headers = opts.headers ?? {};
    s3.middlewareStack.add(
      (next) => async (args) => {
        Object.assign((args.request as { headers: Record<string, string> }).headers, headers);
        return next(args);
      },
      { step: 'build', name: 'extraHeaders' },
    );
    clients.push(s3);
    return s3;
  }

  async function newBucket(): Promise<string> {
    const bucket = uniqueName('sse');
    await client().send(new CreateBucketCommand({ Bucket: bucket }));
    return bucket;
  }

  /** Lifts the default SSE-C block of a new bucket (BlockedEncryptionTypes NONE). */
  async function allowSseC(bucket: string): Promise<void> {
    const rules = [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' as const }, BlockedEncryptionTypes: { EncryptionType: ['NONE' as const] } }];
    await client().send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: rules } }));
  }

  before(async () => {
    certDir = mkdtempSync(join(tmpdir(), 'strongbox-sse-tls-'));
    const cert = join(certDir, 'cert.pem');
    const key = join(certDir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-keyout', key, '-out', cert,
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    ca = readFileSync(cert);
    server = await startServer({ extraArgs: ['--tls-address', '127.0.0.1:0', '--tls-cert', cert, '--tls-key', key] });
    const m = /"tlsEndpoint":"([^"]+)"/.exec(server.logs());
    assert.ok(m, server.logs());
    tlsEndpoint = m[1];
  });

  after(async () => {
    for (const c of clients) c.destroy();
    await server?.stop();
    rmSync(certDir, { recursive: true, force: true });
  });

  it('stores no plaintext: inline rows, blobs and multipart parts hold ciphertext; reads give the plaintext', async () => {
    const bucket = await newBucket();
    const s3 = client();
    const small = markedBody(4 * 1024);
    const big = markedBody(300 * 1024);
    const part = markedBody(5 * 1024 * 1024);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'small', Body: small }));
    assert.equal(put.ServerSideEncryption, 'AES256', 'SSE-S3 without any header');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'big', Body: big }));
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'multi' }));
    assert.equal(upload.ServerSideEncryption, 'AES256');
    const parts = [];
    for (const [i, body] of [part, small].entries()) {
      const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'multi', UploadId: upload.UploadId, PartNumber: i + 1, Body: body }));
      assert.equal(r.ServerSideEncryption, 'AES256');
      parts.push({ PartNumber: i + 1, ETag: r.ETag });
    }
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'multi', UploadId: upload.UploadId, MultipartUpload: { Parts: parts } }));
    assert.equal(done.ServerSideEncryption, 'AES256');
    const copy = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy', CopySource: `${bucket}/big` }));
    assert.equal(copy.ServerSideEncryption, 'AES256', 'a copy is encrypted anew');

    for (const file of filesUnder(server.dataDir)) {
      assert.equal(readFileSync(file).indexOf(MARKER), -1, `${file} holds plaintext`);
    }
    assert.deepEqual(await bodyOf(await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'small' }))), small);
    assert.deepEqual(await bodyOf(await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copy' }))), big);
    const multi = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'multi', Range: `bytes=${part.length - 10}-${part.length + 9}` }));
    assert.deepEqual(await bodyOf(multi), Buffer.concat([part, small]).subarray(part.length - 10, part.length + 10), 'a range across parts and chunks');
    assert.equal(multi.ServerSideEncryption, 'AES256');
    // The aws CLI sees the same: the header on HEAD, the plaintext on GET.
    const head = await awsCli(server, ['s3api', 'head-object', '--bucket', bucket, '--key', 'big']);
    assert.equal(JSON.parse(head.stdout).ServerSideEncryption, 'AES256', head.stderr);
    const cat = await awsCli(server, ['s3', 'cp', `s3://${bucket}/small`, '-']);
    assert.equal(cat.stdout, small.toString());
  });

  it('bucket default encryption: Get on a new bucket, Put, Delete, and the errors S3 answers', async () => {
    const bucket = await newBucket();
    const get = async () => JSON.parse((await awsCli(server, ['s3api', 'get-bucket-encryption', '--bucket', bucket])).stdout).ServerSideEncryptionConfiguration.Rules[0];
    assert.deepEqual(await get(), {
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
      BucketKeyEnabled: false,
      BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
    });
    const put = (config: unknown) => awsCli(server, ['s3api', 'put-bucket-encryption', '--bucket', bucket, '--server-side-encryption-configuration', JSON.stringify(config)]);
    const kms = { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/app' }, BucketKeyEnabled: true }] };
    assert.equal((await put(kms)).code, 0);
    const rule = await get();
    assert.deepEqual(rule.ApplyServerSideEncryptionByDefault, { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/app' });
    assert.equal(rule.BucketKeyEnabled, true);
    assert.deepEqual(rule.BlockedEncryptionTypes, { EncryptionType: ['SSE-C'] }, 'a rule without BlockedEncryptionTypes keeps the block');
    const aesWithKey = await put({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256', KMSMasterKeyID: 'k' } }] });
    assert.match(aesWithKey.stderr, /InvalidArgument/);
    const twoRules = await put({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }, { BucketKeyEnabled: true }] });
    assert.match(twoRules.stderr, /MalformedXML/);
    assert.equal((await awsCli(server, ['s3api', 'delete-bucket-encryption', '--bucket', bucket])).code, 0);
    assert.deepEqual((await get()).ApplyServerSideEncryptionByDefault, { SSEAlgorithm: 'AES256' });
    await allowSseC(bucket);
    assert.deepEqual((await get()).BlockedEncryptionTypes, { EncryptionType: ['NONE'] });
  });

  it('SSE-C: refused over plain HTTP and on a new bucket; once unblocked, a round trip over TLS with the key', async () => {
    const bucket = await newBucket();
    const body = markedBody(200 * 1024);
    const tls = client({ tls: true });
    const putWith = (s3: S3Client, key: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'c', Body: body, ...SSE_C(key) }));
    assert.deepEqual(await failure(putWith(client(), KEY_A)), ['InvalidRequest', 400], 'plain HTTP');
    assert.deepEqual(await failure(putWith(tls, KEY_A)), ['AccessDenied', 403], 'blocked on new buckets');
    await allowSseC(bucket);
    const put = await putWith(tls, KEY_A);
    assert.equal(put.SSECustomerAlgorithm, 'AES256');
    assert.ok(put.SSECustomerKeyMD5);
    assert.equal(put.ServerSideEncryption, undefined);
    for (const file of filesUnder(server.dataDir)) assert.equal(readFileSync(file).indexOf(MARKER), -1);

    const read = (s3: S3Client, extra: object) => s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'c', ...extra }));
    const got = await read(tls, { ...SSE_C(KEY_A), Range: 'bytes=65530-65545' });
    assert.deepEqual(await bodyOf(got), body.subarray(65530, 65546));
    assert.equal(got.SSECustomerKeyMD5, put.SSECustomerKeyMD5);
    assert.deepEqual(await failure(read(tls, {})), ['InvalidRequest', 400], 'no key');
    assert.deepEqual(await failure(read(tls, SSE_C(KEY_B))), ['AccessDenied', 403], 'another key');
    assert.equal((await failure(tls.send(new HeadObjectCommand({ Bucket: bucket, Key: 'c' }))))[1], 400);
    assert.equal((await tls.send(new HeadObjectCommand({ Bucket: bucket, Key: 'c', ...SSE_C(KEY_A) }))).ContentLength, body.length);

    // A copy reads the source with its key and encrypts the copy as the request asks (here: SSE-S3).
    const copied = await tls.send(new CopyObjectCommand({ Bucket: bucket, Key: 'c2', CopySource: `${bucket}/c`, CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: KEY_A }));
    assert.equal(copied.ServerSideEncryption, 'AES256');
    assert.deepEqual(await bodyOf(await read(tls, { Key: 'c2' })), body);
    assert.deepEqual(await failure(tls.send(new CopyObjectCommand({ Bucket: bucket, Key: 'c3', CopySource: `${bucket}/c` }))), ['InvalidRequest', 400]);
    // SSE-C parameters for an object that has none.
    assert.deepEqual(await failure(read(tls, { Key: 'c2', ...SSE_C(KEY_A) })), ['InvalidRequest', 400]);

    // Multipart: every part needs the upload's key.
    const mpu = await tls.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'm', ...SSE_C(KEY_A) }));
    assert.equal(mpu.SSECustomerAlgorithm, 'AES256');
    const part = (extra: object) => tls.send(new UploadPartCommand({ Bucket: bucket, Key: 'm', UploadId: mpu.UploadId, PartNumber: 1, Body: body, ...extra }));
    assert.deepEqual(await failure(part({})), ['InvalidRequest', 400]);
    assert.deepEqual(await failure(part(SSE_C(KEY_B))), ['InvalidRequest', 400]);
    const p1 = await part(SSE_C(KEY_A));
    await tls.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'm', UploadId: mpu.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }] } }));
    assert.deepEqual(await bodyOf(await read(tls, { Key: 'm', ...SSE_C(KEY_A) })), body);
  });

  it('refuses the encryption header combinations S3 refuses, with its codes', async () => {
    const bucket = await newBucket();
    await allowSseC(bucket);
    await client().send(new PutObjectCommand({ Bucket: bucket, Key: 'o', Body: 'x' }));
    const put = (extra: object, opts: { tls?: boolean; headers?: Record<string, string> } = {}) =>
      failure(client(opts).send(new PutObjectCommand({ Bucket: bucket, Key: 'n', Body: 'x', ...extra })));
    const md5 = 'AAAAAAAAAAAAAAAAAAAAAA==';
    assert.deepEqual(await put({ SSEKMSKeyId: 'alias/app' }), ['InvalidArgument', 400], 'a KMS key id without aws:kms');
    assert.deepEqual(await put({ ServerSideEncryption: 'AES256', SSEKMSKeyId: 'alias/app' }), ['InvalidArgument', 400], 'AES256 with a KMS key id');
    assert.deepEqual(await put({ ServerSideEncryption: 'AES512' }), ['InvalidArgument', 400], 'an unknown algorithm');
    assert.deepEqual(await put({ SSECustomerKey: KEY_A }, { tls: true }), ['InvalidArgument', 400], 'an SSE-C key without its algorithm');
    assert.deepEqual(await put({ SSECustomerAlgorithm: 'AES256' }, { tls: true }), ['InvalidArgument', 400], 'an SSE-C algorithm without its key');
    assert.deepEqual(await put({ SSECustomerAlgorithm: 'AES128', SSECustomerKey: KEY_A }, { tls: true }), ['InvalidEncryptionAlgorithmError', 400]);
    const wrongMd5 = { tls: true, headers: { 'x-amz-server-side-encryption-customer-key-md5': md5 } };
    assert.deepEqual(await put(SSE_C(KEY_A), wrongMd5), ['InvalidArgument', 400], 'the key MD5 does not match');
    assert.deepEqual(await put({ ...SSE_C(KEY_A), ServerSideEncryption: 'AES256' }, { tls: true }), ['InvalidArgument', 400], 'SSE-C with SSE-S3');
    const get = (headers: Record<string, string>) => failure(client({ headers }).send(new GetObjectCommand({ Bucket: bucket, Key: 'o' })));
    assert.deepEqual(await get({ 'x-amz-server-side-encryption': 'aws:kms' }), ['InvalidArgument', 400], 'aws:kms on a GET');
    assert.deepEqual(await get({ 'x-amz-server-side-encryption-aws-kms-key-id': 'alias/app' }), ['InvalidArgument', 400]);
    // boto3 sends what it is given, as the SDK does.
    const r = await python(server, [
      'import boto3, os, botocore',
      's3 = boto3.client("s3", endpoint_url=os.environ["STRONGBOX_ENDPOINT"])',
      'try:',
      `    s3.put_object(Bucket="${bucket}", Key="k", Body=b"x", ServerSideEncryption="AES256", SSEKMSKeyId="k1")`,
      'except botocore.exceptions.ClientError as e:',
      '    print(e.response["Error"]["Code"])',
    ].join('\n'));
    assert.equal(r.stdout.trim(), 'InvalidArgument', r.stderr);
  });

  async function userAllowedEverything(): Promise<Credentials & { arn: string }> {
    const iam = iamClient(server);
    try {
      const name = uniqueName('kms-user');
      const user = await iam.send(new CreateUserCommand({ UserName: name }));
      const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 'kms:*'], Resource: '*' }] });
      await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'all', PolicyDocument: doc }));
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey;
      assert.ok(key?.AccessKeyId && key.SecretAccessKey && user.User?.Arn);
      return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey, arn: user.User.Arn };
    } finally {
      iam.destroy();
    }
  }

  it('SSE-KMS: kms:Decrypt by the key policy decides who reads; a disabled key makes the object unreadable', async () => {
    const [alice, bob] = [await userAllowedEverything(), await userAllowedEverything()];
    const bucket = await newBucket();
    const account = alice.arn.split(':')[4];
    const keyPolicy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Account', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
        { Sid: 'NoBob', Effect: 'Deny', Principal: { AWS: bob.arn }, Action: 'kms:Decrypt', Resource: '*' },
      ],
    };
    const script = [
      'import boto3, os, json, sys',
      'ep = os.environ["STRONGBOX_ENDPOINT"]',
      's3 = boto3.client("s3", endpoint_url=ep)',
      'kms = boto3.client("kms", endpoint_url=ep)',
      'arn = kms.create_key(Policy=sys.argv[2])["KeyMetadata"]["Arn"]',
      'put = s3.put_object(Bucket=sys.argv[1], Key="k", Body=b"secret kms body", ServerSideEncryption="aws:kms", SSEKMSKeyId=arn)',
      'managed = s3.put_object(Bucket=sys.argv[1], Key="m", Body=b"x", ServerSideEncryption="aws:kms")',
      'print(json.dumps({"arn": arn, "sse": put["ServerSideEncryption"], "keyId": put["SSEKMSKeyId"], "managed": managed["SSEKMSKeyId"]}))',
    ].join('\n');
    const r = await python(server, script, { args: [bucket, JSON.stringify(keyPolicy)] });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { arn: string; sse: string; keyId: string; managed: string };
    assert.equal(out.sse, 'aws:kms');
    assert.equal(out.keyId, out.arn);
    assert.match(out.managed, /^arn:aws:kms:us-east-1:\d{12}:key\//, 'no key id: the aws/s3 key');
    assert.notEqual(out.managed, out.arn);

    const get = (creds: Credentials) => client({ creds }).send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }));
    const read = await get(alice);
    assert.equal((await bodyOf(read)).toString(), 'secret kms body');
    assert.equal(read.ServerSideEncryption, 'aws:kms');
    assert.equal(read.SSEKMSKeyId, out.arn);
    assert.deepEqual(await failure(get(bob)), ['AccessDenied', 403], 'the key policy denies Bob kms:Decrypt');
    // HEAD needs no kms:Decrypt (only with x-amz-checksum-mode).
    assert.equal((await client({ creds: bob }).send(new HeadObjectCommand({ Bucket: bucket, Key: 'k' }))).ServerSideEncryption, 'aws:kms');

    const disable = await awsCli(server, ['kms', 'disable-key', '--key-id', out.arn]);
    assert.equal(disable.code, 0, disable.stderr);
    assert.deepEqual(await failure(get(alice)), ['KMS.DisabledException', 400]);
    assert.equal((await awsCli(server, ['kms', 'enable-key', '--key-id', out.arn])).code, 0);
    assert.equal((await bodyOf(await get(alice))).toString(), 'secret kms body');

    // The bucket default: a PUT without headers gets the bucket's KMS key.
    const config = { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: out.arn } }] };
    await awsCli(server, ['s3api', 'put-bucket-encryption', '--bucket', bucket, '--server-side-encryption-configuration', JSON.stringify(config)]);
    const byDefault = await client({ creds: alice }).send(new PutObjectCommand({ Bucket: bucket, Key: 'd', Body: 'x' }));
    assert.equal(byDefault.ServerSideEncryption, 'aws:kms');
    assert.equal(byDefault.SSEKMSKeyId, out.arn);
  });

  it('a "deny unencrypted uploads" policy refuses a PUT without the header, as on AWS, though SSE-S3 is the default', async () => {
    const bucket = await newBucket();
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } } }],
    };
    await client().send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
    assert.deepEqual(await failure(client().send(new PutObjectCommand({ Bucket: bucket, Key: 'a', Body: 'x' }))), ['AccessDenied', 403]);
    const ok = await client().send(new PutObjectCommand({ Bucket: bucket, Key: 'a', Body: 'x', ServerSideEncryption: 'AES256' }));
    assert.equal(ok.ServerSideEncryption, 'AES256');
  });
});
