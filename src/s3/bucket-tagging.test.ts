import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { isServiceError } from '../errors/service-error.js';
import { newBucketRecord } from '../storage/new-bucket.js';
import type { BucketConfigChange, BucketRecord } from '../storage/ports.js';
import {
  parseBucketTagging,
  prepareDeleteBucketTagging,
  prepareGetBucketTagging,
  preparePutBucketTagging,
  validateBucketTagSet,
} from './bucket-tagging.js';
import type { S3Context } from './context.js';
import { NO_PUBLIC_ACCESS_BLOCK } from './resource-side.js';

const OWNER = '111122223333';
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

function bucket(over: Partial<BucketRecord> = {}): BucketRecord {
  const created = { name: 'tagged', ownerAccountId: OWNER, region: 'us-east-1', createdAt: new Date(0) };
  return newBucketRecord({ ...created, ...over });
}

function doc(tags: readonly (readonly [string, string])[]): string {
  const body = tags.map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join('');
  return `<Tagging ${NS}><TagSet>${body}</TagSet></Tagging>`;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return isServiceError(e) ? e.code : String(e);
  }
  return 'no error';
}

async function failure(p: Promise<unknown>): Promise<{ code: string; status: number; message: string } | undefined> {
  try {
    await p;
  } catch (e) {
    if (isServiceError(e)) return { code: e.code, status: e.status, message: e.message };
    throw e;
  }
  return undefined;
}

