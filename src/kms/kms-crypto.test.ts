import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACCOUNT, b64, kmsTestBed, REGION } from './kms-test-bed.js';

const DAY = 86_400_000;

describe('KMS Encrypt / Decrypt', () => {
  it('round trip without and with an encryption context; Decrypt needs no KeyId', async () => {
    const t = kmsTestBed();
    const id = await t.createKey();
    const plain = await t.ok('Encrypt', { KeyId: id, Plaintext: b64('hello') });
    assert.equal(plain.KeyId, `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`);
    assert.equal(plain.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
    const back = await t.ok('Decrypt', { CiphertextBlob: plain.CiphertextBlob });
    assert.equal(Buffer.from(back.Plaintext as string, 'base64').toString(), 'hello');
    assert.equal(back.KeyId, plain.KeyId);

    const ctx = { Department: 'IT', Project: 'x' };
    const sealed = await t.ok('Encrypt', { KeyId: id, Plaintext: b64('ctx'), EncryptionContext: ctx });
    const opened = await t.ok('Decrypt', {
      CiphertextBlob: sealed.CiphertextBlob,
      EncryptionContext: { Project: 'x', Department: 'IT' },
    });
    assert.equal(Buffer.from(opened.Plaintext as string, 'base64').toString(), 'ctx');
    assert.equal(await t.code('Decrypt', { CiphertextBlob: sealed.CiphertextBlob }), 'InvalidCiphertextException');
    assert.equal(
      await t.code('Decrypt', {
        CiphertextBlob: sealed.CiphertextBlob,
        EncryptionContext: { Department: 'HR', Project: 'x' },
      }),
      'InvalidCiphertextException',
    );
    assert.equal(
      await t.code('Decrypt', { CiphertextBlob: plain.CiphertextBlob, EncryptionContext: ctx }),
      'InvalidCiphertextException',
    );
  });

  it('declares the encryption context and key condition keys on the key-policy check', async () => {
    const t = kmsTestBed();
    const id = await t.createKey();
    await t.ok('CreateAlias', { AliasName: 'alias/app', TargetKeyId: id });
    const r = await t.call(
      'Encrypt',
      { KeyId: 'alias/app', Plaintext: b64('x'), EncryptionContext: { Department: 'IT' } },
      t.alice,
    );
    const c = r.checks[0];
    assert.equal(c.action, 'kms:Encrypt');
    assert.equal(c.resource, `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`);
    assert.equal(c.resourcePolicy?.type, 'KeyPolicy');
    assert.equal(c.context['kms:EncryptionContext:Department'], 'IT');
    assert.deepEqual(c.context['kms:EncryptionContextKeys'], ['Department']);
    assert.equal(c.context['kms:CallerAccount'], ACCOUNT);
    assert.equal(c.context['kms:RequestAlias'], 'alias/app');
    assert.deepEqual(c.context['kms:ResourceAliases'], ['alias/app']);
    assert.equal(c.context['kms:EncryptionAlgorithm'], 'SYMMETRIC_DEFAULT');
    assert.equal(c.context['kms:ViaService'], undefined);
  });

  it("tampered or foreign ciphertexts are InvalidCiphertextException; a KeyId that is not the blob's is IncorrectKeyException", async () => {
    const t = kmsTestBed();
    const id = await t.createKey();
    const other = await t.createKey();
    const blob = Buffer.from(
      (await t.ok('Encrypt', { KeyId: id, Plaintext: b64('x') })).CiphertextBlob as string,
      'base64',
    );
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1] ^= 1;
    assert.equal(
      await t.code('Decrypt', { CiphertextBlob: tampered.toString('base64') }),
      'InvalidCiphertextException',
    );
    assert.equal(
      await t.code('Decrypt', { CiphertextBlob: b64('garbage that is no blob at all, really none at all') }),
      'InvalidCiphertextException',
    );
    assert.equal(await t.code('Decrypt', { CiphertextBlob: 'not base64!' }), 'SerializationException');
    assert.equal(
      await t.code('Decrypt', { CiphertextBlob: blob.toString('base64'), KeyId: other }),
      'IncorrectKeyException',
    );
    assert.equal((await t.call('Decrypt', { CiphertextBlob: blob.toString('base64'), KeyId: id })).status, 200);
  });

  it('Plaintext is 1..4096 bytes', async () => {
    const t = kmsTestBed();
    const id = await t.createKey();
    assert.equal(await t.code('Encrypt', { KeyId: id, Plaintext: b64(Buffer.alloc(4097)) }), 'ValidationException');
    assert.equal(await t.code('Encrypt', { KeyId: id, Plaintext: '' }), 'ValidationException');
    assert.equal((await t.call('Encrypt', { KeyId: id, Plaintext: b64(Buffer.alloc(4096, 1)) })).status, 200);
  });

  it('a disabled key is DisabledException; a key pending deletion KMSInvalidStateException', async () => {
    const t = kmsTestBed();
    const id = await t.createKey();
    const blob = (await t.ok('Encrypt', { KeyId: id, Plaintext: b64('x') })).CiphertextBlob;
    await t.ok('DisableKey', { KeyId: id });
    assert.equal(await t.code('Encrypt', { KeyId: id, Plaintext: b64('x') }), 'DisabledException');
    assert.equal(await t.code('Decrypt', { CiphertextBlob: blob }), 'DisabledException');
    assert.equal(await t.code('GenerateDataKey', { KeyId: id, KeySpec: 'AES_256' }), 'DisabledException');
    await t.ok('ScheduleKeyDeletion', { KeyId: id, PendingWindowInDays: 7 });
    assert.equal(await t.code('Encrypt', { KeyId: id, Plaintext: b64('x') }), 'KMSInvalidStateException');
    assert.equal(await t.code('Decrypt', { CiphertextBlob: blob }), 'KMSInvalidStateException');
    await t.ok('CancelKeyDeletion', { KeyId: id });
    await t.ok('EnableKey', { KeyId: id });
    assert.equal((await t.call('Decrypt', { CiphertextBlob: blob })).status, 200);
  });

  it('DryRun answers DryRunOperationException', async () => {
    const t = kmsTestBed();
    const id = await t.createKey();
    assert.equal(await t.code('Encrypt', { KeyId: id, Plaintext: b64('x'), DryRun: true }), 'DryRunOperationException');
  });
});

