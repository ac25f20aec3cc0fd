import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACCOUNT, kmsTestBed, OTHER_ACCOUNT, REGION } from './kms-test-bed.js';

const DAY = 86_400_000;

describe('KMS keys', () => {
  it('CreateKey returns KeyMetadata as AWS does for a symmetric key', async () => {
    const t = kmsTestBed();
    const md = (await t.ok('CreateKey', { Description: 'my key' })).KeyMetadata as Record<string, unknown>;
    assert.match(md.KeyId as string, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(md.Arn, `arn:aws:kms:${REGION}:${ACCOUNT}:key/${md.KeyId}`);
    assert.equal(md.AWSAccountId, ACCOUNT);
    assert.equal(typeof md.CreationDate, 'number');
    assert.deepEqual(
      { ...md, KeyId: undefined, Arn: undefined, CreationDate: undefined, CurrentKeyMaterialId: undefined },
      {
        AWSAccountId: ACCOUNT,
        KeyId: undefined,
        Arn: undefined,
        CreationDate: undefined,
        CurrentKeyMaterialId: undefined,
        Enabled: true,
        Description: 'my key',
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeyState: 'Enabled',
        Origin: 'AWS_KMS',
        KeyManager: 'CUSTOMER',
        CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
        KeySpec: 'SYMMETRIC_DEFAULT',
        EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
        MultiRegion: false,
      },
    );
    assert.match(md.CurrentKeyMaterialId as string, /^[0-9a-f]{64}$/);
  });

  it('CreateKey refuses what this KMS does not make, with the model codes', async () => {
    const t = kmsTestBed();
    assert.equal(await t.code('CreateKey', { KeySpec: 'RSA_2048' }), 'UnsupportedOperationException');
    assert.equal(await t.code('CreateKey', { KeyUsage: 'SIGN_VERIFY' }), 'ValidationException');
    assert.equal(await t.code('CreateKey', { KeyUsage: 'NOPE' }), 'ValidationException');
    assert.equal(await t.code('CreateKey', { Origin: 'EXTERNAL' }), 'UnsupportedOperationException');
    assert.equal(await t.code('CreateKey', { MultiRegion: true }), 'UnsupportedOperationException');
    assert.equal(await t.code('CreateKey', { Tags: [{ TagKey: 'aws:x', TagValue: 'y' }] }), 'TagException');
    assert.equal(await t.code('CreateKey', { Description: 5 }), 'SerializationException');
  });

  it('DescribeKey by key id, key ARN, alias name and alias ARN; unknown names are NotFoundException', async () => {
    const t = kmsTestBed();
    const id = await t.createKey();
    const arn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`;
    await t.ok('CreateAlias', { AliasName: 'alias/app', TargetKeyId: id });
    for (const ref of [id, arn, 'alias/app', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/app`]) {
      assert.equal(((await t.ok('DescribeKey', { KeyId: ref })).KeyMetadata as Record<string, string>).KeyId, id, ref);
    }
    for (const ref of [
      'alias/nope',
      'not-a-key',
      '00000000-0000-4000-8000-000000000000',
      arn.replace(REGION, 'eu-west-1'),
    ]) {
      assert.equal(await t.code('DescribeKey', { KeyId: ref }), 'NotFoundException', ref);
    }
    assert.equal(await t.code('DescribeKey', {}), 'ValidationException');
  });

  it('another account sees a key by ARN for DescribeKey, but cannot manage it', async () => {
    const t = kmsTestBed();
    const id = await t.createKey();
    const arn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`;
    const r = await t.call('DescribeKey', { KeyId: arn }, t.otherRoot);
    assert.equal(r.status, 200);
    assert.equal(r.checks[0].resourceAccount, ACCOUNT);
    assert.equal(r.checks[0].context['kms:CallerAccount'], OTHER_ACCOUNT);
    assert.equal(await t.code('DescribeKey', { KeyId: id }, t.otherRoot), 'NotFoundException');
    assert.equal(await t.code('DisableKey', { KeyId: arn }, t.otherRoot), 'NotFoundException');
  });

  it('ListKeys pages with Limit and Marker', async () => {
    const t = kmsTestBed();
    const ids = [await t.createKey(), await t.createKey(), await t.createKey()].sort();
    const first = await t.ok('ListKeys', { Limit: 2 });
    assert.equal(first.Truncated, true);
    const second = await t.ok('ListKeys', { Limit: 2, Marker: first.NextMarker });
    assert.equal(second.Truncated, false);
    assert.equal(second.NextMarker, undefined);
    const listed = [...(first.Keys as { KeyId: string }[]), ...(second.Keys as { KeyId: string }[])].map(
      (k) => k.KeyId,
    );
    assert.deepEqual(listed, ids);
    assert.equal(await t.code('ListKeys', { Marker: 'bogus' }), 'InvalidMarkerException');
    assert.deepEqual((await t.ok('ListKeys', {}, t.otherRoot)).Keys, []);
  });

  it('DisableKey / EnableKey; ScheduleKeyDeletion 7..30 days; CancelKeyDeletion leaves it Disabled', async () => {
    const t = kmsTestBed();
    const id = await t.createKey();
    const state = async () =>
      ((await t.ok('DescribeKey', { KeyId: id })).KeyMetadata as Record<string, unknown>).KeyState;
    await t.ok('DisableKey', { KeyId: id });
    assert.equal(await state(), 'Disabled');
    await t.ok('EnableKey', { KeyId: id });
    assert.equal(await state(), 'Enabled');
    assert.equal(await t.code('ScheduleKeyDeletion', { KeyId: id, PendingWindowInDays: 6 }), 'ValidationException');
    assert.equal(await t.code('ScheduleKeyDeletion', { KeyId: id, PendingWindowInDays: 31 }), 'ValidationException');
    assert.equal(await t.code('CancelKeyDeletion', { KeyId: id }), 'KMSInvalidStateException');
    const scheduled = await t.ok('ScheduleKeyDeletion', { KeyId: id, PendingWindowInDays: 7 });
    assert.equal(scheduled.KeyState, 'PendingDeletion');
    assert.equal(scheduled.PendingWindowInDays, 7);
    assert.equal(scheduled.KeyId, `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`);
    const md = (await t.ok('DescribeKey', { KeyId: id })).KeyMetadata as Record<string, unknown>;
    assert.equal(md.KeyState, 'PendingDeletion');
    assert.equal(md.Enabled, false);
    assert.equal(md.DeletionDate, scheduled.DeletionDate);
    for (const op of ['EnableKey', 'DisableKey', 'ScheduleKeyDeletion'])
      assert.equal(await t.code(op, { KeyId: id }), 'KMSInvalidStateException', op);
    assert.equal(await t.code('UpdateKeyDescription', { KeyId: id, Description: 'x' }), 'KMSInvalidStateException');
    await t.ok('CancelKeyDeletion', { KeyId: id });
    assert.equal(await state(), 'Disabled');
  });

  it('a key is deleted when its waiting period ends, with its aliases', async () => {
    const t = kmsTestBed();
    const id = await t.createKey();
    await t.ok('CreateAlias', { AliasName: 'alias/doomed', TargetKeyId: id });
    await t.ok('ScheduleKeyDeletion', { KeyId: id, PendingWindowInDays: 7 });
    t.advance(7 * DAY - 1000);
    assert.equal(
      ((await t.ok('DescribeKey', { KeyId: id })).KeyMetadata as Record<string, unknown>).KeyState,
      'PendingDeletion',
    );
    t.advance(1000);
    assert.equal(await t.code('DescribeKey', { KeyId: id }), 'NotFoundException');
    assert.equal(await t.code('DescribeKey', { KeyId: 'alias/doomed' }), 'NotFoundException');
    assert.deepEqual((await t.ok('ListKeys')).Keys, []);
  });

  it('UpdateKeyDescription', async () => {
    const t = kmsTestBed();
    const id = await t.createKey({ Description: 'a' });
    await t.ok('UpdateKeyDescription', { KeyId: id, Description: 'b' });
    assert.equal(((await t.ok('DescribeKey', { KeyId: id })).KeyMetadata as Record<string, unknown>).Description, 'b');
  });
});

describe('KMS aliases', () => {
  it('Create / List / Update / Delete', async () => {
    const t = kmsTestBed();
    const a = await t.createKey();
    const b = await t.createKey();
    await t.ok('CreateAlias', { AliasName: 'alias/app', TargetKeyId: a });
    assert.equal(await t.code('CreateAlias', { AliasName: 'alias/app', TargetKeyId: b }), 'AlreadyExistsException');
    const listed = (await t.ok('ListAliases')).Aliases as Record<string, unknown>[];
    assert.deepEqual(
      listed.map((x) => [x.AliasName, x.TargetKeyId]),
      [
        ['alias/app', a],
        ['alias/aws/s3', undefined],
      ],
    );
    assert.equal(listed[0].AliasArn, `arn:aws:kms:${REGION}:${ACCOUNT}:alias/app`);
    await t.ok('UpdateAlias', { AliasName: 'alias/app', TargetKeyId: b });
    assert.equal(((await t.ok('DescribeKey', { KeyId: 'alias/app' })).KeyMetadata as Record<string, string>).KeyId, b);
    assert.deepEqual(((await t.ok('ListAliases', { KeyId: a })).Aliases as unknown[]).length, 0);
    assert.deepEqual(((await t.ok('ListAliases', { KeyId: b })).Aliases as unknown[]).length, 1);
    await t.ok('DeleteAlias', { AliasName: 'alias/app' });
    assert.equal(await t.code('DeleteAlias', { AliasName: 'alias/app' }), 'NotFoundException');
    assert.equal(await t.code('UpdateAlias', { AliasName: 'alias/app', TargetKeyId: a }), 'NotFoundException');
  });

  it('names must start with alias/, cannot use alias/aws/, and must point at keys', async () => {
    const t = kmsTestBed();
    const a = await t.createKey();
    assert.equal(await t.code('CreateAlias', { AliasName: 'app', TargetKeyId: a }), 'ValidationException');
    assert.equal(await t.code('CreateAlias', { AliasName: 'alias/bad name', TargetKeyId: a }), 'ValidationException');
    assert.equal(
      await t.code('CreateAlias', { AliasName: 'alias/aws/mine', TargetKeyId: a }),
      'NotAuthorizedException',
    );
    assert.equal(await t.code('DeleteAlias', { AliasName: 'alias/aws/s3' }), 'NotAuthorizedException');
    await t.ok('CreateAlias', { AliasName: 'alias/one', TargetKeyId: a });
    assert.equal(
      await t.code('CreateAlias', { AliasName: 'alias/two', TargetKeyId: 'alias/one' }),
      'ValidationException',
    );
    assert.equal(
      await t.code('CreateAlias', { AliasName: 'alias/two', TargetKeyId: '00000000-0000-4000-8000-000000000000' }),
      'NotFoundException',
    );
  });

  it('checks the alias (IAM only) and each key involved (key policy)', async () => {
    const t = kmsTestBed();
    const a = await t.createKey();
    const b = await t.createKey();
    await t.ok('CreateAlias', { AliasName: 'alias/app', TargetKeyId: a });
    const r = await t.call('UpdateAlias', { AliasName: 'alias/app', TargetKeyId: b });
    assert.deepEqual(
      r.checks.map((c) => [c.action, c.resource, c.resourcePolicy?.type]),
      [
        ['kms:UpdateAlias', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/app`, undefined],
        ['kms:UpdateAlias', `arn:aws:kms:${REGION}:${ACCOUNT}:key/${a}`, 'KeyPolicy'],
        ['kms:UpdateAlias', `arn:aws:kms:${REGION}:${ACCOUNT}:key/${b}`, 'KeyPolicy'],
      ],
    );
  });

  it('a key pending deletion cannot get an alias', async () => {
    const t = kmsTestBed();
    const a = await t.createKey();
    await t.ok('ScheduleKeyDeletion', { KeyId: a });
    assert.equal(await t.code('CreateAlias', { AliasName: 'alias/late', TargetKeyId: a }), 'KMSInvalidStateException');
  });

  it('alias/aws/s3 gets its AWS managed key when first described', async () => {
    const t = kmsTestBed();
    const md = (await t.ok('DescribeKey', { KeyId: 'alias/aws/s3' })).KeyMetadata as Record<string, unknown>;
    assert.equal(md.KeyManager, 'AWS');
    assert.equal(md.Description, 'Default key that protects my S3 objects when no other key is defined');
    const again = (await t.ok('DescribeKey', { KeyId: 'alias/aws/s3' })).KeyMetadata as Record<string, unknown>;
    assert.equal(again.KeyId, md.KeyId);
    const listed = (await t.ok('ListAliases')).Aliases as Record<string, unknown>[];
    assert.deepEqual(
      listed.map((x) => [x.AliasName, x.TargetKeyId]),
      [['alias/aws/s3', md.KeyId]],
    );
    const status = await t.ok('GetKeyRotationStatus', { KeyId: md.KeyId });
    assert.equal(status.KeyRotationEnabled, true);
  });
});

