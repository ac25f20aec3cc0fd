import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Sealer, sealingKey } from './sealer.js';
import { loadOrCreateMasterKey } from './master-key.js';
import { hashPassword, verifyPassword } from './password-hash.js';

test('seal/unseal round trip, blob names the key and hides the plaintext', () => {
  const s = new Sealer(sealingKey(randomBytes(32)));
  const blob = s.seal('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'AKIAEXAMPLE');
  assert.ok(blob.startsWith(`sb1:${s.currentKeyId}:`));
  assert.ok(!blob.includes('wJalr'));
  assert.equal(s.unseal(blob, 'AKIAEXAMPLE'), 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  assert.equal(Sealer.keyIdOfBlob(blob), s.currentKeyId);
});

test('unseal fails with the wrong context, a tampered blob, or an unknown key', () => {
  const s = new Sealer(sealingKey(randomBytes(32)));
  const blob = s.seal('secret', 'ctx');
  assert.throws(() => s.unseal(blob, 'other'));
  const raw = Buffer.from(blob.split(':')[2], 'base64url');
  raw[raw.length - 1] ^= 1;
  assert.throws(() => s.unseal(`sb1:${s.currentKeyId}:${raw.toString('base64url')}`, 'ctx'));
  assert.throws(() => new Sealer(sealingKey(randomBytes(32))).unseal(blob, 'ctx'), /unknown key/);
  assert.throws(() => s.unseal('garbage'));
});

test('a rotated key ring still unseals old blobs and seals with the new key', () => {
  const oldKey = sealingKey(randomBytes(32));
  const blob = new Sealer(oldKey).seal('x');
  const rotated = new Sealer(sealingKey(randomBytes(32)), [oldKey]);
  assert.equal(rotated.unseal(blob), 'x');
  assert.notEqual(Sealer.keyIdOfBlob(rotated.seal('y')), oldKey.id);
});

test('master key is created once with mode 0600 and reused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-mk-'));
  try {
    const a = loadOrCreateMasterKey(dir);
    const b = loadOrCreateMasterKey(dir);
    assert.equal(a.id, b.id);
    assert.equal(readFileSync(join(dir, 'master.key')).length, 32);
    assert.equal(statSync(join(dir, 'master.key')).mode & 0o777, 0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('scrypt password hashes verify, reject wrong passwords, and are salted', async () => {
  const h1 = await hashPassword('Correct-Horse-1');
  const h2 = await hashPassword('Correct-Horse-1');
  assert.notEqual(h1, h2);
  assert.ok(h1.startsWith('scrypt$'));
  assert.equal(await verifyPassword('Correct-Horse-1', h1), true);
  assert.equal(await verifyPassword('correct-horse-1', h1), false);
  assert.equal(await verifyPassword('x', 'not-a-hash'), false);
});