describe('KMS data keys and ReEncrypt', () => {
  it('GenerateDataKey: KeySpec or NumberOfBytes; the blob decrypts to the plaintext', async () => {
    const t = kmsTestBed();
    const id = await t.createKey();
    const dk = await t.ok('GenerateDataKey', { KeyId: id, KeySpec: 'AES_256', EncryptionContext: { k: 'v' } });
    const plaintext = Buffer.from(dk.Plaintext as string, 'base64');
    assert.equal(plaintext.length, 32);
    assert.match(dk.KeyMaterialId as string, /^[0-9a-f]{64}$/);
    const back = await t.ok('Decrypt', { CiphertextBlob: dk.CiphertextBlob, EncryptionContext: { k: 'v' } });
    assert.deepEqual(Buffer.from(back.Plaintext as string, 'base64'), plaintext);
    assert.equal(
      Buffer.from((await t.ok('GenerateDataKey', { KeyId: id, KeySpec: 'AES_128' })).Plaintext as string, 'base64')
        .length,
      16,
    );
    assert.equal(
      Buffer.from((await t.ok('GenerateDataKey', { KeyId: id, NumberOfBytes: 64 })).Plaintext as string, 'base64')
        .length,
      64,
    );
    assert.equal(await t.code('GenerateDataKey', { KeyId: id }), 'ValidationException');
    assert.equal(
      await t.code('GenerateDataKey', { KeyId: id, KeySpec: 'AES_256', NumberOfBytes: 32 }),
      'ValidationException',
    );
    assert.equal(await t.code('GenerateDataKey', { KeyId: id, NumberOfBytes: 1025 }), 'ValidationException');
    const without = await t.ok('GenerateDataKeyWithoutPlaintext', { KeyId: id, KeySpec: 'AES_256' });
    assert.equal(without.Plaintext, undefined);
    assert.equal(
      Buffer.from((await t.ok('Decrypt', { CiphertextBlob: without.CiphertextBlob })).Plaintext as string, 'base64')
        .length,
      32,
    );
  });

  it('ReEncrypt moves a ciphertext to another key and context; checks ReEncryptFrom and ReEncryptTo', async () => {
    const t = kmsTestBed();
    const a = await t.createKey();
    const b = await t.createKey();
    const blob = (await t.ok('Encrypt', { KeyId: a, Plaintext: b64('move me'), EncryptionContext: { from: 'a' } }))
      .CiphertextBlob;
    const r = await t.call('ReEncrypt', {
      CiphertextBlob: blob,
      SourceEncryptionContext: { from: 'a' },
      DestinationKeyId: b,
      DestinationEncryptionContext: { to: 'b' },
    });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(
      r.checks.map((c) => [c.action, c.resource.endsWith(a) ? 'a' : 'b', c.context['kms:ReEncryptOnSameKey']]),
      [
        ['kms:ReEncryptFrom', 'a', 'false'],
        ['kms:ReEncryptTo', 'b', 'false'],
      ],
    );
    assert.ok((r.json.SourceKeyId as string).endsWith(a));
    assert.ok((r.json.KeyId as string).endsWith(b));
    const back = await t.ok('Decrypt', { CiphertextBlob: r.json.CiphertextBlob, EncryptionContext: { to: 'b' } });
    assert.equal(Buffer.from(back.Plaintext as string, 'base64').toString(), 'move me');
    assert.equal(
      await t.code('ReEncrypt', { CiphertextBlob: blob, DestinationKeyId: b }),
      'InvalidCiphertextException',
    );
  });
});

