import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { isServiceError } from '../errors/service-error.js';
import { newBucketRecord } from '../storage/new-bucket.js';
import type { BucketConfigChange, BucketRecord } from '../storage/ports.js';
import { parseAbacStatus, prepareGetBucketAbac, preparePutBucketAbac, withBucketResourceTags } from './bucket-abac.js';
import { bucketCheck, objectCheck, type S3Context } from './context.js';
import { NO_PUBLIC_ACCESS_BLOCK } from './resource-side.js';

const OWNER = '111122223333';
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

function bucket(name: string, over: Partial<BucketRecord> = {}): BucketRecord {
  return newBucketRecord({ name, ownerAccountId: OWNER, region: 'us-east-1', createdAt: new Date(0), ...over });
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return isServiceError(e) ? e.code : String(e);
  }
  return 'no error';
}

/** An S3Context addressing `b` (and `key`), recording the configuration changes it writes. */
function context(b: BucketRecord, opts: { body?: string; key?: string } = {}) {
  const changes: BucketConfigChange[] = [];
  const ctx = {
    bucket: b,
    publicAccess: NO_PUBLIC_ACCESS_BLOCK,
    operation: 'PutBucketAbac',
    target: { bucket: b.name, key: opts.key },
    query: new Map([['abac', '']]),
    header: () => undefined,
    raw: { method: 'PUT', rawPath: `/${b.name}`, rawQuery: 'abac', headers: {}, rawHeaders: [] },
    auth: { body: Readable.from([Buffer.from(opts.body ?? '')]), trailers: () => ({}) },
    deps: {
      storage: {
        buckets: {
          updateBucketConfig: async (name: string, change: BucketConfigChange) => {
            changes.push(change);
            return name === b.name;
          },
        },
      },
    },
  } as unknown as S3Context;
  return { ctx, changes };
}

const TAGS = [['team', 'blue'], ['cost-center', '42']] as const;

describe('aws:ResourceTag from bucket tags', () => {
  it('adds nothing (the same object) unless ABAC is Enabled and the bucket has tags', () => {
    const context = { 's3:prefix': 'a/' };
    const off = [
      bucket('b', { tags: TAGS }),
      bucket('b', { tags: TAGS, abac: 'Disabled' }),
      bucket('b', { abac: 'Enabled' }),
    ];
    for (const b of off) {
      assert.equal(withBucketResourceTags(b, context), context);
    }
    const enabled = withBucketResourceTags(bucket('b', { tags: TAGS, abac: 'Enabled' }), context);
    const expected = { 'aws:ResourceTag/team': 'blue', 'aws:ResourceTag/cost-center': '42', 's3:prefix': 'a/' };
    assert.deepEqual(enabled, expected);
  });

  it('bucket and object checks carry the addressed bucket tags; a copy source carries its own bucket tags', () => {
    const addressed = bucket('dest', { tags: [['team', 'blue']], abac: 'Enabled' });
    const { ctx } = context(addressed, { key: 'k' });
    assert.equal(bucketCheck(ctx, 's3:ListBucket').context['aws:ResourceTag/team'], 'blue');
    const put = objectCheck(ctx, 's3:PutObject', { 's3:x-amz-acl': 'private' });
    assert.deepEqual(put.context, { 'aws:ResourceTag/team': 'blue', 's3:x-amz-acl': 'private' });
    const source = bucket('src', { tags: [['team', 'red']], abac: 'Enabled' });
    const copySource = objectCheck(ctx, 's3:GetObject', {}, { bucket: source, key: 'k' });
    assert.equal(copySource.context['aws:ResourceTag/team'], 'red');
    const plain = bucket('src2', { tags: [['team', 'red']] });
    assert.deepEqual(objectCheck(ctx, 's3:GetObject', {}, { bucket: plain, key: 'k' }).context, {});
  });
});

describe('PutBucketAbac / GetBucketAbac', () => {
  it('parses AbacStatus; a missing, unknown or extra member is MalformedXML', () => {
    assert.equal(parseAbacStatus(`<AbacStatus ${NS}><Status>Enabled</Status></AbacStatus>`), 'Enabled');
    assert.equal(parseAbacStatus('<AbacStatus><Status>Disabled</Status></AbacStatus>'), 'Disabled');
    for (const bad of [
      '<AbacStatus/>',
      '<AbacStatus><Status>enabled</Status></AbacStatus>',
      '<AbacStatus><Status>Enabled</Status><Other/></AbacStatus>',
      '<Abac><Status>Enabled</Status></Abac>',
      '',
    ]) {
      assert.equal(codeOf(() => parseAbacStatus(bad)), 'MalformedXML', bad);
    }
  });

  it('PutBucketAbac checks s3:PutBucketAbac and stores the status', async () => {
    const { ctx, changes } = context(bucket('b'), { body: `<AbacStatus ${NS}><Status>Enabled</Status></AbacStatus>` });
    const op = await preparePutBucketAbac(ctx);
    assert.deepEqual(op.checks.map((c) => [c.action, c.resource]), [['s3:PutBucketAbac', 'arn:aws:s3:::b']]);
    assert.equal((await op.run([])).status, 200);
    assert.deepEqual(changes, [{ abac: 'Enabled' }]);
  });

  it('GetBucketAbac answers the status, Disabled when never set', async () => {
    for (const [b, status] of [[bucket('b'), 'Disabled'], [bucket('b', { abac: 'Enabled' }), 'Enabled']] as const) {
      const op = await prepareGetBucketAbac(context(b).ctx);
      assert.deepEqual(op.checks.map((c) => c.action), ['s3:GetBucketAbac']);
      const res = await op.run([]);
      assert.equal(res.status, 200);
      assert.match(String(res.body), new RegExp(`<AbacStatus xmlns="[^"]+"><Status>${status}</Status></AbacStatus>`));
    }
  });
});
