/**
 * An object version's `x-amz-website-redirect-location` (ObjectRecord.websiteRedirectLocation) in the
 * embedded store: each version keeps its own value as it moves between `objects` and
 * `object_versions`, a multipart upload carries it to the completed object, and objects written before
 * migration 10 read back without one.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import {
  bucketRecord,
  deleteRequest,
  fakeSegment,
  objectRecord,
  partRecord,
  uploadRecord,
} from '../contract/fixtures.js';
import { openEmbeddedStorage, type EmbeddedStorage } from '../embedded.js';
import type { ObjectVersion, PutObjectOutcome } from '../ports.js';
import { MIGRATIONS, migrate } from './migrations.js';

function versionIdOf(outcome: PutObjectOutcome): string {
  assert.ok(outcome.outcome === 'Written' && outcome.versionId !== null, JSON.stringify(outcome));
  return outcome.versionId;
}

function redirectOf(version: ObjectVersion | undefined): string | undefined {
  if (version?.kind !== 'Object') assert.fail(`not an object version: ${JSON.stringify(version)}`);
  return version.object.websiteRedirectLocation;
}

describe('embedded storage: website redirect location', () => {
  let dataDir = '';
  let storage: EmbeddedStorage;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strongbox-redirect-'));
    storage = await openEmbeddedStorage({ dataDir });
  });
  after(async () => {
    await storage.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('each version keeps its own value, current or not, across a reopen', async () => {
    await storage.buckets.createBucket(bucketRecord('versions', { versioning: 'Enabled' }));
    const first = objectRecord('versions', 'page.html', [fakeSegment(2)], { websiteRedirectLocation: '/other.html' });
    const v1 = versionIdOf(await storage.objects.putObject(first));
    const v2 = versionIdOf(await storage.objects.putObject(objectRecord('versions', 'page.html', [fakeSegment(3)])));
    const v3 = versionIdOf(
      await storage.objects.putObject(
        objectRecord('versions', 'page.html', [fakeSegment(4)], { websiteRedirectLocation: 'https://example.com/x' }),
      ),
    );
    const newest = await storage.objects.getObject('versions', 'page.html');
    assert.equal(newest?.websiteRedirectLocation, 'https://example.com/x');
    assert.equal(redirectOf(await storage.objects.getVersion('versions', 'page.html', v1)), '/other.html');
    const second = await storage.objects.getVersion('versions', 'page.html', v2);
    assert.ok(second?.kind === 'Object' && !('websiteRedirectLocation' in second.object), 'no redirect: no property');
    // Deleting the current version promotes v2 (none), then v1 (its own value) back to current.
    await storage.objects.deleteObject(deleteRequest('versions', 'page.html', { versionId: v3 }));
    assert.equal((await storage.objects.getObject('versions', 'page.html'))?.websiteRedirectLocation, undefined);
    await storage.objects.deleteObject(deleteRequest('versions', 'page.html', { versionId: v2 }));
    await storage.close();
    storage = await openEmbeddedStorage({ dataDir });
    const current = await storage.objects.getObject('versions', 'page.html');
    assert.deepEqual([current?.versionId, current?.websiteRedirectLocation], [v1, '/other.html']);
    const listed = await storage.objects.listObjectVersions({
      bucket: 'versions',
      prefix: '',
      delimiter: '',
      keyMarker: '',
      maxKeys: 10,
    });
    assert.deepEqual(listed.versions.map((v) => (v.kind === 'Object' ? v.object.versionId : undefined)), [v1]);
    assert.equal(redirectOf(await storage.objects.getVersion('versions', 'page.html', v1)), '/other.html');
  });

  it('a multipart upload keeps the value in its template and the completed object gets it', async () => {
    await storage.buckets.createBucket(bucketRecord('uploads'));
    const base = uploadRecord('uploads', 'big.html', 'upload-1');
    const upload = { ...base, template: { ...base.template, websiteRedirectLocation: '/small.html' } };
    await storage.multipart.createUpload(upload);
    const stored = await storage.multipart.getUpload('uploads', 'big.html', 'upload-1');
    assert.equal(stored?.template.websiteRedirectLocation, '/small.html');
    assert.deepEqual(stored, upload);
    const part = partRecord(1, fakeSegment(5));
    await storage.multipart.putPart('upload-1', part);
    const record = { ...objectRecord('uploads', 'big.html', [part.segment], { partsCount: 1 }), ...upload.template };
    assert.equal((await storage.multipart.completeUpload('upload-1', record)).outcome, 'Written');
    assert.equal((await storage.objects.getObject('uploads', 'big.html'))?.websiteRedirectLocation, '/small.html');
  });

  it('objects written before migration 10 have none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strongbox-v9-'));
    try {
      const old = new BetterSqlite3(join(dir, 'metadata.sqlite'));
      migrate(old, MIGRATIONS.slice(0, 9));
      old.prepare(
        `INSERT INTO buckets (name, owner_account_id, region, created_at)
           VALUES ('b', '111122223333', 'us-east-1', 0)`,
      ).run();
      old.prepare(
        `INSERT INTO objects (bucket, key, version_id, size, etag, last_modified, user_metadata, tags, storage_class,
           owner_account_id) VALUES ('b', x'6f6c64', NULL, 0, 'e', 0, '{}', '[]', 'STANDARD', '111122223333')`,
      ).run();
      old.close();
      const upgraded = await openEmbeddedStorage({ dataDir: dir });
      const obj = await upgraded.objects.getObject('b', 'old');
      await upgraded.close();
      assert.ok(obj !== undefined && !('websiteRedirectLocation' in obj));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
