import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { isServiceError } from '../errors/service-error.js';
import { NO_PUBLIC_ACCESS_BLOCK } from './resource-side.js';
import { newBucketRecord } from '../storage/new-bucket.js';
import type { BucketConfigChange, BucketRecord } from '../storage/ports.js';
import { checkLoggingTarget, prepareGetBucketLogging, preparePutBucketLogging } from './bucket-logging.js';
import type { S3Context } from './context.js';

const OWNER = '111122223333';
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

function bucket(name: string, over: Partial<BucketRecord> = {}): BucketRecord {
  return newBucketRecord({ name, ownerAccountId: OWNER, region: 'us-east-1', createdAt: new Date(0), ...over });
}

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return isServiceError(e) ? e.code : String(e);
  }
  return 'no error';
};

async function rejected(p: Promise<unknown>): Promise<{ code: string; status: number } | undefined> {
  try {
    await p;
  } catch (e) {
    if (isServiceError(e)) return { code: e.code, status: e.status };
    throw e;
  }
  return undefined;
}

function loggingDoc(target: string, extra = ''): string {
  return `<BucketLoggingStatus ${NS}><LoggingEnabled><TargetBucket>${target}</TargetBucket>${extra}` +
    '<TargetPrefix>logs/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>';
}

const READ_GRANT =
  `<TargetGrants><Grant><Grantee ${XSI} xsi:type="CanonicalUser"><ID>${'c'.repeat(64)}</ID></Grantee>` +
  '<Permission>READ</Permission></Grant></TargetGrants>';

/** An S3Context for a bucket-level operation on `source`, with an in-memory bucket store. */
function context(source: BucketRecord, others: BucketRecord[], body = '', headers: Record<string, string> = {}) {
  const store = new Map([source, ...others].map((b) => [b.name, b]));
  const changes: BucketConfigChange[] = [];
  const md5 = createHash('md5').update(body).digest('base64');
  const allHeaders: Record<string, string> = { 'content-md5': md5, ...headers };
  const ctx = {
    bucket: store.get(source.name),
    publicAccess: NO_PUBLIC_ACCESS_BLOCK,
    operation: 'PutBucketLogging',
    target: { bucket: source.name },
    query: new Map(),
    header: (name: string) => allHeaders[name],
    raw: { method: 'PUT', rawPath: `/${source.name}`, rawQuery: 'logging', headers: allHeaders, rawHeaders: [] },
    auth: { body: Readable.from([Buffer.from(body)]), trailers: () => ({}) },
    deps: {
      storage: {
        buckets: {
          getBucket: async (name: string) => store.get(name),
          updateBucketConfig: async (name: string, change: BucketConfigChange) => {
            changes.push(change);
            return store.has(name);
          },
        },
      },
    },
  } as unknown as S3Context;
  return { ctx, changes };
}

