/**
 * Authorization outcomes that depend on decisions rather than gate the request: 404 vs 403 for a
 * missing key (s3:ListBucket as an advisory check), DeleteObjects authorized key by key, and a POST
 * upload's own auth facts (s3:authType POST). A scripted authorizer stands in for policies here; the
 * real policy engine is exercised in test/integration/s3-authz.test.ts.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { AuthenticationResult, AuthFacts } from '../auth/types.js';
import type { Caller } from '../identity/caller.js';
import type { Authorizer, AuthzCheck, AuthzOutcome, Decision, RequestInfo } from '../server/protocol.js';
import { startS3TestServer, type S3TestServer } from './testing/s3-test-server.js';

/** Denies what `deny` names (`action` or `action resource`), allows the rest; records every call. */
class ScriptedAuthorizer implements Authorizer {
  readonly deny = new Set<string>();
  readonly calls: { checks: readonly AuthzCheck[]; facts: AuthFacts; caller: Caller }[] = [];
  async authorize(caller: Caller, checks: readonly AuthzCheck[], _info: RequestInfo, auth: AuthenticationResult): Promise<AuthzOutcome> {
    this.calls.push({ checks, facts: auth.facts, caller });
    for (const c of checks) {
      if (this.deny.has(c.action) || this.deny.has(`${c.action} ${c.resource}`)) return { decision: 'ImplicitDeny', deniedCheck: c };
    }
    return { decision: 'Allow' as Decision };
  }
}

const authorizer = new ScriptedAuthorizer();
let server: S3TestServer;
let s3: S3Client;
const bucket = `adv-${randomBytes(4).toString('hex')}`;

before(async () => {
  server = await startS3TestServer({ authorizer });
  s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'there', Body: 'x' }));
});
after(async () => server.close());
beforeEach(() => {
  authorizer.deny.clear();
  authorizer.calls.length = 0;
});

async function failure(p: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof S3ServiceException, String(e));
    return { name: e.name, status: e.$metadata.httpStatusCode };
  }
  assert.fail('expected the request to fail');
}

test('GetObject / HeadObject of a missing key: 404 with s3:ListBucket, 403 without', async () => {
  assert.deepEqual(await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing' }))), { name: 'NoSuchKey', status: 404 });
  const listCheck = authorizer.calls[1].checks[0];
  assert.deepEqual([listCheck.action, listCheck.resource, listCheck.bucket], ['s3:ListBucket', `arn:aws:s3:::${bucket}`, bucket]);
  assert.deepEqual(await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'missing' }))), { name: 'NotFound', status: 404 });

  authorizer.deny.add('s3:ListBucket');
  assert.deepEqual(await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing' }))), { name: 'AccessDenied', status: 403 });
  assert.equal((await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'missing' })))).status, 403);
  // A version id the store could not have issued is InvalidArgument, before any lookup; a well-formed one
  // that names nothing is NoSuchVersion with s3:ListBucket, 403 without.
  assert.equal((await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing', VersionId: 'v1' })))).name, 'InvalidArgument');
  assert.equal((await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing', VersionId: 'A'.repeat(32) })))).name, 'AccessDenied');
  authorizer.deny.delete('s3:ListBucket');
  assert.equal((await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'there', VersionId: 'A'.repeat(32) })))).name, 'NoSuchVersion');
  // s3:GetObject itself still gates: without it the answer is 403 whatever the key.
  authorizer.deny.clear();
  authorizer.deny.add('s3:GetObject');
  assert.equal((await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing' })))).name, 'AccessDenied');
});

test('an existing key declares no advisory check and reads without s3:ListBucket', async () => {
  authorizer.deny.add('s3:ListBucket');
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'there' }));
  assert.equal(await got.Body?.transformToString(), 'x');
  assert.equal(authorizer.calls.length, 1);
  assert.deepEqual(authorizer.calls[0].checks.map((c) => c.action), ['s3:GetObject']);
});

test('DeleteObjects: each key authorized on its own; denied keys are AccessDenied entries and stay', async () => {
  for (const k of ['d/1', 'd/2', 'd/3']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
  authorizer.deny.add(`s3:DeleteObject arn:aws:s3:::${bucket}/d/2`);
  authorizer.calls.length = 0;
  const out = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'd/1' }, { Key: 'd/2' }, { Key: 'd/3' }, { Key: 'never' }] } }));
  assert.deepEqual(out.Deleted?.map((d) => d.Key), ['d/1', 'd/3', 'never']);
  assert.deepEqual(out.Errors?.map((e) => [e.Key, e.Code, e.Message]), [['d/2', 'AccessDenied', 'Access Denied']]);
  assert.equal(authorizer.calls.length, 4);
  const left = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'd/' }));
  assert.deepEqual(left.Contents?.map((c) => c.Key), ['d/2']);

  // Quiet mode hides deletions, never errors; a version id asks for s3:DeleteObjectVersion.
  authorizer.deny.add('s3:DeleteObjectVersion');
  const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Quiet: true, Objects: [{ Key: 'd/2' }, { Key: 'x', VersionId: 'null' }] } }));
  assert.equal(quiet.Deleted, undefined);
  assert.deepEqual(quiet.Errors?.map((e) => [e.Key, e.VersionId, e.Code]), [['d/2', undefined, 'AccessDenied'], ['x', 'null', 'AccessDenied']]);
});

test('DeleteObjects with no permission at all is 200 with an AccessDenied entry per key', async () => {
  authorizer.deny.add('s3:DeleteObject');
  const out = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'there' }, { Key: 'other' }] } }));
  assert.equal(out.$metadata.httpStatusCode, 200);
  assert.deepEqual(out.Errors?.map((e) => [e.Key, e.Code]), [['there', 'AccessDenied'], ['other', 'AccessDenied']]);
  assert.equal(out.Deleted, undefined);
  await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'there' }));
});

test('PostObject: the signed form is authorized with its own facts (s3:authType POST, signature age)', async () => {
  const presigned = await createPresignedPost(s3, { Bucket: bucket, Key: 'posted', Expires: 600 });
  const form = new FormData();
  for (const [k, v] of Object.entries(presigned.fields)) form.append(k, v);
  form.append('file', new Blob(['hello']), 'hello.txt');
  const res = await fetch(`${server.endpoint}/${bucket}`, { method: 'POST', body: form });
  assert.equal(res.status, 204, await res.text());
  const call = authorizer.calls.find((c) => c.checks.some((k) => k.resource === `arn:aws:s3:::${bucket}/posted`));
  assert.ok(call);
  assert.equal(call.facts.authType, 'POST');
  assert.equal(call.facts.signatureVersion, 'AWS4-HMAC-SHA256');
  assert.ok(call.facts.signatureAgeMs !== undefined && call.facts.signatureAgeMs >= 0);
  assert.equal(call.caller.kind, 'Root');

  // An unsigned form is anonymous, with anonymous facts.
  authorizer.calls.length = 0;
  const anon = new FormData();
  anon.append('key', 'anon');
  anon.append('file', new Blob(['a']), 'a.txt');
  await (await fetch(`${server.endpoint}/${bucket}`, { method: 'POST', body: anon })).arrayBuffer();
  assert.equal(authorizer.calls[0].caller.kind, 'Anonymous');
  assert.equal(authorizer.calls[0].facts.authType, 'None');
});
