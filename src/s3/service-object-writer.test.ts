import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { openKms, type Kms } from '../kms/open-kms.js';
import { openObjectPlaintext } from '../sse/encrypted-object-bytes.js';
import { SseKeyRing } from '../sse/sse-key-ring.js';
import { bucketRecord, OTHER_OWNER, readAll } from '../storage/contract/fixtures.js';
import { openEmbeddedStorage, type EmbeddedStorage } from '../storage/embedded.js';
import { ObjectsService } from '../storage/objects-service.js';
import type { BucketRecord, ObjectRecord } from '../storage/ports.js';
import { createServiceObjectWriter, type ServiceObjectWriter } from './service-object-writer.js';

const NOW = new Date('2026-03-01T10:05:30.750Z');

describe('createServiceObjectWriter (embedded storage)', () => {
  let dir = '';
  let storage: EmbeddedStorage;
  let kms: Kms;
  let keys: SseKeyRing;
  let writer: ServiceObjectWriter;
  let counter = 0;

  const bucket = async (overrides: Partial<BucketRecord> = {}): Promise<string> => {
    const name = `service-writer-${++counter}`;
    await storage.buckets.createBucket(bucketRecord(name, overrides));
    return name;
  };

  /** The object's plaintext, opened with the key its record names (the way GetObject opens it). */
  const plaintext = async (object: ObjectRecord): Promise<Buffer> => {
    const enc = object.encryption;
    assert.ok(enc?.wrappedDataKey, 'the object is encrypted at rest');
    const dataKey = enc.kmsKeyArn === undefined
      ? keys.unwrapDataKey(enc.wrappedDataKey)
      : await kms.keys.decryptDataKey({ ciphertextBlob: enc.wrappedDataKey, context: enc.kmsEncryptionContext ?? {},
        keyArn: enc.kmsKeyArn });
    const body = await openObjectPlaintext(storage.blobs, object, { dataKey, chunkSize: enc.chunkSize });
    return Buffer.isBuffer(body) ? body : readAll(body as Readable);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strongbox-service-writer-'));
    storage = await openEmbeddedStorage({ dataDir: dir });
    keys = new SseKeyRing([randomBytes(32)]);
    kms = openKms({ dataDir: dir, region: 'us-east-1', principalExists: async () => true });
    writer = createServiceObjectWriter({ storage, objects: new ObjectsService(storage), sse: { keys, kms: kms.keys }, now: () => NOW });
  });
  after(async () => {
    await kms.close();
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a gzip log file SSE-S3 encrypted, owned by the bucket owner, with its headers and metadata', async () => {
    const name = await bucket({ ownerAccountId: OTHER_OWNER, ownership: 'ObjectWriter' });
    const body = gzipSync(Buffer.from('{"Records":[]}'));
    await writer.put({ bucket: name, key: 'AWSLogs/1/CloudTrail/x.json.gz', body, contentType: 'application/json',
      contentEncoding: 'gzip', metadata: { Signature: 'abc', 'signature-algorithm': 'SHA256withRSA' } });
    const object = await storage.objects.getObject(name, 'AWSLogs/1/CloudTrail/x.json.gz');
    assert.ok(object);
    assert.equal(object.ownerAccountId, OTHER_OWNER);
    assert.equal(object.acl, undefined, "the owner's FULL_CONTROL alone");
    assert.equal(object.encryption?.algorithm, 'AES256');
    assert.equal(object.encryption?.kmsKeyArn, undefined);
    assert.equal(object.contentType, 'application/json');
    assert.equal(object.contentEncoding, 'gzip');
    assert.deepEqual(object.userMetadata, { signature: 'abc', 'signature-algorithm': 'SHA256withRSA' });
    assert.equal(object.size, body.length);
    assert.equal(object.checksum?.algorithm, 'CRC64NVME');
    assert.equal(object.lastModified.toISOString(), '2026-03-01T10:05:30.000Z');
    assert.equal(gunzipSync(await plaintext(object)).toString(), '{"Records":[]}');
  });

  it('stores a body larger than the inline limit in a blob and reads it back decrypted', async () => {
    const name = await bucket();
    const body = randomBytes(200 * 1024);
    await writer.put({ bucket: name, key: 'big', body, contentType: 'application/octet-stream' });
    const object = await storage.objects.getObject(name, 'big');
    assert.ok(object);
    assert.equal(object.inline, undefined);
    assert.equal(object.segments.length, 1);
    assert.ok((await plaintext(object)).equals(body));
  });

  it("applies the bucket's default SSE-KMS (aws/s3 key of the bucket owner)", async () => {
    const name = await bucket({ encryption: { sseAlgorithm: 'aws:kms', bucketKeyEnabled: true, blockedEncryptionTypes: [] } });
    await writer.put({ bucket: name, key: 'k', body: Buffer.from('kms'), contentType: 'text/plain' });
    const object = await storage.objects.getObject(name, 'k');
    assert.ok(object);
    assert.equal(object.encryption?.algorithm, 'aws:kms');
    assert.match(object.encryption?.kmsKeyArn ?? '', /^arn:aws:kms:us-east-1:111122223333:key\//);
    assert.equal(object.encryption?.bucketKeyEnabled, true);
    assert.deepEqual(object.encryption?.kmsEncryptionContext, { 'aws:s3:arn': `arn:aws:s3:::${name}` });
    assert.equal((await plaintext(object)).toString(), 'kms');
  });

  it('keeps every delivery as a version in a versioning-enabled bucket', async () => {
    const name = await bucket({ versioning: 'Enabled' });
    await writer.put({ bucket: name, key: 'k', body: Buffer.from('one'), contentType: 'text/plain' });
    await writer.put({ bucket: name, key: 'k', body: Buffer.from('two'), contentType: 'text/plain' });
    const page = await storage.objects.listObjectVersions({ bucket: name, prefix: '', delimiter: '', keyMarker: '', maxKeys: 10 });
    assert.equal(page.versions.length, 2);
    for (const v of page.versions) assert.ok(v.kind === 'Object' && v.object.versionId !== null);
  });

  it("gives the object the bucket's default Object Lock retention", async () => {
    const name = await bucket({ versioning: 'Enabled', objectLock: { enabled: true, defaultRetention: { mode: 'GOVERNANCE', days: 1 } } });
    await writer.put({ bucket: name, key: 'locked', body: Buffer.from('x'), contentType: 'text/plain' });
    const object = await storage.objects.getObject(name, 'locked');
    assert.equal(object?.objectLock?.retention?.mode, 'GOVERNANCE');
    assert.equal(object?.objectLock?.retention?.retainUntil.toISOString(), '2026-03-02T10:05:30.750Z');
  });

  it('rejects with NoSuchBucket when the bucket is gone', async () => {
    await assert.rejects(writer.put({ bucket: 'service-writer-missing', key: 'k', body: Buffer.from('x'), contentType: 'text/plain' }),
      (e: unknown) => (e as { code?: string }).code === 'NoSuchBucket');
  });
});
