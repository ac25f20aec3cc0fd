/**
 * The built-in KMS with the real `aws kms` CLI and boto3 against the real server: keys and aliases,
 * Encrypt/Decrypt with and without an encryption context, data keys, disabled keys and keys pending
 * deletion, a key policy that denies one user kms:Decrypt, rotation keeping old ciphertexts
 * decryptable, and keys surviving a restart.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsCli, python, startServer, type Credentials, type TestServer } from './harness.js';

async function json(server: TestServer, args: string[], creds?: Credentials): Promise<Record<string, unknown>> {
  const r = await awsCli(server, [...args, '--output', 'json'], { creds });
  assert.equal(r.code, 0, `aws ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim() === '' ? {} : (JSON.parse(r.stdout) as Record<string, unknown>);
}

async function cliError(server: TestServer, args: string[], creds?: Credentials): Promise<string> {
  const r = await awsCli(server, args, { creds });
  assert.notEqual(r.code, 0, `expected aws ${args.join(' ')} to fail`);
  const m = /An error occurred \(([A-Za-z.]+)\)/.exec(r.stderr);
  return m ? m[1] : r.stderr;
}

/** Writes a base64 CiphertextBlob as the binary file `fileb://` sends. */
function blobFile(server: TestServer, name: string, base64: string): string {
  const file = join(server.dataDir, '..', `kms-${server.port}-${name}.bin`);
  writeFileSync(file, Buffer.from(base64, 'base64'));
  return `fileb://${file}`;
}

const decoded = (base64: unknown) => Buffer.from(base64 as string, 'base64').toString();

