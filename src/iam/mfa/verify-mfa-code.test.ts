import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { stepOf, totpCode } from '../../crypto/totp.js';
import { bootstrapManagementAccount } from '../bootstrap.js';
import { openMemoryIamStore } from '../store/memory-store.js';
import type { MfaOwner } from '../store/types.js';
import { matchConsecutiveCodes, verifyMfaCode } from './verify-mfa-code.js';

const NOW = new Date('2026-03-01T12:00:10Z');
const STEP = stepOf(NOW);

async function setup(options: { owner?: MfaOwner } = {}) {
  const store = openMemoryIamStore();
  const { accountId } = await bootstrapManagementAccount(store);
  const user = await store.users.create({ accountId, userId: 'AIDAAAAAAAAAAAAAAAAA1', userName: 'alice', path: '/' });
  const alice: MfaOwner = { kind: 'user', userId: user.userId };
  const seed = randomBytes(40);
  const serialNumber = `arn:aws:iam::${accountId}:mfa/alice`;
  await store.mfaDevices.createVirtual({ accountId, serialNumber, deviceName: 'alice', path: '/', seed });
  const owner = options.owner ?? alice;
  await store.mfaDevices.enable(serialNumber, owner, STEP - 10);
  const verify = (code: string, extra: { owner?: MfaOwner; now?: Date; accountId?: string; serialNumber?: string } = {}) =>
    verifyMfaCode(store, { serialNumber, code, owner, accountId, now: NOW, ...extra });
  return { store, accountId, seed, serialNumber, alice, verify };
}

test('verifyMfaCode: the current code is accepted once; the same code twice → the second is refused', async () => {
  const { seed, verify } = await setup();
  const code = totpCode(seed, STEP);
  assert.equal(await verify(code), 'ok');
  assert.equal(await verify(code), 'invalid');
});

test('verifyMfaCode: codes of the previous and next step count (±1), farther ones do not', async () => {
  const { seed, verify } = await setup();
  assert.equal(await verify(totpCode(seed, STEP - 2)), 'invalid');
  assert.equal(await verify(totpCode(seed, STEP + 2)), 'invalid');
  assert.equal(await verify(totpCode(seed, STEP - 1)), 'ok');
  assert.equal(await verify(totpCode(seed, STEP + 1)), 'ok');
  // Once a later step was used, an earlier code (even within the window) is refused.
  assert.equal(await verify(totpCode(seed, STEP)), 'invalid');
});

test('verifyMfaCode: a code accepted at one moment is refused a step later too (no replay)', async () => {
  const { seed, verify } = await setup();
  const code = totpCode(seed, STEP);
  assert.equal(await verify(code), 'ok');
  assert.equal(await verify(code, { now: new Date(NOW.getTime() + 30_000) }), 'invalid');
});

test('verifyMfaCode: wrong owner, wrong account, unknown serial, disabled device, malformed code → invalid', async () => {
  const { store, seed, serialNumber, alice, verify } = await setup();
  const code = totpCode(seed, STEP);
  assert.equal(await verify(code, { owner: { kind: 'root' } }), 'invalid');
  assert.equal(await verify(code, { owner: { kind: 'user', userId: 'AIDAOTHEROTHEROTHER1' } }), 'invalid');
  assert.equal(await verify(code, { accountId: '999999999999' }), 'invalid');
  assert.equal(await verify(code, { serialNumber: `${serialNumber}x` }), 'invalid');
  assert.equal(await verify('12345'), 'invalid');
  assert.equal(await verify('abcdef'), 'invalid');
  await store.mfaDevices.deactivate(serialNumber, alice);
  assert.equal(await verify(code), 'invalid');
  // Refusals consumed nothing: once enabled again, a later code works.
  await store.mfaDevices.enable(serialNumber, alice, STEP - 5);
  assert.equal(await verify(code), 'ok');
});

test('verifyMfaCode: the root user\'s device, for the root user', async () => {
  const { seed, verify } = await setup({ owner: { kind: 'root' } });
  assert.equal(await verify(totpCode(seed, STEP)), 'ok');
});

test('matchConsecutiveCodes: two consecutive codes near now → the second one\'s step', () => {
  const seed = randomBytes(40);
  const pair = (s: number) => [totpCode(seed, s - 1), totpCode(seed, s)] as const;
  assert.equal(matchConsecutiveCodes(seed, ...pair(STEP), NOW), STEP);
  assert.equal(matchConsecutiveCodes(seed, ...pair(STEP - 2), NOW), STEP - 2);
  assert.equal(matchConsecutiveCodes(seed, ...pair(STEP + 2), NOW), STEP + 2);
  assert.equal(matchConsecutiveCodes(seed, ...pair(STEP - 3), NOW), undefined);
  assert.equal(matchConsecutiveCodes(seed, ...pair(STEP + 3), NOW), undefined);
  const [a, b] = pair(STEP);
  assert.equal(matchConsecutiveCodes(seed, b, a, NOW), undefined, 'in the wrong order');
  assert.equal(matchConsecutiveCodes(seed, a, a, NOW), undefined, 'the same code twice');
  assert.equal(matchConsecutiveCodes(seed, totpCode(seed, STEP - 2), b, NOW), undefined, 'not consecutive');
});
