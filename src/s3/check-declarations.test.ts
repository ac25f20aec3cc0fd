/**
 * The authorization checks operations declare, as the pipeline receives them: actions agree with the
 * policy engine's S3 action table (src/policy/s3-actions.ts), resources are the right ARNs, and the
 * operation-specific condition keys are present.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { RootOnlyAuthorizer } from '../authz/root-only-authorizer.js';
import type { Caller } from '../identity/caller.js';
import { s3ActionFor } from '../policy/s3-actions.js';
import type { AuthzCheck } from '../server/protocol.js';
import { rawRequest } from './testing/raw-request.js';
import { TEST_ACCOUNT, startS3TestServer, type S3TestServer } from './testing/s3-test-server.js';

const seen: (readonly AuthzCheck[])[] = [];
class RecordingAuthorizer extends RootOnlyAuthorizer {
  override async authorize(caller: Caller, checks: readonly AuthzCheck[]) {
    seen.push(checks);
    return super.authorize(caller, checks);
  }
}

let server: S3TestServer;
let s3: S3Client;
const b = `chk-${randomBytes(4).toString('hex')}`;

before(async () => {
  server = await startS3TestServer({ authorizer: new RecordingAuthorizer() });
  s3 = server.client();
});
after(async () => server.close());

async function checksOf(send: () => Promise<unknown>): Promise<readonly AuthzCheck[]> {
  seen.length = 0;
  await send();
  assert.equal(seen.length, 1);
  return seen[0];
}

function agreesWithPolicyTable(op: string, checks: readonly AuthzCheck[], options: Parameters<typeof s3ActionFor>[1] = {}): void {
  const expected = s3ActionFor(op, options);
  assert.ok(expected, op);
  assert.deepEqual(new Set(checks.map((c) => c.action)), new Set(expected.map((c) => c.action)), op);
}

test('checks are data: actions, ARNs, owner account and condition keys', async () => {
  const create = await checksOf(() => s3.send(new CreateBucketCommand({ Bucket: b })));
  agreesWithPolicyTable('CreateBucket', create);
  assert.deepEqual(create[0], { action: 's3:CreateBucket', resource: `arn:aws:s3:::${b}`, resourceAccount: undefined, context: {}, bucket: b });

  const list = await checksOf(() => s3.send(new ListBucketsCommand({})));
  agreesWithPolicyTable('ListBuckets', list);
  assert.equal(list[0].resource, '*');

  const put = await checksOf(() => s3.send(new PutObjectCommand({ Bucket: b, Key: 'a/b', Body: 'x', Tagging: 'team=red' })));
  agreesWithPolicyTable('PutObject', put, { tagging: true });
  assert.equal(put[0].resource, `arn:aws:s3:::${b}/a/b`);
  assert.equal(put[0].resourceAccount, TEST_ACCOUNT);
  assert.equal(put[0].context['s3:RequestObjectTag/team'], 'red');
  assert.deepEqual(put[0].context['s3:RequestObjectTagKeys'], ['team']);

  const get = await checksOf(() => s3.send(new GetObjectCommand({ Bucket: b, Key: 'a/b' })));
  agreesWithPolicyTable('GetObject', get);
  assert.equal(get[0].context['s3:ExistingObjectTag/team'], 'red');

  const tag = await checksOf(() => s3.send(new PutObjectTaggingCommand({ Bucket: b, Key: 'a/b', Tagging: { TagSet: [{ Key: 'team', Value: 'blue' }] } })));
  agreesWithPolicyTable('PutObjectTagging', tag);
  assert.equal(tag[0].context['s3:ExistingObjectTag/team'], 'red');
  assert.equal(tag[0].context['s3:RequestObjectTag/team'], 'blue');

  const listObjects = await checksOf(() => s3.send(new ListObjectsV2Command({ Bucket: b, Prefix: 'a/', Delimiter: '/', MaxKeys: 5 })));
  agreesWithPolicyTable('ListObjectsV2', listObjects);
  assert.deepEqual(listObjects[0].context, { 's3:prefix': 'a/', 's3:delimiter': '/', 's3:max-keys': '5' });
  assert.equal(listObjects[0].resource, `arn:aws:s3:::${b}`);

  const copy = await checksOf(() => s3.send(new CopyObjectCommand({ Bucket: b, Key: 'c', CopySource: `${b}/a/b`, MetadataDirective: 'REPLACE' })));
  agreesWithPolicyTable('CopyObject', copy);
  assert.equal(copy[0].resource, `arn:aws:s3:::${b}/a/b`);
  assert.equal(copy[0].context['s3:ExistingObjectTag/team'], 'blue');
  assert.equal(copy[1].resource, `arn:aws:s3:::${b}/c`);
  assert.equal(copy[1].context['s3:x-amz-copy-source'], `${b}/a/b`);
  assert.equal(copy[1].context['s3:x-amz-metadata-directive'], 'REPLACE');

  // DeleteObjects gates nothing: each key is an advisory check of its own, authorized one by one.
  seen.length = 0;
  await s3.send(new DeleteObjectsCommand({ Bucket: b, Delete: { Objects: [{ Key: 'a/b' }, { Key: 'c' }] } }));
  assert.deepEqual(seen.map((cs) => cs.map((c) => [c.action, c.resource])), [[['s3:DeleteObject', `arn:aws:s3:::${b}/a/b`]], [['s3:DeleteObject', `arn:aws:s3:::${b}/c`]]]);
});

test('a CORS preflight is not authorized; an anonymous request is denied by the authorizer', async () => {
  seen.length = 0;
  const pre = await rawRequest(server.endpoint, { method: 'OPTIONS', path: `/${b}/k`, headers: { origin: 'http://x.test', 'access-control-request-method': 'GET' } });
  assert.equal(pre.status, 403);
  assert.equal(pre.code, 'AccessForbidden');
  assert.equal(seen.length, 0);
  const anon = await rawRequest(server.endpoint, { method: 'GET', path: `/${b}`, query: 'list-type=2' });
  assert.equal(anon.code, 'AccessDenied');
});