describe('KMS with the aws CLI and boto3', () => {
  let server: TestServer;
  let accountId = '';
  let keyId = '';
  before(async () => {
    server = await startServer();
    accountId = (await json(server, ['sts', 'get-caller-identity'])).Account as string;
  });
  after(async () => {
    await server?.stop();
    // The restarted server was given the directory, so its stop() keeps it.
    if (server) rmSync(server.dataDir, { recursive: true, force: true });
  });

  test('create-key, create-alias, describe-key by alias, list-keys and list-aliases', async () => {
    const md = (await json(server, ['kms', 'create-key', '--description', 'app data'])).KeyMetadata as Record<
      string,
      unknown
    >;
    keyId = md.KeyId as string;
    assert.equal(md.Arn, `arn:aws:kms:${server.region}:${accountId}:key/${keyId}`);
    assert.equal(md.KeyState, 'Enabled');
    assert.equal(md.KeyManager, 'CUSTOMER');
    assert.equal(md.KeySpec, 'SYMMETRIC_DEFAULT');
    await json(server, ['kms', 'create-alias', '--alias-name', 'alias/app', '--target-key-id', keyId]);
    assert.equal(
      await cliError(server, ['kms', 'create-alias', '--alias-name', 'alias/app', '--target-key-id', keyId]),
      'AlreadyExistsException',
    );
    assert.equal(
      await cliError(server, ['kms', 'create-alias', '--alias-name', 'alias/aws/mine', '--target-key-id', keyId]),
      'NotAuthorizedException',
    );
    const byAlias = (await json(server, ['kms', 'describe-key', '--key-id', 'alias/app'])).KeyMetadata as Record<
      string,
      unknown
    >;
    assert.equal(byAlias.KeyId, keyId);
    assert.equal(await cliError(server, ['kms', 'describe-key', '--key-id', 'alias/nope']), 'NotFoundException');
    const keys = (await json(server, ['kms', 'list-keys'])).Keys as Record<string, string>[];
    assert.ok(keys.some((k) => k.KeyId === keyId));
    const aliases = (await json(server, ['kms', 'list-aliases', '--key-id', keyId])).Aliases as Record<
      string,
      string
    >[];
    assert.deepEqual(
      aliases.map((a) => a.AliasName),
      ['alias/app'],
    );
  });

  test('encrypt / decrypt with and without an encryption context', async () => {
    const plain = await json(server, ['kms', 'encrypt', '--key-id', 'alias/app', '--plaintext', 'hello kms']);
    assert.equal(plain.KeyId, `arn:aws:kms:${server.region}:${accountId}:key/${keyId}`);
    const back = await json(server, [
      'kms',
      'decrypt',
      '--ciphertext-blob',
      blobFile(server, 'plain', plain.CiphertextBlob as string),
    ]);
    assert.equal(decoded(back.Plaintext), 'hello kms');
    assert.equal(back.KeyId, plain.KeyId);

    const sealed = await json(server, [
      'kms',
      'encrypt',
      '--key-id',
      keyId,
      '--plaintext',
      'bound',
      '--encryption-context',
      'Department=IT,Project=x',
    ]);
    const blob = blobFile(server, 'ctx', sealed.CiphertextBlob as string);
    const opened = await json(server, [
      'kms',
      'decrypt',
      '--ciphertext-blob',
      blob,
      '--encryption-context',
      'Project=x,Department=IT',
    ]);
    assert.equal(decoded(opened.Plaintext), 'bound');
    assert.equal(await cliError(server, ['kms', 'decrypt', '--ciphertext-blob', blob]), 'InvalidCiphertextException');
    assert.equal(
      await cliError(server, [
        'kms',
        'decrypt',
        '--ciphertext-blob',
        blob,
        '--encryption-context',
        'Department=HR,Project=x',
      ]),
      'InvalidCiphertextException',
    );
  });

  test('generate-data-key: the plaintext key and the blob that decrypts to it', async () => {
    const dk = await json(server, [
      'kms',
      'generate-data-key',
      '--key-id',
      'alias/app',
      '--key-spec',
      'AES_256',
      '--encryption-context',
      'purpose=test',
    ]);
    const plaintext = Buffer.from(dk.Plaintext as string, 'base64');
    assert.equal(plaintext.length, 32);
    const back = await json(server, [
      'kms',
      'decrypt',
      '--ciphertext-blob',
      blobFile(server, 'dk', dk.CiphertextBlob as string),
      '--encryption-context',
      'purpose=test',
    ]);
    assert.deepEqual(Buffer.from(back.Plaintext as string, 'base64'), plaintext);
    assert.equal(await cliError(server, ['kms', 'generate-data-key', '--key-id', 'alias/app']), 'ValidationException');
  });

  test('a disabled key is DisabledException; a key pending deletion KMSInvalidStateException', async () => {
    const id = ((await json(server, ['kms', 'create-key'])).KeyMetadata as Record<string, string>).KeyId;
    const blob = blobFile(
      server,
      'state',
      (await json(server, ['kms', 'encrypt', '--key-id', id, '--plaintext', 'x'])).CiphertextBlob as string,
    );
    await json(server, ['kms', 'disable-key', '--key-id', id]);
    assert.equal(await cliError(server, ['kms', 'encrypt', '--key-id', id, '--plaintext', 'x']), 'DisabledException');
    assert.equal(await cliError(server, ['kms', 'decrypt', '--ciphertext-blob', blob]), 'DisabledException');
    await json(server, ['kms', 'enable-key', '--key-id', id]);
    assert.equal(
      await cliError(server, ['kms', 'schedule-key-deletion', '--key-id', id, '--pending-window-in-days', '3']),
      'ValidationException',
    );
    const scheduled = await json(server, [
      'kms',
      'schedule-key-deletion',
      '--key-id',
      id,
      '--pending-window-in-days',
      '7',
    ]);
    assert.equal(scheduled.KeyState, 'PendingDeletion');
    assert.equal(
      await cliError(server, ['kms', 'encrypt', '--key-id', id, '--plaintext', 'x']),
      'KMSInvalidStateException',
    );
    assert.equal(await cliError(server, ['kms', 'decrypt', '--ciphertext-blob', blob]), 'KMSInvalidStateException');
    await json(server, ['kms', 'cancel-key-deletion', '--key-id', id]);
    assert.equal(
      ((await json(server, ['kms', 'describe-key', '--key-id', id])).KeyMetadata as Record<string, string>).KeyState,
      'Disabled',
    );
  });

  test('a key policy that denies one user kms:Decrypt: that user cannot decrypt, another can', async () => {
    const users: Record<string, Credentials> = {};
    for (const name of ['kms-alice', 'kms-bob']) {
      await json(server, ['iam', 'create-user', '--user-name', name]);
      const doc = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }],
      });
      await json(server, [
        'iam',
        'put-user-policy',
        '--user-name',
        name,
        '--policy-name',
        'kms',
        '--policy-document',
        doc,
      ]);
      const k = (await json(server, ['iam', 'create-access-key', '--user-name', name])).AccessKey as Record<
        string,
        string
      >;
      users[name] = { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey };
    }
    const id = ((await json(server, ['kms', 'create-key'])).KeyMetadata as Record<string, string>).KeyId;
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Enable IAM User Permissions',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${accountId}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: 'NoDecryptForBob',
          Effect: 'Deny',
          Principal: { AWS: `arn:aws:iam::${accountId}:user/kms-bob` },
          Action: 'kms:Decrypt',
          Resource: '*',
        },
      ],
    };
    await json(server, [
      'kms',
      'put-key-policy',
      '--key-id',
      id,
      '--policy-name',
      'default',
      '--policy',
      JSON.stringify(policy),
    ]);
    const got = JSON.parse(
      (await json(server, ['kms', 'get-key-policy', '--key-id', id, '--policy-name', 'default'])).Policy as string,
    );
    assert.deepEqual(got, policy);
    // Bob may still encrypt (his IAM policy, delegated by the key policy); only Decrypt is denied.
    const sealed = await json(server, ['kms', 'encrypt', '--key-id', id, '--plaintext', 'for alice'], users['kms-bob']);
    const blob = blobFile(server, 'policy', sealed.CiphertextBlob as string);
    assert.equal(
      await cliError(server, ['kms', 'decrypt', '--ciphertext-blob', blob], users['kms-bob']),
      'AccessDeniedException',
    );
    assert.equal(
      decoded((await json(server, ['kms', 'decrypt', '--ciphertext-blob', blob], users['kms-alice'])).Plaintext),
      'for alice',
    );
    // A policy naming a user that does not exist, or locking the caller out, is refused.
    const ghost = {
      ...policy,
      Statement: [
        policy.Statement[0],
        { ...policy.Statement[1], Principal: { AWS: `arn:aws:iam::${accountId}:user/ghost` } },
      ],
    };
    assert.equal(
      await cliError(server, [
        'kms',
        'put-key-policy',
        '--key-id',
        id,
        '--policy-name',
        'default',
        '--policy',
        JSON.stringify(ghost),
      ]),
      'MalformedPolicyDocumentException',
    );
    const lockout = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${accountId}:user/kms-alice` },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    };
    assert.equal(
      await cliError(server, [
        'kms',
        'put-key-policy',
        '--key-id',
        id,
        '--policy-name',
        'default',
        '--policy',
        JSON.stringify(lockout),
      ]),
      'MalformedPolicyDocumentException',
    );
    // A key policy that does not name the account: kms:* in IAM is not enough, even for the account's root.
    await json(server, [
      'kms',
      'put-key-policy',
      '--key-id',
      id,
      '--policy-name',
      'default',
      '--policy',
      JSON.stringify(lockout),
      '--bypass-policy-lockout-safety-check',
    ]);
    assert.equal(
      await cliError(server, ['kms', 'decrypt', '--ciphertext-blob', blob], users['kms-bob']),
      'AccessDeniedException',
    );
    assert.equal(await cliError(server, ['kms', 'describe-key', '--key-id', id]), 'AccessDeniedException');
    assert.equal(
      decoded((await json(server, ['kms', 'decrypt', '--ciphertext-blob', blob], users['kms-alice'])).Plaintext),
      'for alice',
    );
  });

  test('rotation adds key material; ciphertexts from before still decrypt', async () => {
    const id = ((await json(server, ['kms', 'create-key'])).KeyMetadata as Record<string, string>).KeyId;
    const before = blobFile(
      server,
      'rot',
      (await json(server, ['kms', 'encrypt', '--key-id', id, '--plaintext', 'v1'])).CiphertextBlob as string,
    );
    const material = (
      (await json(server, ['kms', 'describe-key', '--key-id', id])).KeyMetadata as Record<string, string>
    ).CurrentKeyMaterialId;
    await json(server, ['kms', 'enable-key-rotation', '--key-id', id, '--rotation-period-in-days', '180']);
    const status = await json(server, ['kms', 'get-key-rotation-status', '--key-id', id]);
    assert.equal(status.KeyRotationEnabled, true);
    assert.equal(status.RotationPeriodInDays, 180);
    await json(server, ['kms', 'rotate-key-on-demand', '--key-id', id]);
    const rotated = (
      (await json(server, ['kms', 'describe-key', '--key-id', id])).KeyMetadata as Record<string, string>
    ).CurrentKeyMaterialId;
    assert.notEqual(rotated, material);
    const rotations = (await json(server, ['kms', 'list-key-rotations', '--key-id', id])).Rotations as Record<
      string,
      string
    >[];
    assert.deepEqual(
      rotations.map((r) => r.RotationType),
      ['ON_DEMAND'],
    );
    const old = await json(server, ['kms', 'decrypt', '--ciphertext-blob', before]);
    assert.equal(decoded(old.Plaintext), 'v1');
    assert.equal(old.KeyMaterialId, material);
  });

  test('boto3: tags, encryption context, data keys without plaintext, re-encrypt, paginators, errors', async () => {
    const script = `