/** An S3Context for a bucket-level operation on `b`, recording the configuration changes it writes. */
function context(b: BucketRecord, body = '', headers: Record<string, string> = {}) {
  const changes: BucketConfigChange[] = [];
  const allHeaders: Record<string, string> = { 'content-md5': md5(body), ...headers };
  const ctx = {
    bucket: b,
    publicAccess: NO_PUBLIC_ACCESS_BLOCK,
    operation: 'PutBucketTagging',
    target: { bucket: b.name },
    query: new Map([['tagging', '']]),
    header: (name: string) => allHeaders[name],
    raw: { method: 'PUT', rawPath: `/${b.name}`, rawQuery: 'tagging', headers: allHeaders, rawHeaders: [] },
    auth: { body: Readable.from([Buffer.from(body)]), trailers: () => ({}) },
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

describe('bucket tag sets', () => {
  it('allows 50 tags and refuses the 51st with BadRequest, as S3 does for buckets', () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`] as const);
    assert.equal(validateBucketTagSet(tags(50)).length, 50);
    assert.equal(codeOf(() => validateBucketTagSet(tags(51))), 'BadRequest');
  });

  it('applies the key and value limits of AWS tags', () => {
    assert.equal(codeOf(() => validateBucketTagSet([['team', '']])), 'no error', 'a value may be empty');
    assert.equal(codeOf(() => validateBucketTagSet([['a b_c.d:e/f=g+h-i@j', 'é ü 9']])), 'no error');
    assert.equal(codeOf(() => validateBucketTagSet([['k'.repeat(128), 'v'.repeat(256)]])), 'no error');
    const bad: (readonly (readonly [string, string])[])[] = [
      [['', 'v']],
      [['k'.repeat(129), 'v']],
      [['k', 'v'.repeat(257)]],
      [['k*', 'v']],
      [['k', 'v#']],
      [['a', '1'], ['a', '2']],
    ];
    for (const tags of bad) assert.equal(codeOf(() => validateBucketTagSet(tags)), 'InvalidTag', JSON.stringify(tags));
  });

  it('refuses the reserved aws: prefix in any casing, with S3 wording for each', () => {
    const message = (key: string) => {
      try {
        validateBucketTagSet([[key, 'x']]);
      } catch (e) {
        return isServiceError(e) ? `${e.code}: ${e.message}` : String(e);
      }
      return 'no error';
    };
    const system = 'InvalidTag: System tags cannot be added/updated by requester';
    assert.equal(message('aws:cloudformation:stack-name'), system);
    assert.match(message('AWS:team'), /^InvalidTag: Invalid Tag\. Tags cannot start with "aws:"/);
    assert.equal(message('awsteam'), 'no error');
  });

  it('parses the Tagging document; any other shape is MalformedXML', () => {
    assert.deepEqual(parseBucketTagging(doc([['team', 'blue'], ['cost', '']])), [['team', 'blue'], ['cost', '']]);
    assert.deepEqual(parseBucketTagging(`<Tagging ${NS}><TagSet/></Tagging>`), []);
    for (const bad of [
      `<Tagging ${NS}></Tagging>`,
      `<Tagging ${NS}><TagSet/><TagSet/></Tagging>`,
      `<Tagging ${NS}><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>`,
      `<Tagging ${NS}><TagSet><Tag><Key>k</Key><Value>v</Value><Extra/></Tag></TagSet></Tagging>`,
      `<Tagging ${NS}><TagSet/><Other/></Tagging>`,
      `<TagSet ${NS}/>`,
      '<Tagging><TagSet>',
    ]) {
      assert.equal(codeOf(() => parseBucketTagging(bad)), 'MalformedXML', bad);
    }
  });
});

describe('PutBucketTagging / GetBucketTagging / DeleteBucketTagging', () => {
  it('PutBucketTagging checks s3:PutBucketTagging, replaces the tag set and answers 204', async () => {
    const { ctx, changes } = context(bucket({ tags: [['old', '1']] }), doc([['team', 'blue']]));
    const op = await preparePutBucketTagging(ctx);
    const checks = op.checks.map((c) => [c.action, c.resource, c.resourceAccount]);
    assert.deepEqual(checks, [['s3:PutBucketTagging', 'arn:aws:s3:::tagged', OWNER]]);
    assert.equal((await op.run([])).status, 204);
    assert.deepEqual(changes, [{ tags: [['team', 'blue']] }]);
  });

  it('an empty TagSet removes the tags', async () => {
    const { ctx, changes } = context(bucket({ tags: [['old', '1']] }), `<Tagging ${NS}><TagSet></TagSet></Tagging>`);
    await (await preparePutBucketTagging(ctx)).run([]);
    assert.deepEqual(changes, [{ tags: null }]);
  });

  it('PutBucketTagging requires Content-MD5 or a checksum (requestChecksumRequired)', async () => {
    const body = doc([['team', 'blue']]);
    const none = undefined as unknown as string;
    const noMd5 = context(bucket(), body, { 'content-md5': none });
    assert.equal((await failure((await preparePutBucketTagging(noMd5.ctx)).run([])))?.code, 'InvalidRequest');
    const sha = context(bucket(), body, { 'content-md5': none, 'x-amz-checksum-sha256': sha256(body) });
    assert.equal((await (await preparePutBucketTagging(sha.ctx)).run([])).status, 204);
    const wrong = context(bucket(), body, { 'content-md5': md5('other') });
    assert.equal((await failure((await preparePutBucketTagging(wrong.ctx)).run([])))?.code, 'BadDigest');
    assert.deepEqual(noMd5.changes, []);
  });

  it('with ABAC Enabled, Put and Delete are refused (TagResource changes tags then); Get still answers', async () => {
    const b = bucket({ abac: 'Enabled', tags: [['team', 'blue']] });
    const put = context(b, doc([['team', 'red']]));
    const putRefused = await failure((await preparePutBucketTagging(put.ctx)).run([]));
    assert.deepEqual(pick(putRefused), { code: 'BadRequest', status: 400 });
    const del = context(b);
    const refused = await failure((await prepareDeleteBucketTagging(del.ctx)).run([]));
    assert.deepEqual(pick(refused), { code: 'BadRequest', status: 400 });
    assert.match(refused?.message ?? '', /UntagResource/);
    assert.deepEqual([...put.changes, ...del.changes], []);
    const get = await (await prepareGetBucketTagging(context(b).ctx)).run([]);
    assert.match(String(get.body), /<Key>team<\/Key><Value>blue<\/Value>/);
    const disabled = context(bucket({ abac: 'Disabled' }), doc([['team', 'red']]));
    assert.equal((await (await preparePutBucketTagging(disabled.ctx)).run([])).status, 204);
  });

  it('GetBucketTagging answers the tag set in order, or 404 NoSuchTagSet when there is none', async () => {
    const tagged = context(bucket({ tags: [['b', '2'], ['a', '1']] }));
    const op = await prepareGetBucketTagging(tagged.ctx);
    assert.deepEqual(op.checks.map((c) => c.action), ['s3:GetBucketTagging']);
    const res = await op.run([]);
    assert.equal(res.status, 200);
    const xmlns = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
    const first = '<Tag><Key>b</Key><Value>2</Value></Tag><Tag><Key>a</Key>';
    assert.ok(String(res.body).includes(`<Tagging ${xmlns}><TagSet>${first}`), String(res.body));
    const none = await failure((await prepareGetBucketTagging(context(bucket()).ctx)).run([]));
    assert.deepEqual(pick(none), { code: 'NoSuchTagSet', status: 404 });
  });

  it('DeleteBucketTagging checks s3:PutBucketTagging and answers 204, tags or not', async () => {
    for (const b of [bucket({ tags: [['a', '1']] }), bucket()]) {
      const { ctx, changes } = context(b);
      const op = await prepareDeleteBucketTagging(ctx);
      assert.deepEqual(op.checks.map((c) => c.action), ['s3:PutBucketTagging']);
      assert.equal((await op.run([])).status, 204);
      assert.deepEqual(changes, [{ tags: null }]);
    }
  });
});

function pick(e: { code: string; status: number } | undefined) {
  return e && { code: e.code, status: e.status };
}

function md5(body: string): string {
  return createHash('md5').update(body).digest('base64');
}

function sha256(body: string): string {
  return createHash('sha256').update(body).digest('base64');
}