describe('PutBucketLogging / GetBucketLogging', () => {
  it('checks the target bucket as AWS does: exists, same owner, same Region, no grants when ACLs are disabled', () => {
    const source = bucket('source');
    const config = { targetBucket: 'target', targetPrefix: 'logs/', targetGrants: [] };
    const withGrants = { ...config, targetGrants: [{ grantee: { type: 'CanonicalUser' as const, id: 'c' }, permission: 'READ' as const }] };
    assert.equal(codeOf(() => checkLoggingTarget(source, config, bucket('target'))), 'no error');
    assert.equal(codeOf(() => checkLoggingTarget(source, config, source)), 'no error', 'a bucket may log into itself');
    assert.equal(codeOf(() => checkLoggingTarget(source, config, undefined)), 'InvalidTargetBucketForLogging');
    const foreign = bucket('target', { ownerAccountId: '444455556666' });
    assert.equal(codeOf(() => checkLoggingTarget(source, config, foreign)), 'InvalidTargetBucketForLogging');
    const away = bucket('target', { region: 'eu-west-1' });
    assert.equal(codeOf(() => checkLoggingTarget(source, config, away)), 'CrossLocationLoggingProhibited');
    assert.equal(codeOf(() => checkLoggingTarget(source, withGrants, bucket('target'))), 'AccessControlListNotSupported');
    const aclsOn = bucket('target', { ownership: 'BucketOwnerPreferred' });
    assert.equal(codeOf(() => checkLoggingTarget(source, withGrants, aclsOn)), 'no error');
    const locked = bucket('target', { objectLock: { enabled: true, defaultRetention: { mode: 'GOVERNANCE', days: 1 } } });
    assert.equal(codeOf(() => checkLoggingTarget(source, config, locked)), 'InvalidTargetBucketForLogging');
    const lockNoDefault = bucket('target', { objectLock: { enabled: true } });
    assert.equal(codeOf(() => checkLoggingTarget(source, config, lockNoDefault)), 'no error');
  });

  it('PutBucketLogging checks s3:PutBucketLogging on the bucket and stores the configuration', async () => {
    const { ctx, changes } = context(bucket('source'), [bucket('target')], loggingDoc('target'));
    const op = await preparePutBucketLogging(ctx);
    assert.deepEqual(op.checks.map((c) => [c.action, c.resource]), [['s3:PutBucketLogging', 'arn:aws:s3:::source']]);
    const res = await op.run([]);
    assert.equal(res.status, 200);
    assert.deepEqual(changes, [{ logging: { targetBucket: 'target', targetPrefix: 'logs/', targetGrants: [] } }]);
  });

  it('an empty BucketLoggingStatus turns logging off', async () => {
    const { ctx, changes } = context(bucket('source'), [], `<BucketLoggingStatus ${NS}/>`);
    assert.equal((await (await preparePutBucketLogging(ctx)).run([])).status, 200);
    assert.deepEqual(changes, [{ logging: null }]);
  });

  it('refuses a bad target, grants into a bucket-owner-enforced target, malformed XML and a missing Content-MD5', async () => {
    const cases: [string, string, BucketRecord[], Record<string, string>, string, number][] = [
      ['missing target', loggingDoc('nope'), [], {}, 'InvalidTargetBucketForLogging', 400],
      ['other owner', loggingDoc('target'), [bucket('target', { ownerAccountId: '444455556666' })], {}, 'InvalidTargetBucketForLogging', 400],
      ['grants', loggingDoc('target', READ_GRANT), [bucket('target')], {}, 'AccessControlListNotSupported', 400],
      ['malformed', '<BucketLoggingStatus><LoggingEnabled/></BucketLoggingStatus>', [], {}, 'MalformedXML', 400],
    ];
    for (const [name, body, others, headers, code, status] of cases) {
      const { ctx, changes } = context(bucket('source'), others, body, headers);
      assert.deepEqual(await rejected((await preparePutBucketLogging(ctx)).run([])), { code, status }, name);
      assert.deepEqual(changes, [], name);
    }
    const { ctx } = context(bucket('source'), [bucket('target')], loggingDoc('target'));
    const noMd5 = { ...ctx, header: (n: string) => (n === 'content-md5' ? undefined : ctx.header(n)), raw: { ...ctx.raw, headers: {} } };
    assert.equal((await rejected((await preparePutBucketLogging(noMd5)).run([])))?.code, 'InvalidRequest');
  });

  it('GetBucketLogging checks s3:GetBucketLogging and answers the document, empty when logging is off', async () => {
    const off = context(bucket('source'), []);
    const opOff = await prepareGetBucketLogging(off.ctx);
    assert.deepEqual(opOff.checks.map((c) => c.action), ['s3:GetBucketLogging']);
    const resOff = await opOff.run([]);
    assert.equal(resOff.status, 200);
    assert.match(String(resOff.body), new RegExp(`<BucketLoggingStatus ${NS}></BucketLoggingStatus>$`));

    const logging = { targetBucket: 'target', targetPrefix: 'logs/', targetGrants: [], targetObjectKeyFormat: { kind: 'SimplePrefix' as const } };
    const on = context(bucket('source', { logging }), []);
    const body = String((await (await prepareGetBucketLogging(on.ctx)).run([])).body);
    assert.match(body, /<LoggingEnabled><TargetBucket>target<\/TargetBucket><TargetPrefix>logs\/<\/TargetPrefix>/);
    assert.match(body, /<TargetObjectKeyFormat><SimplePrefix><\/SimplePrefix><\/TargetObjectKeyFormat>/);
  });
});
