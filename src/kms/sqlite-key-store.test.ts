import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Sealer, sealingKey } from '../crypto/sealer.js';
import type { NewKey } from './key-types.js';
import { newMaterial } from './loaded-key.js';
import { createSqliteKeyStore, openKeyStore } from './sqlite-key-store.js';

const sealer = () => new Sealer(sealingKey(randomBytes(32)));

function newKey(keyId: string, at = new Date(1_700_000_000_000)): NewKey {
  return {
    record: {
      keyId,
      accountId: '111122223333',
      region: 'us-east-1',
      description: 'd',
      keyManager: 'CUSTOMER',
      state: 'Enabled',
      createdAt: at,
      deletionDate: undefined,
      pendingWindowDays: undefined,
      policy: '{}',
      rotation: { enabled: false, periodDays: undefined, nextRotationAt: undefined },
      tags: [{ TagKey: 'team', TagValue: 'a' }],
    },
    material: newMaterial(1, at),
  };
}

const ID1 = '00000000-0000-4000-8000-000000000001';
const ID2 = '00000000-0000-4000-8000-000000000002';

describe('kms.sqlite key store', () => {
  it('keeps key material sealed on disk and returns it unsealed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kms-store-'));
    try {
      const store = openKeyStore({ dataDir: dir, sealer: sealer() });
      const k = newKey(ID1);
      await store.createKey(k);
      const got = await store.getKey(ID1);
      assert.deepEqual(got?.materials[0].key, k.material.key);
      assert.equal(got?.record.policyRevision, 1);
      assert.deepEqual(got?.record.tags, [{ TagKey: 'team', TagValue: 'a' }]);
      await store.close();
      const file = readFileSync(join(dir, 'kms.sqlite'));
      assert.equal(file.includes(k.material.key), false, 'raw key material must not be on disk');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('material sealed for one key does not open as another', async () => {
    const s = sealer();
    const store = createSqliteKeyStore({ path: ':memory:', sealer: s });
    await store.createKey(newKey(ID1));
    const sealed = s.seal(randomBytes(32), `kms:${ID1}:1`);
    assert.throws(() => s.unsealToBuffer(sealed, `kms:${ID2}:1`));
  });

  it('adds material only on top of the expected version (one automatic rotation across processes)', async () => {
    const store = createSqliteKeyStore({ path: ':memory:', sealer: sealer() });
    await store.createKey(newKey(ID1));
    const next = new Date(1_800_000_000_000);
    assert.equal(
      await store.addMaterial(ID1, newMaterial(2, new Date(), 'AUTOMATIC'), {
        expectedVersion: 1,
        nextRotationAt: next,
      }),
      true,
    );
    assert.equal(await store.addMaterial(ID1, newMaterial(2, new Date(), 'AUTOMATIC'), { expectedVersion: 1 }), false);
    const got = await store.getKey(ID1);
    assert.deepEqual(
      got?.materials.map((m) => [m.version, m.rotationType]),
      [
        [1, undefined],
        [2, 'AUTOMATIC'],
      ],
    );
    assert.equal(got?.record.rotation.nextRotationAt?.getTime(), next.getTime());
  });

  it('creates an aliased AWS managed key once, however often it is asked', async () => {
    const store = createSqliteKeyStore({ path: ':memory:', sealer: sealer() });
    let made = 0;
    const make = () => (made++, newKey(made === 1 ? ID1 : ID2));
    const a = await store.ensureAliasedKey('111122223333', 'us-east-1', 'alias/aws/s3', make);
    const b = await store.ensureAliasedKey('111122223333', 'us-east-1', 'alias/aws/s3', make);
    assert.equal(a, ID1);
    assert.equal(b, ID1);
    assert.equal(made, 1);
    assert.deepEqual((await store.getKey(ID1))?.record.aliases, ['alias/aws/s3']);
  });

  it('updates, tags, aliases and deletes (aliases and tags go with the key)', async () => {
    const store = createSqliteKeyStore({ path: ':memory:', sealer: sealer() });
    await store.createKey(newKey(ID1));
    assert.equal(await store.updateKey(ID1, { state: 'Disabled', policy: '{"x":1}' }), true);
    assert.equal(await store.updateKey(ID2, { state: 'Disabled' }), false);
    const at = new Date();
    assert.equal(
      await store.createAlias({
        accountId: '111122223333',
        region: 'us-east-1',
        aliasName: 'alias/a',
        keyId: ID1,
        createdAt: at,
        updatedAt: at,
      }),
      true,
    );
    assert.equal(
      await store.createAlias({
        accountId: '111122223333',
        region: 'us-east-1',
        aliasName: 'alias/a',
        keyId: ID1,
        createdAt: at,
        updatedAt: at,
      }),
      false,
    );
    await store.putTags(ID1, [
      { TagKey: 'team', TagValue: 'b' },
      { TagKey: 'env', TagValue: 'x' },
    ]);
    await store.removeTags(ID1, ['env', 'missing']);
    const got = await store.getKey(ID1);
    assert.equal(got?.record.state, 'Disabled');
    assert.equal(got?.record.policyRevision, 2);
    assert.deepEqual(got?.record.tags, [{ TagKey: 'team', TagValue: 'b' }]);
    assert.deepEqual(await store.listKeyIds('111122223333', 'us-east-1'), [ID1]);
    await store.deleteKey(ID1);
    assert.equal(await store.getKey(ID1), undefined);
    assert.deepEqual(await store.listAliases('111122223333', 'us-east-1'), []);
  });
});
