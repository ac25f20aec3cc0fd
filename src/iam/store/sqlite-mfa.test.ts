import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Sealer, sealingKey } from '../../crypto/sealer.js';
import { bootstrapManagementAccount } from '../bootstrap.js';
import { openMemoryIamStore } from './memory-store.js';
import { createSqliteIamStore } from './sqlite-iam-store.js';
import type { IamChange, IamStore } from './types.js';

async function setup(store: IamStore = openMemoryIamStore()) {
  const { accountId } = await bootstrapManagementAccount(store);
  const serial = (name: string) => `arn:aws:iam::${accountId}:mfa/${name}`;
  const create = (name: string, seed = randomBytes(40)) =>
    store.mfaDevices.createVirtual({ accountId, serialNumber: serial(name), deviceName: name, path: '/', seed });
  return { store, accountId, serial, create };
}

async function errorCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
}

test('createVirtual: seed round trip, unassigned, serial unique case-insensitively, tags', async () => {
  const { store, accountId, serial, create } = await setup();
  const seed = randomBytes(40);
  const row = await store.mfaDevices.createVirtual({
    accountId, serialNumber: serial('dev'), deviceName: 'dev', path: '/', seed, tags: [{ Key: 'k', Value: 'v' }],
  });
  assert.deepEqual(row.seed, seed);
  assert.equal(row.owner, undefined);
  assert.equal(row.enabledAt, undefined);
  assert.deepEqual(await store.tags.list('mfa', serial('dev')), [{ Key: 'k', Value: 'v' }]);
  assert.equal(await errorCode(create('DEV')), 'EntityAlreadyExists');
  assert.equal((await store.mfaDevices.listVirtual(accountId)).length, 1);
});

