import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACCOUNT, kmsTestBed } from './kms-test-bed.js';

const root = `arn:aws:iam::${ACCOUNT}:root`;
const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const delegate = { Sid: 'Account', Effect: 'Allow', Principal: { AWS: root }, Action: 'kms:*', Resource: '*' };

describe('KMS key policies', () => {
  it('a new key gets the default key policy, which delegates to the account', async () => {
    const t = kmsTestBed();
    const id = await t.createKey();
    const got = await t.ok('GetKeyPolicy', { KeyId: id, PolicyName: 'default' });
    assert.equal(got.PolicyName, 'default');
    const doc = JSON.parse(got.Policy as string) as { Id: string; Statement: Record<string, unknown>[] };
    assert.equal(doc.Id, 'key-default-1');
    assert.deepEqual(doc.Statement[0].Principal, { AWS: root });
    assert.equal(doc.Statement[0].Action, 'kms:*');
    assert.equal(await t.code('GetKeyPolicy', { KeyId: id, PolicyName: 'other' }), 'NotFoundException');
    assert.deepEqual((await t.ok('ListKeyPolicies', { KeyId: id })).PolicyNames, ['default']);
  });

  it('PutKeyPolicy replaces it; checks then carry the new revision', async () => {
    const t = kmsTestBed();
    const id = await t.createKey();
    const before = (await t.call('Encrypt', { KeyId: id, Plaintext: 'eA==' })).checks[0].resourcePolicy;
    const text = policy(delegate, {
      Sid: 'Bob',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/bob` },
      Action: 'kms:Decrypt',
      Resource: '*',
    });
    await t.ok('PutKeyPolicy', { KeyId: id, PolicyName: 'default', Policy: text });
    assert.equal((await t.ok('GetKeyPolicy', { KeyId: id })).Policy, text);
    const after = (await t.call('Encrypt', { KeyId: id, Plaintext: 'eA==' })).checks[0].resourcePolicy;
    assert.equal(after?.document, text);
    assert.notEqual(after?.id, before?.id);
  });

  it('malformed policies, unknown principals and lockouts are MalformedPolicyDocumentException', async () => {
    const t = kmsTestBed();
    const id = await t.createKey();
    const put = (p: string, extra: Record<string, unknown> = {}) =>
      t.code('PutKeyPolicy', { KeyId: id, Policy: p, ...extra });
    assert.equal(await put('{not json'), 'MalformedPolicyDocumentException');
    assert.equal(
      await put(policy({ Effect: 'Allow', Action: 'kms:*', Resource: '*' })),
      'MalformedPolicyDocumentException',
    );
    assert.equal(
      await put(
        policy(delegate, {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/ghost` },
          Action: 'kms:*',
          Resource: '*',
        }),
      ),
      'MalformedPolicyDocumentException',
    );
    const bobOnly = policy({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/bob` },
      Action: 'kms:*',
      Resource: '*',
    });
    assert.equal(await put(bobOnly), 'MalformedPolicyDocumentException', 'root would lock itself out');
    assert.equal(
      await put(
        policy(delegate, { Effect: 'Deny', Principal: { AWS: root }, Action: 'kms:PutKeyPolicy', Resource: '*' }),
      ),
      'MalformedPolicyDocumentException',
    );
    assert.equal(
      (await t.call('PutKeyPolicy', { KeyId: id, Policy: bobOnly, BypassPolicyLockoutSafetyCheck: true })).status,
      200,
    );
    assert.equal(await t.code('PutKeyPolicy', { KeyId: id, Policy: 'x'.repeat(32_769) }), 'LimitExceededException');
    assert.equal(await t.code('CreateKey', { Policy: bobOnly }), 'MalformedPolicyDocumentException');
  });

  it('a user named directly in the policy passes the lockout check', async () => {
    const t = kmsTestBed();
    const aliceOnly = policy({ Effect: 'Allow', Principal: { AWS: t.alice.arn }, Action: 'kms:*', Resource: '*' });
    assert.equal((await t.call('CreateKey', { Policy: aliceOnly }, t.alice)).status, 200);
  });
});
