/**
 * Property test against the AWS SDK's own signer (@smithy/signature-v4): arbitrary object keys
 * (unicode, reserved characters, dot segments, repeated slashes), query parameters and header
 * values are signed by the SDK and must verify here; any single-character change must not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Authenticator } from './authenticator.js';
import { isServiceError } from '../errors/service-error.js';
import { FakeCredentials } from './testing/fake-credentials.js';
import { sdkPresign, sdkSign, type SdkSignerOptions } from './testing/sdk-signer.js';
import { setHeader } from './testing/mutate.js';
import { bodyOf } from './testing/vector-request.js';
import { uriEncode } from './uri-encoding.js';

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const NOW = new Date('2026-03-01T12:00:00Z');
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const opts = (service: string): SdkSignerOptions => ({ accessKeyId: AKID, secretAccessKey: SECRET, region: 'us-east-1', service, signingDate: NOW });

const auth = new Authenticator({ credentials: new FakeCredentials().add({ accessKeyId: AKID, secretAccessKey: SECRET }), region: 'us-east-1' });

const keyChar = fc.constantFrom(...'aZ09-._~ !$&\'()*+,;=:@%/#?[]^`{}|\\"<>éü中🙂'.split(''), '/', '/', '.', '..');
const key = fc.array(keyChar, { minLength: 1, maxLength: 24 }).map((cs) => cs.join(''));
const qText = fc.string({ unit: fc.constantFrom(...'ab Z9-_.~+=&%/?é中 '.split('')), maxLength: 10 });
const query = fc.dictionary(fc.string({ unit: fc.constantFrom(...'abc-_.~ %+é'.split('')), minLength: 1, maxLength: 6 }), qText, { maxKeys: 4 });
const headerValue = fc.string({ unit: fc.constantFrom(...'ab  \tZ9-,;:"/'.split('')), minLength: 1, maxLength: 16 }).filter((v) => v.trim() !== '');

/** The S3 serializer's wire path: each key segment URI-encoded, '/' kept. */
const s3Path = (k: string) => '/bucket/' + k.split('/').map((s) => uriEncode(s)).join('/');

async function rejects(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (e) {
    return isServiceError(e) ? e.code : String(e);
  }
}

test('S3 header-signed requests from the SDK signer verify; altered ones do not', async () => {
  await fc.assert(
    fc.asyncProperty(key, query, headerValue, async (k, q, meta) => {
      const raw = await sdkSign({ method: 'GET', path: s3Path(k), query: q, headers: { 'x-amz-content-sha256': EMPTY, 'x-amz-meta-note': meta } }, opts('s3'));
      const r = await auth.authenticate(raw, bodyOf(''), NOW);
      assert.equal(r.caller.kind, 'User');
      assert.equal(await rejects(auth.authenticate({ ...raw, rawPath: raw.rawPath + 'x' }, bodyOf(''), NOW)), 'SignatureDoesNotMatch');
      assert.equal(await rejects(auth.authenticate(setHeader(raw, 'x-amz-meta-note', meta + 'x'), bodyOf(''), NOW)), 'SignatureDoesNotMatch');
      assert.equal(await rejects(auth.authenticate({ ...raw, rawQuery: raw.rawQuery + (raw.rawQuery ? '&' : '') + 'z=1' }, bodyOf(''), NOW)), 'SignatureDoesNotMatch');
    }),
    { numRuns: 150 },
  );
});

test('S3 presigned URLs from the SDK signer verify; altered ones do not', async () => {
  await fc.assert(
    fc.asyncProperty(key, query, fc.integer({ min: 1, max: 604_800 }), async (k, q, expiresIn) => {
      const raw = await sdkPresign({ method: 'GET', path: s3Path(k), query: q }, { ...opts('s3'), expiresIn });
      const r = await auth.authenticate(raw, bodyOf(''), new Date(NOW.getTime() + expiresIn * 1000));
      assert.equal(r.facts.authType, 'REST-QUERY-STRING');
      assert.equal(await rejects(auth.authenticate({ ...raw, rawPath: raw.rawPath + 'x' }, bodyOf(''), NOW)), 'SignatureDoesNotMatch');
    }),
    { numRuns: 100 },
  );
});

test('IAM/STS requests from the SDK signer (normalised, double-encoded paths) verify', async () => {
  const pathSeg = fc.constantFrom('a', 'b c', '.', '..', '', 'é', '%41');
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('iam', 'sts'), fc.array(pathSeg, { maxLength: 4 }), qText, async (service, segs, text) => {
      const path = '/' + segs.join('/');
      const body = `Action=ListUsers&Version=2010-05-08&Marker=${encodeURIComponent(text)}`;
      const raw = await sdkSign(
        { method: 'POST', path, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body },
        opts(service),
      );
      const r = await auth.authenticate(raw, bodyOf(body), NOW);
      assert.equal(r.service, service);
      assert.equal(await rejects(auth.authenticate(raw, bodyOf(body + 'x'), NOW)), 'XAmzContentSHA256Mismatch');
    }),
    { numRuns: 100 },
  );
});