test('the seed is stored sealed, bound to its serial number', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-seal-'));
  try {
    const path = join(dir, 'iam.sqlite');
    const store = createSqliteIamStore({ path, sealer: new Sealer(sealingKey(randomBytes(32))) });
    const { create } = await setup(store);
    const seed = Buffer.from('0123456789abcdefghij0123456789abcdefghij');
    await create('dev', seed);
    await store.close();
    const db = new Database(path, { readonly: true });
    const r = db.prepare('SELECT seed_sealed FROM mfa_devices').get() as { seed_sealed: string };
    db.close();
    assert.match(r.seed_sealed, /^sb1:/);
    assert.ok(!r.seed_sealed.includes(seed.toString('base64url')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('enable: assigns, records the step, refuses a device in use, an old step, or a 9th device', async () => {
  const { store, accountId, serial, create } = await setup();
  const u = await store.users.create({ accountId, userId: 'AIDAAAAAAAAAAAAAAAAA1', userName: 'alice', path: '/' });
  const owner = { kind: 'user', userId: u.userId } as const;
  await create('a');
  const changes: IamChange[] = [];
  store.onChange((c) => changes.push(c));
  await store.mfaDevices.enable(serial('a'), owner, 100);
  assert.deepEqual(changes.map((c) => c.kind).sort(), ['mfa', 'user']);
  const row = await store.mfaDevices.get(serial('a'));
  assert.deepEqual(row?.owner, owner);
  assert.ok(row?.enabledAt instanceof Date);
  assert.equal(row?.lastUsedStep, 100);
  assert.equal(await errorCode(store.mfaDevices.enable(serial('a'), { kind: 'root' }, 101)), 'EntityAlreadyExists');
  assert.equal(await errorCode(store.mfaDevices.enable(serial('nope'), owner, 101)), 'NoSuchEntity');
  assert.deepEqual((await store.mfaDevices.listForOwner(accountId, owner)).map((d) => d.serialNumber), [serial('a')]);
  assert.deepEqual(await store.mfaDevices.listForOwner(accountId, { kind: 'root' }), []);

  await store.mfaDevices.deactivate(serial('a'), owner);
  assert.equal(await errorCode(store.mfaDevices.enable(serial('a'), owner, 100)), 'InvalidAuthenticationCode', 'step already used');
  await store.mfaDevices.enable(serial('a'), owner, 101);
  for (let i = 0; i < 7; i++) {
    await create(`more${i}`);
    await store.mfaDevices.enable(serial(`more${i}`), owner, 1);
  }
  await create('ninth');
  assert.equal(await errorCode(store.mfaDevices.enable(serial('ninth'), owner, 1)), 'LimitExceeded');
  await store.mfaDevices.enable(serial('ninth'), { kind: 'root' }, 1);
  assert.equal((await store.mfaDevices.listForOwner(accountId, { kind: 'root' })).length, 1);
});

test('deactivate and delete: NoSuchEntity unless assigned to that owner; DeleteConflict while assigned', async () => {
  const { store, accountId, serial, create } = await setup();
  const u = await store.users.create({ accountId, userId: 'AIDAAAAAAAAAAAAAAAAA1', userName: 'alice', path: '/' });
  await create('a');
  await store.mfaDevices.enable(serial('a'), { kind: 'root' }, 5);
  assert.equal(await errorCode(store.mfaDevices.deactivate(serial('a'), { kind: 'user', userId: u.userId })), 'NoSuchEntity');
  assert.equal(await errorCode(store.mfaDevices.delete(serial('a'))), 'DeleteConflict');
  await store.mfaDevices.deactivate(serial('a'), { kind: 'root' });
  assert.equal((await store.mfaDevices.get(serial('a')))?.owner, undefined);
  assert.equal((await store.mfaDevices.get(serial('a')))?.lastUsedStep, 5, 'kept: old codes stay refused');
  await store.mfaDevices.delete(serial('a'));
  assert.equal(await store.mfaDevices.get(serial('a')), undefined);
  assert.equal(await errorCode(store.mfaDevices.delete(serial('a'))), 'NoSuchEntity');
});

test('DeleteUser conflicts while the user has an MFA device', async () => {
  const { store, accountId, serial, create } = await setup();
  const u = await store.users.create({ accountId, userId: 'AIDAAAAAAAAAAAAAAAAA1', userName: 'alice', path: '/' });
  await create('a');
  await store.mfaDevices.enable(serial('a'), { kind: 'user', userId: u.userId }, 1);
  assert.equal(await errorCode(store.users.delete(accountId, 'alice')), 'DeleteConflict');
  await store.mfaDevices.deactivate(serial('a'), { kind: 'user', userId: u.userId });
  await store.users.delete(accountId, 'alice');
});

test('consumeStep: a step is accepted once, never an older one; resync never moves backwards', async () => {
  const { store, serial, create } = await setup();
  await create('a');
  assert.equal(await store.mfaDevices.consumeStep(serial('a'), 10), true);
  assert.equal(await store.mfaDevices.consumeStep(serial('a'), 10), false);
  assert.equal(await store.mfaDevices.consumeStep(serial('a'), 9), false);
  assert.equal(await store.mfaDevices.consumeStep(serial('a'), 11), true);
  await store.mfaDevices.resync(serial('a'), 5);
  assert.equal((await store.mfaDevices.get(serial('a')))?.lastUsedStep, 11);
  await store.mfaDevices.resync(serial('a'), 20);
  assert.equal(await store.mfaDevices.consumeStep(serial('a'), 20), false);
  assert.equal(await errorCode(store.mfaDevices.resync(serial('nope'), 1)), 'NoSuchEntity');
  assert.equal(await store.mfaDevices.consumeStep(serial('nope'), 1), false);
});

test('consumeStep across two connections to one file (worker processes): one winner per step', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-race-'));
  try {
    const path = join(dir, 'iam.sqlite');
    const sealer = new Sealer(sealingKey(randomBytes(32)));
    const a = createSqliteIamStore({ path, sealer, shared: true });
    const b = createSqliteIamStore({ path, sealer, shared: true });
    const { serial, create } = await setup(a);
    await create('dev');
    for (let step = 1; step <= 20; step++) {
      const wins = await Promise.all([a.mfaDevices.consumeStep(serial('dev'), step), b.mfaDevices.consumeStep(serial('dev'), step)]);
      assert.equal(wins.filter(Boolean).length, 1, `step ${step}`);
    }
    await a.close();
    await b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
