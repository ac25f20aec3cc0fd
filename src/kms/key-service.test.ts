/**
 * The in-process interface S3's SSE-KMS uses, and the checks it declares evaluated by the real
 * PolicyAuthorizer (key policies as KeyPolicy resource policies, compiled with IAM's grammar).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { headerSignedAuth } from '../authz/testing/header-auth.js';
import { PolicyAuthorizer } from '../authz/policy-authorizer.js';
import { loadAwsManagedPolicies } from '../iam/aws-managed/catalog.js';
import { createIdentityPolicyLoader, resolveManaged, type IdentityPolicyLoader } from '../iam/identity-policies.js';
import { openMemoryIamStore } from '../iam/store/memory-store.js';
import type { IamStore } from '../iam/store/types.js';
import type { Caller, UserCaller } from '../identity/caller.js';
import type { AuthzCheck, RequestInfo } from '../server/protocol.js';
import { ACCOUNT, kmsTestBed, OTHER_ACCOUNT, REGION, type KmsTestBed } from './kms-test-bed.js';

const CONTEXT = { 'aws:s3:arn': 'arn:aws:s3:::bucket/key' };

function user(name: string, accountId = ACCOUNT): UserCaller {
  const userId = `AIDA${name.toUpperCase().padEnd(17, 'X')}`;
  return {
    kind: 'User',
    accountId,
    arn: `arn:aws:iam::${accountId}:user/${name}`,
    userId,
    userName: name,
    path: '/',
    accessKeyId: `AKIA${name.toUpperCase()}`,
  };
}

describe('KeyService (SSE-KMS for S3)', () => {
  let t: KmsTestBed;
  let store: IamStore;
  let loader: IdentityPolicyLoader;
  let authorizer: PolicyAuthorizer;
  const alice = user('alice');
  const bob = user('bob');
  const info: RequestInfo = {
    requestId: 'R',
    receivedAt: new Date(),
    sourceIp: '10.0.0.1',
    secureTransport: true,
    userAgent: undefined,
    referer: undefined,
    region: REGION,
  };
  const decide = async (caller: Caller, check: AuthzCheck) =>
    (await authorizer.authorize(caller, [check], info, headerSignedAuth(caller))).decision;

  before(async () => {
    t = kmsTestBed();
    store = openMemoryIamStore();
    await store.accounts.create(ACCOUNT, { isManagement: true });
    for (const u of [alice, bob])
      await store.users.create({ accountId: ACCOUNT, userId: u.userId, userName: u.userName, path: '/' });
    await store.inlinePolicies.put({
      accountId: ACCOUNT,
      principalKind: 'user',
      principalId: bob.userId,
      policyName: 'kms-admin',
      document: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }],
      }),
    });
    loader = createIdentityPolicyLoader({ store });
    authorizer = new PolicyAuthorizer({
      sources: { identity: loader, managedPolicy: (arn) => resolveManaged(store, arn, loadAwsManagedPolicies()) },
    });
  });
  after(async () => {
    loader.close();
    await store.close();
  });

  it("no key id → the account's aws/s3 key, created once, AWS managed, aliased", async () => {
    const a = await t.keys.resolveKey({ keyId: undefined, accountId: ACCOUNT });
    const b = await t.keys.resolveKey({ keyId: undefined, accountId: ACCOUNT });
    assert.equal(a.arn, b.arn);
    assert.equal(a.keyManager, 'AWS');
    assert.equal(a.policyRef.type, 'KeyPolicy');
    assert.equal((await t.keys.resolveKey({ keyId: 'alias/aws/s3', accountId: ACCOUNT })).arn, a.arn);
    const other = await t.keys.resolveKey({ keyId: undefined, accountId: OTHER_ACCOUNT });
    assert.notEqual(other.arn, a.arn);
  });

  it('aws/s3: any user of the account may use it through S3 without an IAM policy, nobody directly', async () => {
    const key = await t.keys.resolveKey({ keyId: undefined, accountId: ACCOUNT });
    const write = t.keys.s3Check(key, {
      action: 'kms:GenerateDataKey',
      callerAccount: ACCOUNT,
      encryptionContext: CONTEXT,
    });
    assert.equal(write.context['kms:ViaService'], `s3.${REGION}.amazonaws.com`);
    assert.equal(write.context['kms:EncryptionContext:aws:s3:arn'], 'arn:aws:s3:::bucket/key');
    assert.equal(await decide(alice, write), 'Allow');
    const dk = await t.keys.generateDataKey({ keyId: key.arn, accountId: ACCOUNT, context: CONTEXT });
    const decryptDirect = (
      await t.call('Decrypt', { CiphertextBlob: dk.ciphertextBlob, EncryptionContext: CONTEXT }, bob)
    ).checks[0];
    assert.equal(
      await decide(bob, decryptDirect),
      'ImplicitDeny',
      'kms:* in IAM does not reach an AWS managed key directly',
    );
    const outsider = user('olivia', OTHER_ACCOUNT);
    const read = t.keys.s3Check(key, {
      action: 'kms:Decrypt',
      callerAccount: OTHER_ACCOUNT,
      encryptionContext: CONTEXT,
    });
    assert.equal(await decide(outsider, read), 'ImplicitDeny');
  });

  it('a key policy that denies one user kms:Decrypt: that user cannot read, another can', async () => {
    const id = await t.createKey();
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
        {
          Effect: 'Allow',
          Principal: { AWS: alice.arn },
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: '*',
        },
        { Effect: 'Deny', Principal: { AWS: bob.arn }, Action: 'kms:Decrypt', Resource: '*' },
      ],
    };
    await t.ok('PutKeyPolicy', { KeyId: id, Policy: JSON.stringify(policy) });
    const key = await t.keys.resolveKey({ keyId: id, accountId: ACCOUNT });
    const read = (callerAccount: string) =>
      t.keys.s3Check(key, { action: 'kms:Decrypt', callerAccount, encryptionContext: CONTEXT });
    assert.equal(await decide(alice, read(ACCOUNT)), 'Allow');
    assert.equal(await decide(bob, read(ACCOUNT)), 'ExplicitDeny');
    assert.equal(
      await decide(
        bob,
        t.keys.s3Check(key, { action: 'kms:GenerateDataKey', callerAccount: ACCOUNT, encryptionContext: CONTEXT }),
      ),
      'Allow',
    );
  });

  it('generateDataKey / decryptDataKey round trip, bound to the context, across rotations', async () => {
    const id = await t.createKey();
    const dk = await t.keys.generateDataKey({ keyId: id, accountId: ACCOUNT, context: CONTEXT });
    assert.equal(dk.plaintext.length, 32);
    assert.equal(dk.keyArn, `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`);
    await t.ok('RotateKeyOnDemand', { KeyId: id });
    assert.deepEqual(
      await t.keys.decryptDataKey({ ciphertextBlob: dk.ciphertextBlob, context: CONTEXT }),
      dk.plaintext,
    );
    const other = await t.keys.resolveKey({ keyId: await t.createKey(), accountId: ACCOUNT });
    await assert.rejects(
      t.keys.decryptDataKey({ ciphertextBlob: dk.ciphertextBlob, context: CONTEXT, keyArn: other.arn }),
      {
        code: 'KMS.IncorrectKeyException',
      },
    );
    const again = await t.keys.decryptDataKey({
      ciphertextBlob: dk.ciphertextBlob,
      context: CONTEXT,
      keyArn: dk.keyArn,
    });
    assert.deepEqual(again, dk.plaintext);
    await assert.rejects(
      t.keys.decryptDataKey({
        ciphertextBlob: dk.ciphertextBlob,
        context: { 'aws:s3:arn': 'arn:aws:s3:::bucket/other' },
      }),
      {
        code: 'KMS.InvalidCiphertextException',
      },
    );
  });

  it("S3's errors: unknown key, disabled key, key pending deletion", async () => {
    await assert.rejects(t.keys.resolveKey({ keyId: 'alias/missing', accountId: ACCOUNT }), {
      code: 'KMS.NotFoundException',
      status: 400,
    });
    assert.equal(
      await t.keys.findKey({ keyId: '00000000-0000-4000-8000-000000000000', accountId: ACCOUNT }),
      undefined,
    );
    const id = await t.createKey();
    const dk = await t.keys.generateDataKey({ keyId: id, accountId: ACCOUNT, context: CONTEXT });
    await t.ok('DisableKey', { KeyId: id });
    assert.equal((await t.keys.resolveKey({ keyId: id, accountId: ACCOUNT })).state, 'Disabled');
    await assert.rejects(t.keys.generateDataKey({ keyId: id, accountId: ACCOUNT, context: CONTEXT }), {
      code: 'KMS.DisabledException',
      status: 400,
    });
    await assert.rejects(t.keys.decryptDataKey({ ciphertextBlob: dk.ciphertextBlob, context: CONTEXT }), {
      code: 'KMS.DisabledException',
    });
    await t.ok('ScheduleKeyDeletion', { KeyId: id, PendingWindowInDays: 7 });
    await assert.rejects(t.keys.decryptDataKey({ ciphertextBlob: dk.ciphertextBlob, context: CONTEXT }), {
      code: 'KMS.KMSInvalidStateException',
    });
  });
});
