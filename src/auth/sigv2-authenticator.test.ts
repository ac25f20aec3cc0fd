/**
 * SigV2 through the Authenticator (`sigv2` option): the AWS doc examples of "Signing and
 * authenticating REST requests (AWS signature version 2)" end to end, the facts policies see, and
 * S3's errors; off, the refusal S3 gives a SigV4-only endpoint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Authenticator } from './authenticator.js';
import { isServiceError, type ServiceError } from '../errors/service-error.js';
import { FakeCredentials } from './testing/fake-credentials.js';
import { bodyOf, rawRequestOf } from './testing/vector-request.js';
import { sigV2Signature } from './sigv2-string-to-sign.js';
import type { RawRequest } from './types.js';

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TEMP_AKID = 'ASIAIOSFODNN7EXAMPLE';
const TOKEN = 'session-token-of-the-temporary-key';

function credentials() {
  return new FakeCredentials()
    .add({ accessKeyId: AKID, secretAccessKey: SECRET })
    .add({
      accessKeyId: TEMP_AKID,
      secretAccessKey: SECRET,
      sessionToken: TOKEN,
      tokenIssueTime: new Date('2007-03-27T00:00:00Z'),
    });
}

function authenticator(options: { sigv2: boolean } = { sigv2: true }) {
  const sigv2 = options.sigv2 ? { baseDomain: 's3.amazonaws.com' } : undefined;
  return new Authenticator({ credentials: credentials(), region: 'us-east-1', sigv2 });
}

function get(path: string, headers: [string, string][], host = 'johnsmith.s3.amazonaws.com'): RawRequest {
  const q = path.indexOf('?');
  return rawRequestOf({
    method: headers.find(([n]) => n === ':method')?.[1] ?? 'GET',
    rawPath: q < 0 ? path : path.slice(0, q),
    rawQuery: q < 0 ? '' : path.slice(q + 1),
    headers: [['Host', host], ...headers.filter(([n]) => n !== ':method')],
  });
}

async function errorOf(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isServiceError(e), String(e));
    return e;
  }
  assert.fail('accepted');
}

const GET_DATE = 'Tue, 27 Mar 2007 19:36:42 +0000';
const GET_NOW = new Date('2007-03-27T19:40:00Z');
const docGet = (signature = 'bWq2s1WEIj+Ydj0vQ697zp+IXMU=') =>
  get('/photos/puppy.jpg', [['Date', GET_DATE], ['Authorization', `AWS ${AKID}:${signature}`]]);

test('doc example Object GET (header): the caller and the facts of a SigV2 request', async () => {
  const r = await authenticator().authenticate(docGet(), bodyOf(''), GET_NOW);
  assert.equal(r.caller.kind, 'User');
  assert.equal(r.service, 's3');
  assert.equal(r.region, undefined);
  assert.equal(r.facts.signatureVersion, 'AWS');
  assert.equal(r.facts.authType, 'REST-HEADER');
  assert.equal(r.facts.signatureAgeMs, undefined);
});

test('doc examples List, Fetch, List all my buckets, Unicode keys (header)', async () => {
  const a = authenticator();
  const cases: [path: string, date: string, signature: string, host?: string][] = [
    ['/?prefix=photos&max-keys=50&marker=puppy', 'Tue, 27 Mar 2007 19:42:41 +0000', 'htDYFYduRNen8P9ZfE/s9SuKy0U='],
    ['/?acl', 'Tue, 27 Mar 2007 19:44:46 +0000', 'c2WLPFtWHVgbEmeEG93a4cG37dM='],
    ['/', 'Wed, 28 Mar 2007 01:29:59 +0000', 'qGdzdERIC03wnaRNKh6OqZehG9s=', 's3.amazonaws.com'],
    [
      '/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re',
      'Wed, 28 Mar 2007 01:49:49 +0000',
      'DNEZGsoieTZ92F3bUfSPQcbGmlM=',
      's3.amazonaws.com',
    ],
  ];
  for (const [path, date, signature, host] of cases) {
    const raw = get(path, [['Date', date], ['Authorization', `AWS ${AKID}:${signature}`]], host);
    const r = await a.authenticate(raw, bodyOf(''), new Date(date));
    assert.equal(r.facts.signatureVersion, 'AWS', path);
  }
});

test("x-amz-date: the Date position is empty and x-amz-date is an amz header (the page's rule)", async () => {
  // The page's Delete example prints its StringToSign with the x-amz-date value in the Date position
  // (contradicting its own rule and the SDK signers); this is the rule's StringToSign, signed by Python.
  const headers: [string, string][] = [
    [':method', 'DELETE'],
    ['Date', 'Tue, 27 Mar 2007 21:20:27 +0000'],
    ['x-amz-date', 'Tue, 27 Mar 2007 21:20:26 +0000'],
    ['Authorization', `AWS ${AKID}:R4dJ53KECjStyBO5iTBJZ4XVOaI=`],
  ];
  const raw = get('/johnsmith/photos/puppy.jpg', headers, 's3.amazonaws.com');
  const r = await authenticator().authenticate(raw, bodyOf(''), new Date('2007-03-27T21:20:26Z'));
  assert.equal(r.caller.kind, 'User');
});

const DOC_URL =
  `/photos/puppy.jpg?AWSAccessKeyId=${AKID}&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620`;

test('doc example query string authentication: REST-QUERY-STRING, valid until Expires', async () => {
  const r = await authenticator().authenticate(get(DOC_URL, []), bodyOf(''), new Date('2007-03-29T03:40:20Z'));
  assert.equal(r.facts.authType, 'REST-QUERY-STRING');
  assert.equal(r.facts.signatureVersion, 'AWS');
  const late = new Date('2007-03-29T03:40:21Z');
  const expired = await errorOf(authenticator().authenticate(get(DOC_URL, []), bodyOf(''), late));
  assert.equal(expired.code, 'AccessDenied');
  assert.equal(expired.message, 'Request has expired');
  assert.equal(expired.fields.Expires, '2007-03-29T03:40:20Z');
  assert.equal(expired.fields.ServerTime, '2007-03-29T03:40:21Z');
});

test('presigned: missing or malformed parameters are AccessDenied', async () => {
  const now = new Date('2007-03-28T00:00:00Z');
  const a = authenticator();
  const queries = [
    `AWSAccessKeyId=${AKID}&Signature=x`,
    `Signature=x&Expires=1175139620`,
    `AWSAccessKeyId=${AKID}&Expires=1175139620`,
    `AWSAccessKeyId=${AKID}&Signature=x&Expires=soon`,
  ];
  for (const q of queries) {
    assert.equal((await errorOf(a.authenticate(get(`/k?${q}`, []), bodyOf(''), now))).code, 'AccessDenied', q);
  }
});

test('presigned with a session key: the token and the other x-amz-* headers travel in the query', async () => {
  const sts = `GET\n\n\n1175139620\nx-amz-acl:private\nx-amz-security-token:${TOKEN}\n/johnsmith/k`;
  const sig = encodeURIComponent(sigV2Signature(SECRET, sts));
  const query = `x-amz-acl=private&AWSAccessKeyId=${TEMP_AKID}&Signature=${sig}&Expires=1175139620`;
  const url = `/k?${query}&x-amz-security-token=${TOKEN}`;
  const r = await authenticator().authenticate(get(url, []), bodyOf(''), new Date('2007-03-28T00:00:00Z'));
  assert.equal(r.facts.tokenIssueTime?.toISOString(), '2007-03-27T00:00:00.000Z');
});

test('header with a session key: x-amz-security-token is required and signed', async () => {
  const sts = `GET\n\n\n${GET_DATE}\nx-amz-security-token:${TOKEN}\n/johnsmith/k`;
  const headers: [string, string][] = [
    ['Date', GET_DATE],
    ['x-amz-security-token', TOKEN],
    ['Authorization', `AWS ${TEMP_AKID}:${sigV2Signature(SECRET, sts)}`],
  ];
  await authenticator().authenticate(get('/k', headers), bodyOf(''), GET_NOW);
  const withoutToken = get('/k', headers.filter(([n]) => n !== 'x-amz-security-token'));
  const refused = await errorOf(authenticator().authenticate(withoutToken, bodyOf(''), GET_NOW));
  assert.equal(refused.code, 'InvalidAccessKeyId');
});

test('SignatureDoesNotMatch carries the StringToSign and its bytes', async () => {
  const e = await errorOf(authenticator().authenticate(docGet('AAAAAAAAAAAAAAAAAAAAAAAAAAA='), bodyOf(''), GET_NOW));
  assert.equal(e.code, 'SignatureDoesNotMatch');
  assert.equal(e.fields.AWSAccessKeyId, AKID);
  assert.equal(e.fields.StringToSign, `GET\n\n\n${GET_DATE}\n/johnsmith/photos/puppy.jpg`);
  assert.equal(e.fields.SignatureProvided, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=');
  assert.ok(e.fields.StringToSignBytes.startsWith('47 45 54 0a 0a 0a 54 75 65'));
});

test('header errors: malformed, unknown key, date missing, invalid, before 1970, skewed', async () => {
  const a = authenticator();
  const code = async (raw: RawRequest, now = GET_NOW) => (await errorOf(a.authenticate(raw, bodyOf(''), now))).code;
  const signedBy = (authorization: string, ...headers: [string, string][]) =>
    get('/k', [...headers, ['Authorization', authorization]]);
  const dated: [string, string] = ['Date', GET_DATE];
  assert.equal(await code(signedBy('AWS HAHAHA', dated)), 'InvalidArgument');
  assert.equal(await code(signedBy('AWS', dated)), 'InvalidArgument');
  assert.equal(await code(signedBy('AWS AKIANOSUCHKEY0000000:c2lnbmF0dXJl', dated)), 'InvalidAccessKeyId');
  assert.equal(await code(signedBy(`AWS ${AKID}:x`)), 'AccessDenied');
  assert.equal(await code(signedBy(`AWS ${AKID}:x`, dated, ['x-amz-date', 'Bad Date'])), 'AccessDenied');
  assert.equal(await code(signedBy(`AWS ${AKID}:x`, ['x-amz-date', 'Tue, 07 Jul 1950 21:53:04 GMT'])), 'AccessDenied');
  assert.equal(await code(docGet(), new Date('2007-03-27T19:52:43Z')), 'RequestTimeTooSkewed');
  assert.equal(await code(docGet(), new Date('2007-03-27T19:20:41Z')), 'RequestTimeTooSkewed');
});

test('off (the default): SigV2 header and presigned URL refused as today, SigV4 unaffected', async () => {
  const off = authenticator({ sigv2: false });
  assert.equal((await errorOf(off.authenticate(docGet(), bodyOf(''), GET_NOW))).code, 'InvalidRequest');
  assert.equal((await errorOf(off.authenticate(get(DOC_URL, []), bodyOf(''), GET_NOW))).code, 'InvalidRequest');
  // On, SigV4 still goes to SigV4 ("Examples: Signature Calculations in AWS Signature Version 4", GET Object).
  const scope = `Credential=${AKID}/20130524/us-east-1/s3/aws4_request`;
  const signedHeaders = 'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date';
  const signature = 'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41';
  const sigv4 = rawRequestOf({
    method: 'GET',
    rawPath: '/test.txt',
    rawQuery: '',
    headers: [
      ['Host', 'examplebucket.s3.amazonaws.com'],
      ['Range', 'bytes=0-9'],
      ['x-amz-content-sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
      ['x-amz-date', '20130524T000000Z'],
      ['Authorization', `AWS4-HMAC-SHA256 ${scope},${signedHeaders},${signature}`],
    ],
  });
  const v4 = await authenticator().authenticate(sigv4, bodyOf(''), new Date('2013-05-24T00:00:00Z'));
  assert.equal(v4.facts.signatureVersion, 'AWS4-HMAC-SHA256');
});
