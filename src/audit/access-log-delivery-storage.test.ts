/**
 * Access-log delivery over real embedded storage, through the service object writer AWS services use
 * (src/s3/service-object-writer.ts): the log object lands in the target bucket encrypted as the bucket
 * says, owned by its owner, and reads back as lines the Athena regex reads.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { canonicalUserId } from '../identity/canonical-user.js';
import { createServiceObjectWriter } from '../s3/service-object-writer.js';
import { openObjectPlaintext } from '../sse/encrypted-object-bytes.js';
import { SseKeyRing } from '../sse/sse-key-ring.js';
import { bucketRecord, OWNER, readAll } from '../storage/contract/fixtures.js';
import { openEmbeddedStorage, type EmbeddedStorage } from '../storage/embedded.js';
import { ObjectsService } from '../storage/objects-service.js';
import type { ObjectRecord } from '../storage/ports.js';
import { AccessLogDelivery } from './access-log-delivery.js';
import type { RequestRecord } from './request-record.js';

const NOW = new Date('2026-03-01T10:05:30.750Z');
const ATHENA_REGEX = new RegExp(
  '([^ ]*) ([^ ]*) \\[(.*?)\\] ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ("[^"]*"|-) (-|[0-9]*) ([^ ]*) ([^ ]*) ' +
    '([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ("[^"]*"|-) ([^ ]*)' +
    '(?: ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*))?.*$',
);

describe('access log delivery into embedded storage', () => {
  let dir = '';
  let storage: EmbeddedStorage;
  let keys: SseKeyRing;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strongbox-access-logs-'));
    storage = await openEmbeddedStorage({ dataDir: dir });
    keys = new SseKeyRing([randomBytes(32)]);
  });
  after(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  const plaintext = async (object: ObjectRecord): Promise<string> => {
    const enc = object.encryption;
    assert.ok(enc?.wrappedDataKey, 'the log object is encrypted at rest (SSE-S3, the bucket default)');
    const body = await openObjectPlaintext(storage.blobs, object, { dataKey: keys.unwrapDataKey(enc.wrappedDataKey), chunkSize: enc.chunkSize });
    return (Buffer.isBuffer(body) ? body : await readAll(body)).toString('utf8');
  };

  it('writes the buffered lines as one SSE-S3 object the bucket owner owns', async () => {
    const { buckets } = storage;
    await buckets.createBucket(bucketRecord('src-bucket'));
    await buckets.createBucket(bucketRecord('log-bucket'));
    const policy = {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: 'arn:aws:s3:::log-bucket/access/*',
        Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::src-bucket' }, StringEquals: { 'aws:SourceAccount': OWNER } },
      }],
    };
    await buckets.updateBucketConfig('log-bucket', { policy: JSON.stringify(policy) });
    await buckets.updateBucketConfig('src-bucket', { logging: { targetBucket: 'log-bucket', targetPrefix: 'access/', targetGrants: [] } });
    const delivery = new AccessLogDelivery({
      getBucket: (name) => buckets.getBucket(name),
      writer: createServiceObjectWriter({ storage, objects: new ObjectsService(storage), sse: { keys }, now: () => NOW }),
      logger: { warn: (o, m) => assert.fail(`${m} ${JSON.stringify(o)}`), error: (o, m) => assert.fail(`${m} ${JSON.stringify(o)}`) },
      now: () => NOW,
    });
    delivery.record(request('R1', 'a.txt'));
    await new Promise((r) => setImmediate(r));
    delivery.record(request('R2', 'b c.txt'));
    assert.deepEqual(await delivery.flush(), { delivered: 1, deliveredLines: 2, dropped: 0, droppedLines: 0 });

    const listed = await storage.objects.listObjects({ bucket: 'log-bucket', prefix: 'access/', delimiter: '', after: '', maxKeys: 10 });
    assert.equal(listed.objects.length, 1);
    assert.match(listed.objects[0].key, /^access\/2026-03-01-10-05-30-[0-9A-F]{16}$/);
    const object = await storage.objects.getObject('log-bucket', listed.objects[0].key);
    assert.ok(object);
    assert.equal(object.contentType, 'text/plain');
    assert.equal(object.ownerAccountId, OWNER);
    const lines = (await plaintext(object)).split('\n');
    assert.equal(lines.pop(), '');
    const keysLogged = lines.map((l) => {
      const m = ATHENA_REGEX.exec(l);
      assert.ok(m, l);
      assert.equal(m[1], canonicalUserId(OWNER));
      assert.equal(m[2], 'src-bucket');
      return [m[6], m[8]];
    });
    assert.deepEqual(keysLogged, [['R1', 'a.txt'], ['R2', 'b%20c.txt']]);
  });
});

function request(requestId: string, key: string): RequestRecord {
  return {
    requestId,
    eventTime: NOW,
    service: 's3',
    region: 'us-east-1',
    operation: 'PutObject',
    authenticationType: 'AuthHeader',
    signatureVersion: 'SigV4',
    sourceIp: '127.0.0.1',
    http: { method: 'PUT', uri: `/src-bucket/${encodeURIComponent(key)}`, version: 'HTTP/1.1' },
    status: 200,
    bytesIn: 3,
    bytesOut: 0,
    totalTimeMs: 2,
    completed: true,
    s3: { bucket: 'src-bucket', bucketOwnerAccountId: OWNER, bucketOwnerCanonicalId: canonicalUserId(OWNER), key, objectSize: 3,
      logging: { targetBucket: 'log-bucket', targetPrefix: 'access/', targetGrants: [] } },
  };
}