describe('KMS tags', () => {
  it('TagResource / UntagResource / ListResourceTags, and tag condition keys', async () => {
    const t = kmsTestBed();
    const id = await t.createKey({ Tags: [{ TagKey: 'team', TagValue: 'a' }] });
    await t.ok('TagResource', {
      KeyId: id,
      Tags: [
        { TagKey: 'env', TagValue: 'prod' },
        { TagKey: 'team', TagValue: 'b' },
      ],
    });
    assert.deepEqual((await t.ok('ListResourceTags', { KeyId: id })).Tags, [
      { TagKey: 'env', TagValue: 'prod' },
      { TagKey: 'team', TagValue: 'b' },
    ]);
    await t.ok('UntagResource', { KeyId: id, TagKeys: ['env', 'nope'] });
    const r = await t.call('ListResourceTags', { KeyId: id });
    assert.deepEqual(r.json.Tags, [{ TagKey: 'team', TagValue: 'b' }]);
    assert.equal(r.json.Truncated, false);
    assert.equal(r.checks[0].context['aws:ResourceTag/team'], 'b');
    const tagging = await t.call('TagResource', { KeyId: id, Tags: [{ TagKey: 'x', TagValue: 'y' }] });
    assert.deepEqual(tagging.checks[0].context['aws:TagKeys'], ['x']);
    assert.equal(
      await t.code('TagResource', { KeyId: id, Tags: [{ TagKey: 'aws:cloudformation', TagValue: 'y' }] }),
      'TagException',
    );
    assert.equal(await t.code('TagResource', { KeyId: id }), 'ValidationException');
  });

  it('CreateKey with Tags also needs kms:TagResource', async () => {
    const t = kmsTestBed();
    const r = await t.call('CreateKey', { Tags: [{ TagKey: 'team', TagValue: 'a' }] });
    assert.deepEqual(
      r.checks.map((c) => c.action),
      ['kms:CreateKey', 'kms:TagResource'],
    );
    assert.equal(r.checks[0].context['aws:RequestTag/team'], 'a');
  });
});
