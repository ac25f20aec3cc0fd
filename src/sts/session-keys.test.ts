import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openMemoryIamStore } from '../iam/store/memory-store.js';
import { SessionKeyRing } from './session-keys.js';
import { SessionTokenCodec } from './session-token.js';
import type { SessionClaims } from './session-token.js';

const claims = (at: Date): SessionClaims => ({
  accessKeyId: 'ASIAAAAAAAAAAAAAAAAA',
  secretAccessKey: 's'.repeat(40),
  principal: { kind: 'Root', accountId: '111122223333' },
  session: { issuer: 'GetSessionToken', issuedAt: at, expiresAt: new Date(at.getTime() + 3600_000) },
});

test('a process opens a token sealed with a key another process added a moment ago', async () => {
  const store = openMemoryIamStore();
  const clock = { now: new Date('2026-01-01T00:00:00Z') };
  const a = new SessionKeyRing(store.sessionKeys, { now: () => clock.now });
  const b = new SessionKeyRing(store.sessionKeys, { now: () => clock.now });
  assert.equal(await b.find('0000000000000000'), undefined); // b has read the (empty) ring just now
  const token = await new SessionTokenCodec(a).seal(claims(clock.now));
  const opened = await new SessionTokenCodec(b).open(token);
  assert.equal(opened?.principal.kind, 'Root');
});

test('keys rotate by age; tokens sealed by a retired key no longer open; older retained keys still do', async () => {
  const store = openMemoryIamStore();
  const clock = { now: new Date('2026-01-01T00:00:00Z') };
  const ring = new SessionKeyRing(store.sessionKeys, { now: () => clock.now, rotateAfterMs: 3600_000, retainMs: 3 * 3600_000 });
  const codec = new SessionTokenCodec(ring);
  const first = await codec.seal(claims(clock.now));
  const firstKey = (await ring.current()).keyId;
  clock.now = new Date('2026-01-01T01:30:00Z');
  const second = await codec.seal(claims(clock.now));
  assert.notEqual((await ring.current()).keyId, firstKey);
  assert.ok(await codec.open(first));
  assert.ok(await codec.open(second));
  clock.now = new Date('2026-01-01T04:00:00Z');
  await codec.seal(claims(clock.now)); // rotates again and retires keys older than 3 h
  const fresh = new SessionTokenCodec(new SessionKeyRing(store.sessionKeys, { now: () => clock.now }));
  assert.equal(await fresh.open(first), undefined);
  assert.ok(await fresh.open(second));
  assert.equal(await codec.open('AAAA' + first.slice(4)), undefined);
});