import base64, os, boto3, botocore
kms = boto3.client('kms', endpoint_url=os.environ['STRONGBOX_ENDPOINT'])
def code(fn, **kw):
    try:
        fn(**kw)
    except botocore.exceptions.ClientError as e:
        return e.response['Error']['Code']
    return None
k1 = kms.create_key(Description='boto', Tags=[{'TagKey': 'team', 'TagValue': 'data'}])['KeyMetadata']['KeyId']
k2 = kms.create_key()['KeyMetadata']['KeyId']
assert kms.list_resource_tags(KeyId=k1)['Tags'] == [{'TagKey': 'team', 'TagValue': 'data'}]
kms.tag_resource(KeyId=k1, Tags=[{'TagKey': 'env', 'TagValue': 'prod'}])
kms.untag_resource(KeyId=k1, TagKeys=['team'])
assert kms.list_resource_tags(KeyId=k1)['Tags'] == [{'TagKey': 'env', 'TagValue': 'prod'}]
ctx = {'tenant': 't-1'}
blob = kms.encrypt(KeyId=k1, Plaintext=b'payload', EncryptionContext=ctx)['CiphertextBlob']
assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)['Plaintext'] == b'payload'
assert code(kms.decrypt, CiphertextBlob=blob) == 'InvalidCiphertextException'
assert code(kms.decrypt, CiphertextBlob=blob, EncryptionContext=ctx, KeyId=k2) == 'IncorrectKeyException'
dk = kms.generate_data_key_without_plaintext(KeyId=k1, NumberOfBytes=24)
assert 'Plaintext' not in dk
assert len(kms.decrypt(CiphertextBlob=dk['CiphertextBlob'])['Plaintext']) == 24
moved = kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext=ctx, DestinationKeyId=k2)
assert moved['SourceKeyId'].endswith(k1) and moved['KeyId'].endswith(k2)
assert kms.decrypt(CiphertextBlob=moved['CiphertextBlob'])['Plaintext'] == b'payload'
ids = [k['KeyId'] for page in kms.get_paginator('list_keys').paginate(PaginationConfig={'PageSize': 1}) for k in page['Keys']]
assert k1 in ids and k2 in ids and len(ids) == len(set(ids)), ids
assert code(kms.describe_key, KeyId='00000000-0000-4000-8000-000000000000') == 'NotFoundException'
assert code(kms.create_key, KeySpec='RSA_2048') == 'UnsupportedOperationException'
s3 = kms.describe_key(KeyId='alias/aws/s3')['KeyMetadata']
assert s3['KeyManager'] == 'AWS', s3
assert code(kms.encrypt, KeyId='alias/aws/s3', Plaintext=b'x') == 'AccessDeniedException'
print('ok')
`;
    const r = await python(server, script);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'ok');
  });

  test('keys and their material survive a restart', async () => {
    const sealed = await json(server, ['kms', 'encrypt', '--key-id', 'alias/app', '--plaintext', 'durable']);
    await server.stop({ keepData: true });
    server = await startServer({ dataDir: server.dataDir, root: server.root });
    const back = await json(server, [
      'kms',
      'decrypt',
      '--ciphertext-blob',
      blobFile(server, 'restart', sealed.CiphertextBlob as string),
    ]);
    assert.equal(decoded(back.Plaintext), 'durable');
  });
});