describe('KMS key rotation', () => {
  it('automatic rotation adds key material when due; old ciphertexts still decrypt', async () => {
    const t = kmsTestBed();
    const id = await t.createKey();
    const before = (await t.ok('Encrypt', { KeyId: id, Plaintext: b64('old') })).CiphertextBlob;
    assert.equal((await t.ok('GetKeyRotationStatus', { KeyId: id })).KeyRotationEnabled, false);
    assert.equal(await t.code('EnableKeyRotation', { KeyId: id, RotationPeriodInDays: 89 }), 'ValidationException');
    await t.ok('EnableKeyRotation', { KeyId: id, RotationPeriodInDays: 90 });
    const status = await t.ok('GetKeyRotationStatus', { KeyId: id });
    assert.equal(status.KeyRotationEnabled, true);
    assert.equal(status.RotationPeriodInDays, 90);
    const firstMaterial = ((await t.ok('DescribeKey', { KeyId: id })).KeyMetadata as Record<string, string>)
      .CurrentKeyMaterialId;
    t.advance(90 * DAY);
    const md = (await t.ok('DescribeKey', { KeyId: id })).KeyMetadata as Record<string, string>;
    assert.notEqual(md.CurrentKeyMaterialId, firstMaterial);
    const rotations = (await t.ok('ListKeyRotations', { KeyId: id })).Rotations as Record<string, unknown>[];
    assert.deepEqual(
      rotations.map((r) => [r.RotationType, r.KeyMaterialState]),
      [['AUTOMATIC', 'CURRENT']],
    );
    const next = (await t.ok('GetKeyRotationStatus', { KeyId: id })).NextRotationDate as number;
    assert.equal(next * 1000, Date.parse('2026-01-01T00:00:00Z') + 180 * DAY);
    const old = await t.ok('Decrypt', { CiphertextBlob: before });
    assert.equal(Buffer.from(old.Plaintext as string, 'base64').toString(), 'old');
    assert.equal(old.KeyMaterialId, firstMaterial);
    const fresh = await t.ok('Decrypt', {
      CiphertextBlob: (await t.ok('Encrypt', { KeyId: id, Plaintext: b64('new') })).CiphertextBlob,
    });
    assert.equal(fresh.KeyMaterialId, md.CurrentKeyMaterialId);
  });

  it('RotateKeyOnDemand rotates now; DisableKeyRotation stops the schedule; a disabled key cannot rotate', async () => {
    const t = kmsTestBed();
    const id = await t.createKey();
    const blob = (await t.ok('Encrypt', { KeyId: id, Plaintext: b64('v1') })).CiphertextBlob;
    assert.equal((await t.ok('RotateKeyOnDemand', { KeyId: id })).KeyId, id);
    const all = (await t.ok('ListKeyRotations', { KeyId: id, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }))
      .Rotations as Record<string, unknown>[];
    assert.deepEqual(
      all.map((r) => [r.RotationType, r.KeyMaterialState]),
      [
        [undefined, 'NON_CURRENT'],
        ['ON_DEMAND', 'CURRENT'],
      ],
    );
    assert.equal(
      Buffer.from((await t.ok('Decrypt', { CiphertextBlob: blob })).Plaintext as string, 'base64').toString(),
      'v1',
    );
    await t.ok('EnableKeyRotation', { KeyId: id });
    await t.ok('DisableKeyRotation', { KeyId: id });
    t.advance(400 * DAY);
    assert.equal(((await t.ok('ListKeyRotations', { KeyId: id })).Rotations as unknown[]).length, 1);
    await t.ok('DisableKey', { KeyId: id });
    assert.equal(await t.code('RotateKeyOnDemand', { KeyId: id }), 'DisabledException');
    assert.equal(await t.code('EnableKeyRotation', { KeyId: id }), 'DisabledException');
  });
});
