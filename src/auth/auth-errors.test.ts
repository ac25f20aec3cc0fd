import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Authenticator } from './authenticator.js';
import { isServiceError, type ServiceError } from '../errors/service-error.js';
import { toQueryProtocolAuthError } from './query-auth-errors.js';
import { authErrorService } from './auth-errors.js';
import { FakeCredentials } from './testing/fake-credentials.js';
import { sdkPresign, sdkSign, type SdkSignerOptions } from './testing/sdk-signer.js';
import { editAuthorization, setHeader, setQueryParam } from './testing/mutate.js';
import { bodyOf, readAll } from './testing/vector-request.js';
import type { RawRequest } from './types.js';

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const NOW = new Date('2026-03-01T12:00:00Z');
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const S3: SdkSignerOptions = { accessKeyId: AKID, secretAccessKey: SECRET, region: 'us-east-1', service: 's3', signingDate: NOW };

function setup(mutate: (f: FakeCredentials) => void = () => {}) {
  const creds = new FakeCredentials().add({ accessKeyId: AKID, secretAccessKey: SECRET });
  mutate(creds);
  return { creds, auth: new Authenticator({ credentials: creds, region: 'us-east-1' }) };
}

async function failure(raw: RawRequest, opts: { now?: Date; body?: string; mutate?: (f: FakeCredentials) => void } = {}): Promise<ServiceError> {
  const { auth } = setup(opts.mutate);
  try {
    const r = await auth.authenticate(raw, bodyOf(opts.body ?? ''), opts.now ?? NOW);
    await readAll(r.body);
  } catch (e) {
    assert.ok(isServiceError(e), String(e));
    return e;
  }
  assert.fail('request was accepted');
}

const s3Get = () => sdkSign({ method: 'GET', path: '/bucket/key.txt', headers: { 'x-amz-content-sha256': EMPTY } }, S3);
const s3Presigned = (expiresIn = 3600) => sdkPresign({ method: 'GET', path: '/bucket/key.txt' }, { ...S3, expiresIn });

test('no credentials at all → Anonymous caller, authType None', async () => {
  const { auth, creds } = setup();
  const raw: RawRequest = { method: 'GET', rawPath: '/bucket/key', rawQuery: 'versionId=1', headers: { host: 'h' }, rawHeaders: ['Host', 'h'] };
  const r = await auth.authenticate(raw, bodyOf(''), NOW);
  assert.deepEqual(r.caller, { kind: 'Anonymous' });
  assert.equal(r.facts.authType, 'None');
  assert.equal(r.service, undefined);
  assert.equal(creds.lookups.length, 0);
});

test('baseline: the SDK-signed request is accepted', async () => {
  const { auth } = setup();
  const r = await auth.authenticate(await s3Get(), bodyOf(''), NOW);
  assert.equal(r.caller.kind, 'User');
});

