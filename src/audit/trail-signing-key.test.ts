import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDigest, digestStringToSign } from './trail-digest.js';
import { loadTrailSigningKey, TRAIL_SIGNING_KEY_FILE } from './trail-signing-key.js';
import { TRAIL } from './trail-test-chain.js';

describe('loadTrailSigningKey', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strongbox-trail-key-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a 2048-bit RSA key in a 0600 file on first use and reads the same key afterwards', async () => {
    const created = new Date('2026-03-01T09:00:00.000Z');
    const first = await loadTrailSigningKey({ dataDir: dir, now: () => created });
    assert.equal(first.created, join(dir, TRAIL_SIGNING_KEY_FILE));
    assert.equal(first.key.privateKey.asymmetricKeyDetails?.modulusLength, 2048);
    assert.equal((await stat(join(dir, TRAIL_SIGNING_KEY_FILE))).mode & 0o777, 0o600);
    const again = await loadTrailSigningKey({ dataDir: dir, now: () => new Date('2026-04-01T00:00:00Z') });
    assert.equal(again.created, undefined);
    assert.equal(again.key.fingerprint, first.key.fingerprint);
    assert.equal(again.key.createdAt.toISOString(), created.toISOString());
    assert.deepEqual(await readdir(dir), [TRAIL_SIGNING_KEY_FILE], 'no temporary file left behind');
  });

  it('lists its public key as ListPublicKeys returns it: PKCS#1 DER that verifies its digests', async () => {
    const { key } = await loadTrailSigningKey({ dataDir: dir, now: () => new Date('2026-03-05T00:00:00Z') });
    const [listed, ...others] = key.publicKeys();
    assert.equal(others.length, 0);
    assert.equal(listed.fingerprint, key.fingerprint);
    assert.match(listed.fingerprint, /^[0-9a-f]{32}$/);
    assert.equal(listed.validityStartTime.toISOString(), '2026-03-01T09:00:00.000Z');
    assert.ok(listed.validityEndTime > new Date('2026-03-05T00:00:00Z'), 'the current key is valid beyond now');
    const digest = buildDigest({ trail: TRAIL, digestStartTime: new Date('2026-03-01T10:00:00Z'),
      digestEndTime: new Date('2026-03-01T11:00:00Z'), logFiles: [], previous: null, privateKey: key.privateKey });
    assert.equal(digest.document.digestPublicKeyFingerprint, key.fingerprint);
    const publicKey = createPublicKey({ key: listed.value, format: 'der', type: 'pkcs1' });
    const data = Buffer.from(digestStringToSign(digest.document, digest.content));
    assert.equal(verify('sha256', data, publicKey, Buffer.from(digest.signature, 'hex')), true);
  });

  it('gives every one of several processes starting at once the same key', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'strongbox-trail-key-race-'));
    try {
      const loaded = await Promise.all([1, 2, 3, 4].map(() => loadTrailSigningKey({ dataDir: fresh })));
      assert.equal(new Set(loaded.map((l) => l.key.fingerprint)).size, 1);
      assert.equal(loaded.filter((l) => l.created !== undefined).length, 1);
      assert.deepEqual(await readdir(fresh), [TRAIL_SIGNING_KEY_FILE]);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });
});
