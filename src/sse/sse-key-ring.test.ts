import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SseKeyConfigError, loadSseKeys, parseSseKeys } from './sse-key-file.js';
import { SseKeyRing, UnknownSseKeyError } from './sse-key-ring.js';
import { Sealer, sealingKey } from '../crypto/sealer.js';

describe('SSE key ring', () => {
  it('gives each object its own data key; another ring with the key opens it; after a rotation the old key still does', () => {
    const [k1, k2] = [randomBytes(32), randomBytes(32)];
    const before = new SseKeyRing([k1]);
    const a = before.newDataKey();
    const b = before.newDataKey();
    assert.notDeepEqual(a.dataKey, b.dataKey);
    assert.equal(a.wrapped.includes(a.dataKey.toString('base64url')), false);
    assert.deepEqual(new SseKeyRing([k1]).unwrapDataKey(a.wrapped), a.dataKey, 'opened from the record alone');
    const rotated = new SseKeyRing([k2, k1]);
    assert.deepEqual(rotated.unwrapDataKey(b.wrapped), b.dataKey);
    assert.notEqual(rotated.newDataKey().wrapped.split(':')[1], a.wrapped.split(':')[1], 'new objects use the new key');
    assert.throws(() => new SseKeyRing([k2]).unwrapDataKey(a.wrapped), UnknownSseKeyError);
  });

  it('changes its batch key after ten minutes, and refuses a tampered wrapped key', () => {
    let now = 0;
    const ring = new SseKeyRing([randomBytes(32)], () => now);
    const first = ring.newDataKey().wrapped.split(':')[2];
    assert.equal(ring.newDataKey().wrapped.split(':')[2], first);
    now += 11 * 60 * 1000;
    assert.notEqual(ring.newDataKey().wrapped.split(':')[2], first);
    const [format, id, sealed, nonce] = ring.newDataKey().wrapped.split(':');
    const raw = Buffer.from(sealed, 'base64url');
    raw[40] ^= 1;
    assert.throws(() => ring.unwrapDataKey([format, id, raw.toString('base64url'), nonce].join(':')));
  });

  it('keeps a salted HMAC of a customer key, never the key, and checks keys against it', () => {
    const ring = new SseKeyRing([randomBytes(32)]);
    const key = randomBytes(32);
    const [a, b] = [ring.customerKeyHmac(key), ring.customerKeyHmac(key)];
    assert.notEqual(a, b, 'salted: the same key never gives the same value');
    assert.equal(a.includes(key.toString('base64url')), false);
    assert.equal(ring.customerKeyMatches(key, a), true);
    assert.equal(ring.customerKeyMatches(randomBytes(32), a), false);
  });
});

describe('SSE key file', () => {
  it('parses base64 keys, current first, with comments; refuses anything else', () => {
    const [k1, k2] = [randomBytes(32), randomBytes(32)];
    assert.deepEqual(parseSseKeys(`# current\n${k1.toString('base64')}\n${k2.toString('base64')} # old\n`, 'f'), [k1, k2]);
    assert.deepEqual(parseSseKeys(`${k1.toString('base64')},${k2.toString('base64')}`, 'env'), [k1, k2]);
    assert.throws(() => parseSseKeys(randomBytes(16).toString('base64'), 'env'), SseKeyConfigError);
    assert.throws(() => parseSseKeys('# nothing', 'f'), SseKeyConfigError);
  });

  it('creates DATA_DIR/sse.key once (mode 0600) and reads it back on the next start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strongbox-ssekey-'));
    try {
      const first = await loadSseKeys({ kind: 'default' }, dir);
      assert.equal(first.created, join(dir, 'sse.key'));
      assert.equal((await stat(join(dir, 'sse.key'))).mode & 0o777, 0o600);
      const again = await loadSseKeys({ kind: 'default' }, dir);
      assert.equal(again.created, undefined);
      assert.deepEqual(again.keys, first.keys);
      const file = join(dir, 'elsewhere.key');
      await assert.rejects(loadSseKeys({ kind: 'file', path: file }, dir), SseKeyConfigError, 'a named key file must exist');
      await writeFile(file, await readFile(join(dir, 'sse.key')));
      assert.deepEqual((await loadSseKeys({ kind: 'file', path: file }, dir)).keys, first.keys);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('seals KMS key material under keys derived from the SSE keys, which survive a rotation', () => {
    const [k1, k2] = [randomBytes(32), randomBytes(32)];
    const sealed = new SseKeyRing([k1]).kmsSealer().seal(Buffer.from('material'), 'ctx');
    assert.equal(new SseKeyRing([k2, k1]).kmsSealer().unseal(sealed, 'ctx'), 'material', 'an older key still unseals');
    assert.throws(() => new SseKeyRing([k2]).kmsSealer().unseal(sealed, 'ctx'), 'another key does not');
    assert.ok(!sealed.includes(new Sealer(sealingKey(k1)).currentKeyId), 'the SSE key itself is not the sealing key');
  });
});