const headerCases: [string, (raw: RawRequest) => RawRequest, string, Record<string, string>?][] = [
  ['both Authorization header and X-Amz-Algorithm query', (r) => ({ ...r, rawQuery: 'X-Amz-Algorithm=AWS4-HMAC-SHA256' }), 'InvalidArgument'],
  ['SigV2 header "AWS AKID:sig"', (r) => setHeader(r, 'Authorization', `AWS ${AKID}:frJIUN8DYpKDtOLCwo//yllqDzg=`), 'InvalidRequest'],
  ['SigV4a header', (r) => editAuthorization(r, (v) => v.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256')), 'InvalidRequest'],
  ['unknown scheme', (r) => setHeader(r, 'Authorization', 'Bearer abc'), 'InvalidArgument'],
  ['missing Signature component', (r) => editAuthorization(r, (v) => v.replace(/, Signature=.*$/, '')), 'AuthorizationHeaderMalformed'],
  ['unknown component', (r) => editAuthorization(r, (v) => v + ', Foo=bar'), 'AuthorizationHeaderMalformed'],
  ['credential with 4 parts', (r) => editAuthorization(r, (v) => v.replace('/s3/aws4_request', '/s3')), 'AuthorizationHeaderMalformed'],
  ['wrong region', (r) => editAuthorization(r, (v) => v.replace('/us-east-1/', '/us-west-2/')), 'AuthorizationHeaderMalformed', { Region: 'us-east-1' }],
  ['unknown service', (r) => editAuthorization(r, (v) => v.replace('/s3/', '/ec2/')), 'AuthorizationHeaderMalformed'],
  ['wrong terminator', (r) => editAuthorization(r, (v) => v.replace('aws4_request', 'aws5_request')), 'AuthorizationHeaderMalformed'],
  ['credential date differs from X-Amz-Date', (r) => editAuthorization(r, (v) => v.replace('/20260301/', '/20260228/')), 'AuthorizationHeaderMalformed'],
  ['no X-Amz-Date and no Date', (r) => setHeader(r, 'x-amz-date', undefined), 'AccessDenied'],
  ['malformed X-Amz-Date', (r) => setHeader(r, 'x-amz-date', '2026-03-01T12:00:00Z'), 'AccessDenied'],
  ['missing x-amz-content-sha256', (r) => setHeader(r, 'x-amz-content-sha256', undefined), 'InvalidRequest'],
  ['invalid x-amz-content-sha256', (r) => setHeader(r, 'x-amz-content-sha256', 'not-a-hash'), 'InvalidArgument'],
  ['host not signed', (r) => editAuthorization(r, (v) => v.replace('SignedHeaders=host;', 'SignedHeaders=')), 'AccessDenied', { HeadersNotSigned: 'host' }],
  ['unsigned x-amz-* header', (r) => setHeader(r, 'x-amz-acl', 'public-read'), 'AccessDenied', { HeadersNotSigned: 'x-amz-acl' }],
  ['tampered signature', (r) => editAuthorization(r, (v) => v.replace(/Signature=[0-9a-f]{4}/, 'Signature=0000')), 'SignatureDoesNotMatch'],
  ['signed header value changed', (r) => setHeader(r, 'host', 'evil.example'), 'SignatureDoesNotMatch'],
  ['uppercase hex signature', (r) => editAuthorization(r, (v) => v.replace(/Signature=([0-9a-f]+)/, (_m, s: string) => `Signature=${s.toUpperCase()}`)), 'SignatureDoesNotMatch'],
];

for (const [name, mutate, code, fields] of headerCases) {
  test(`header auth: ${name} → ${code}`, async () => {
    const err = await failure(mutate(await s3Get()));
    assert.equal(err.code, code);
    for (const [k, v] of Object.entries(fields ?? {})) assert.equal(err.fields[k], v);
  });
}

test('header auth: clock skew over 15 minutes either way → RequestTimeTooSkewed with S3 fields', async () => {
  const raw = await s3Get();
  for (const offset of [15 * 60_000 + 1000, -(15 * 60_000 + 1000)]) {
    const err = await failure(raw, { now: new Date(NOW.getTime() + offset) });
    assert.equal(err.code, 'RequestTimeTooSkewed');
    assert.equal(err.status, 403);
    assert.equal(err.fields.RequestTime, '20260301T120000Z');
    assert.equal(err.fields.MaxAllowedSkewMilliseconds, '900000');
    assert.ok(err.fields.ServerTime);
    assert.equal(toQueryProtocolAuthError(err).code, 'SignatureDoesNotMatch');
  }
  const { auth } = setup();
  await auth.authenticate(raw, bodyOf(''), new Date(NOW.getTime() + 14 * 60_000));
});

test('SignatureDoesNotMatch carries the S3 diagnostic fields', async () => {
  const err = await failure(editAuthorization(await s3Get(), (v) => v.replace(/Signature=[0-9a-f]{4}/, 'Signature=0000')));
  assert.equal(err.fields.AWSAccessKeyId, AKID);
  assert.ok(err.fields.StringToSign?.startsWith('AWS4-HMAC-SHA256\n20260301T120000Z\n20260301/us-east-1/s3/aws4_request\n'));
  assert.ok(err.fields.CanonicalRequest?.startsWith('GET\n/bucket/key.txt\n\n'));
  assert.ok(err.fields.SignatureProvided?.startsWith('0000'));
  assert.match(err.fields.StringToSignBytes ?? '', /^41 57 53 34/);
});

test('unknown / inactive key → InvalidAccessKeyId with AWSAccessKeyId', async () => {
  const unknown = await failure(await s3Get(), { mutate: (f) => f.keys.clear() });
  assert.equal(unknown.code, 'InvalidAccessKeyId');
  assert.equal(unknown.status, 403);
  assert.equal(unknown.fields.AWSAccessKeyId, AKID);
  const inactive = await failure(await s3Get(), { mutate: (f) => f.add({ accessKeyId: AKID, secretAccessKey: SECRET, status: 'Inactive' }) });
  assert.equal(inactive.code, 'InvalidAccessKeyId');
});

test('temporary credentials: token required, must match, must not be expired', async () => {
  const token = 'FwoGZXIvYXdzEXAMPLETOKEN';
  const withToken = await sdkSign({ method: 'GET', path: '/bucket/key.txt', headers: { 'x-amz-content-sha256': EMPTY } }, { ...S3, sessionToken: token });
  const temp = (extra: object) => (f: FakeCredentials) => f.add({ accessKeyId: AKID, secretAccessKey: SECRET, sessionToken: token, ...extra });
  const { auth } = setup(temp({ expiration: new Date(NOW.getTime() + 3600_000), tokenIssueTime: new Date(NOW.getTime() - 60_000) }));
  const ok = await auth.authenticate(withToken, bodyOf(''), NOW);
  assert.deepEqual(ok.facts.tokenIssueTime, new Date(NOW.getTime() - 60_000));
  assert.equal((await failure(await s3Get(), { mutate: temp({}) })).code, 'InvalidAccessKeyId');
  assert.equal((await failure(withToken, { mutate: temp({ sessionToken: 'other' }) })).code, 'InvalidToken');
  assert.equal((await failure(withToken)).code, 'InvalidToken');
  const expired = await failure(withToken, { mutate: temp({ expiration: new Date(NOW.getTime() - 1) }) });
  assert.equal(expired.code, 'ExpiredToken');
  assert.equal(expired.status, 400);
  assert.equal(toQueryProtocolAuthError(expired).code, 'ExpiredToken');
  assert.equal(toQueryProtocolAuthError(expired).status, 403);
});

test('MFA facts come from the key record; caller carries the access key used', async () => {
  const { auth } = setup((f) =>
    f.add({
      accessKeyId: AKID,
      secretAccessKey: SECRET,
      mfaAuthenticatedAt: new Date(NOW.getTime() - 90_000),
      caller: { kind: 'Root', accountId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accessKeyId: 'AKIAOTHER' },
    }),
  );
  const r = await auth.authenticate(await s3Get(), bodyOf(''), NOW);
  assert.equal(r.facts.multiFactorAuthPresent, true);
  assert.equal(r.facts.multiFactorAuthAgeSeconds, 90);
  assert.equal(r.caller.kind === 'Root' && r.caller.accessKeyId, AKID);
});

const presignCases: [string, (raw: RawRequest) => RawRequest, string, Record<string, string>?][] = [
  ['missing X-Amz-Expires', (r) => setQueryParam(r, 'X-Amz-Expires', undefined), 'AuthorizationQueryParametersError'],
  ['missing X-Amz-Signature', (r) => setQueryParam(r, 'X-Amz-Signature', undefined), 'AuthorizationQueryParametersError'],
  ['X-Amz-Expires over 7 days', (r) => setQueryParam(r, 'X-Amz-Expires', '604801'), 'AuthorizationQueryParametersError'],
  ['negative X-Amz-Expires', (r) => setQueryParam(r, 'X-Amz-Expires', '-1'), 'AuthorizationQueryParametersError'],
  ['non-numeric X-Amz-Expires', (r) => setQueryParam(r, 'X-Amz-Expires', 'soon'), 'AuthorizationQueryParametersError'],
  ['other algorithm', (r) => setQueryParam(r, 'X-Amz-Algorithm', 'AWS4-HMAC-SHA512'), 'AuthorizationQueryParametersError'],
  ['malformed X-Amz-Date', (r) => setQueryParam(r, 'X-Amz-Date', '2026-03-01'), 'AuthorizationQueryParametersError'],
  ['wrong region', (r) => setQueryParam(r, 'X-Amz-Credential', `${AKID}/20260301/eu-west-1/s3/aws4_request`), 'AuthorizationQueryParametersError', { Region: 'us-east-1' }],
  ['malformed credential', (r) => setQueryParam(r, 'X-Amz-Credential', AKID), 'AuthorizationQueryParametersError'],
  ['credential date differs', (r) => setQueryParam(r, 'X-Amz-Credential', `${AKID}/20260302/us-east-1/s3/aws4_request`), 'AuthorizationQueryParametersError'],
  ['tampered signature', (r) => setQueryParam(r, 'X-Amz-Signature', '0'.repeat(64)), 'SignatureDoesNotMatch'],
  ['extra query parameter', (r) => ({ ...r, rawQuery: r.rawQuery + '&versionId=2' }), 'SignatureDoesNotMatch'],
  ['unsigned x-amz-* header sent', (r) => setHeader(r, 'x-amz-server-side-encryption', 'AES256'), 'AccessDenied', { HeadersNotSigned: 'x-amz-server-side-encryption' }],
  ['plus an Authorization header', (r) => setHeader(r, 'Authorization', 'AWS4-HMAC-SHA256 Credential=x'), 'InvalidArgument'],
];

for (const [name, mutate, code, fields] of presignCases) {
  test(`presigned: ${name} → ${code}`, async () => {
    const err = await failure(mutate(await s3Presigned()));
    assert.equal(err.code, code);
    for (const [k, v] of Object.entries(fields ?? {})) assert.equal(err.fields[k], v);
  });
}

test('presigned: valid up to X-Amz-Expires, then AccessDenied "Request has expired"; not valid long before X-Amz-Date', async () => {
  const raw = await s3Presigned(604_800);
  const { auth } = setup();
  const r = await auth.authenticate(raw, bodyOf(''), new Date(NOW.getTime() + 604_800_000));
  assert.equal(r.facts.authType, 'REST-QUERY-STRING');
  const expired = await failure(raw, { now: new Date(NOW.getTime() + 604_801_000) });
  assert.equal(expired.code, 'AccessDenied');
  assert.equal(expired.fields['X-Amz-Expires'], '604800');
  assert.equal(toQueryProtocolAuthError(expired).code, 'RequestExpired');
  assert.equal((await failure(raw, { now: new Date(NOW.getTime() - 16 * 60_000) })).code, 'AccessDenied');
});

test('presigned SigV2 query string → InvalidRequest', async () => {
  const raw: RawRequest = {
    method: 'GET',
    rawPath: '/bucket/key',
    rawQuery: `AWSAccessKeyId=${AKID}&Expires=1700000000&Signature=abc%3D`,
    headers: { host: 'h' },
    rawHeaders: ['Host', 'h'],
  };
  assert.equal((await failure(raw)).code, 'InvalidRequest');
});

const IAM: SdkSignerOptions = { ...S3, service: 'iam' };
const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

test('IAM Query protocol: form body hashed for the canonical request; Query error codes', async () => {
  const body = 'Action=ListUsers&Version=2010-05-08';
  const raw = await sdkSign({ method: 'POST', path: '/', headers: form, body }, IAM);
  const { auth } = setup();
  const r = await auth.authenticate(raw, bodyOf(body), NOW);
  assert.equal(r.service, 'iam');
  assert.equal((await readAll(r.body)).toString(), body);

  const region = await failure(editAuthorization(raw, (v) => v.replace('/us-east-1/', '/eu-west-3/')), { body });
  assert.equal(authErrorService(region), 'iam');
  assert.equal(toQueryProtocolAuthError(region).code, 'SignatureDoesNotMatch');
  const malformed = await failure(editAuthorization(raw, (v) => v.replace(/, Signature=.*$/, '')), { body });
  assert.equal(toQueryProtocolAuthError(malformed).code, 'IncompleteSignature');
  const noDate = await failure(setHeader(raw, 'x-amz-date', undefined), { body });
  assert.equal(toQueryProtocolAuthError(noDate).code, 'IncompleteSignature');
  const unknown = await failure(raw, { body, mutate: (f) => f.keys.clear() });
  assert.equal(toQueryProtocolAuthError(unknown).code, 'InvalidClientTokenId');
  assert.equal(toQueryProtocolAuthError(unknown).status, 403);
  const tampered = await failure(raw, { body: body.replace('ListUsers', 'ListRoles') });
  assert.equal(toQueryProtocolAuthError(tampered).code, 'SignatureDoesNotMatch');
});

test('IAM Query protocol: a body over the buffer limit → MaxMessageLengthExceeded', async () => {
  const body = 'Action=ListUsers&Version=2010-05-08&Pad=' + 'x'.repeat(2 * 1024 * 1024);
  const raw = await sdkSign({ method: 'POST', path: '/', headers: form, body }, IAM);
  assert.equal((await failure(raw, { body })).code, 'MaxMessageLengthExceeded');
});

test('IAM accepts us-east-1 scope; STS accepts the server region and us-east-1', async () => {
  const { auth } = setup();
  const body = 'Action=GetCallerIdentity&Version=2011-06-15';
  for (const region of ['us-east-1']) {
    const raw = await sdkSign({ method: 'POST', path: '/', headers: form, body }, { ...S3, service: 'sts', region });
    assert.equal((await auth.authenticate(raw, bodyOf(body), NOW)).region, region);
  }
  const other = await sdkSign({ method: 'POST', path: '/', headers: form, body }, { ...S3, service: 'sts', region: 'ap-south-1' });
  assert.equal(toQueryProtocolAuthError(await failure(other, { body })).code, 'SignatureDoesNotMatch');
});

test('toQueryProtocolAuthError leaves unrelated errors alone', async () => {
  const { ServiceError } = await import('../errors/service-error.js');
  const e = new ServiceError('NoSuchEntity', 'x', 404);
  assert.equal(toQueryProtocolAuthError(e), e);
});
