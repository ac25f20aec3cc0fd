import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Authenticator } from './authenticator.js';
import { isServiceError, type ServiceError } from '../errors/service-error.js';
import { toQueryProtocolAuthError } from './query-auth-errors.js';
import { FakeCredentials } from './testing/fake-credentials.js';
import { bodyOf, loadVectors, rawRequestOf, readAll, withHeader, type VectorCase } from './testing/vector-request.js';

const file = loadVectors('botocore-requests.json');

function setup(c: VectorCase, mutate: (f: FakeCredentials) => void = () => {}) {
  const creds = new FakeCredentials().add({ ...file.credentials, sessionToken: c.securityToken ?? undefined });
  mutate(creds);
  return { creds, auth: new Authenticator({ credentials: creds, region: c.region }) };
}

async function expectCode(p: Promise<unknown>, code: string, queryCode?: string): Promise<ServiceError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  assert.ok(isServiceError(caught), `expected ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code);
  if (queryCode !== undefined) assert.equal(toQueryProtocolAuthError(caught).code, queryCode);
  return caught;
}

const at = (c: VectorCase, offsetMs = 0) => new Date(new Date(c.now ?? '').getTime() + offsetMs);

for (const c of file.cases) {
  const body = Buffer.from(c.bodyBase64, 'base64');
  const isQuery = c.rawQuery.includes('X-Amz-Signature=');
  const queryCode = c.service === 's3' ? undefined : 'x';

  test(`botocore ${c.name}: accepted, body intact`, async () => {
    const { creds, auth } = setup(c);
    const r = await auth.authenticate(rawRequestOf(c), bodyOf(body), at(c, 5_000));
    assert.equal(r.caller.kind, 'User');
    assert.equal(r.service, c.service);
    assert.equal(r.facts.authType, isQuery ? 'REST-QUERY-STRING' : 'REST-HEADER');
    assert.equal(r.facts.signatureAgeMs, 5_000);
    assert.deepEqual(await readAll(r.body), body);
  });

  test(`botocore ${c.name}: tampered signature → SignatureDoesNotMatch`, async () => {
    const { auth } = setup(c);
    const flip = (s: string) => s.replace(/Signature=([0-9a-f])/, (_m, ch: string) => `Signature=${ch === 'a' ? 'b' : 'a'}`);
    const raw = isQuery
      ? rawRequestOf({ ...c, rawQuery: flip(c.rawQuery) })
      : rawRequestOf({ ...c, headers: withHeader(c.headers, 'Authorization', flip(c.headers.find(([n]) => n === 'Authorization')?.[1] ?? '')) });
    await expectCode(auth.authenticate(raw, bodyOf(body), at(c)), 'SignatureDoesNotMatch', queryCode && 'SignatureDoesNotMatch');
  });

  test(`botocore ${c.name}: tampered path → SignatureDoesNotMatch`, async () => {
    const { auth } = setup(c);
    const raw = rawRequestOf({ ...c, rawPath: c.rawPath + 'x' });
    await expectCode(auth.authenticate(raw, bodyOf(body), at(c)), 'SignatureDoesNotMatch');
  });

  test(`botocore ${c.name}: unknown key → InvalidAccessKeyId (Query: InvalidClientTokenId)`, async () => {
    const { auth } = setup(c, (f) => f.keys.clear());
    await expectCode(auth.authenticate(rawRequestOf(c), bodyOf(body), at(c)), 'InvalidAccessKeyId', queryCode && 'InvalidClientTokenId');
  });

  test(`botocore ${c.name}: inactive key → InvalidAccessKeyId (Query: InvalidClientTokenId)`, async () => {
    const { auth } = setup(c, (f) => {
      const k = f.keys.get(file.credentials.accessKeyId);
      if (k !== undefined) f.keys.set(k.accessKeyId, { ...k, status: 'Inactive' });
    });
    await expectCode(auth.authenticate(rawRequestOf(c), bodyOf(body), at(c)), 'InvalidAccessKeyId', queryCode && 'InvalidClientTokenId');
  });

  test(`botocore ${c.name}: clock 20 minutes ahead → skew/expiry error`, async () => {
    const { auth } = setup(c);
    // Presigned URLs live for X-Amz-Expires (up to 7 days), not 15 minutes.
    const offset = isQuery ? 8 * 24 * 3600 * 1000 : 20 * 60 * 1000;
    const code = isQuery ? 'AccessDenied' : 'RequestTimeTooSkewed';
    await expectCode(auth.authenticate(rawRequestOf(c), bodyOf(body), at(c, offset)), code, queryCode && (isQuery ? 'RequestExpired' : 'SignatureDoesNotMatch'));
  });
}

test('botocore s3-put-object-signed-payload: altered body errors the stream with XAmzContentSHA256Mismatch', async () => {
  const c = file.cases.find((x) => x.name === 's3-put-object-signed-payload');
  assert.ok(c);
  const { auth } = setup(c);
  const body = Buffer.from(c.bodyBase64, 'base64');
  body[0] ^= 1;
  const r = await auth.authenticate(rawRequestOf(c), bodyOf(body), at(c));
  const err = await expectCode(readAll(r.body), 'XAmzContentSHA256Mismatch');
  assert.equal(err.status, 400);
});

test('botocore s3-put-object-signed-payload: altered signed header → SignatureDoesNotMatch', async () => {
  const c = file.cases.find((x) => x.name === 's3-put-object-signed-payload');
  assert.ok(c);
  const { auth } = setup(c);
  const raw = rawRequestOf({ ...c, headers: withHeader(c.headers, 'x-amz-meta-color', 'red') });
  await expectCode(auth.authenticate(raw, bodyOf(Buffer.from(c.bodyBase64, 'base64')), at(c)), 'SignatureDoesNotMatch');
});

test('botocore iam-list-users: altered form body → SignatureDoesNotMatch', async () => {
  const c = file.cases.find((x) => x.name === 'iam-list-users');
  assert.ok(c);
  const { auth } = setup(c);
  const err = await expectCode(auth.authenticate(rawRequestOf(c), bodyOf('Action=ListRoles&Version=2010-05-08'), at(c)), 'SignatureDoesNotMatch');
  assert.equal(toQueryProtocolAuthError(err).code, 'SignatureDoesNotMatch');
});

test('botocore sts-get-caller-identity-with-token: token is passed to the provider and must match', async () => {
  const c = file.cases.find((x) => x.name === 'sts-get-caller-identity-with-token');
  assert.ok(c);
  const { creds, auth } = setup(c);
  const body = Buffer.from(c.bodyBase64, 'base64');
  await auth.authenticate(rawRequestOf(c), bodyOf(body), at(c));
  assert.equal(creds.lookups[0]?.options?.sessionToken, c.securityToken);
  const other = setup(c, (f) => {
    const k = f.keys.get(file.credentials.accessKeyId);
    if (k !== undefined) f.keys.set(k.accessKeyId, { ...k, sessionToken: 'another-token' });
  });
  await expectCode(other.auth.authenticate(rawRequestOf(c), bodyOf(body), at(c)), 'InvalidToken', 'InvalidClientTokenId');
  const expired = setup(c, (f) => {
    const k = f.keys.get(file.credentials.accessKeyId);
    if (k !== undefined) f.keys.set(k.accessKeyId, { ...k, expiration: at(c, -1) });
  });
  await expectCode(expired.auth.authenticate(rawRequestOf(c), bodyOf(body), at(c)), 'ExpiredToken', 'ExpiredToken');
});
