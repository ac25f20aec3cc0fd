import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalNormalizedUri, canonicalQueryComponent, canonicalS3Uri, percentDecode, percentDecodeBytes, uriEncode } from './uri-encoding.js';
import { canonicalHeaders, canonicalQueryString, collectHeaderValues, parseQuery } from './canonical-request.js';
import { formatAmzDate, formatIsoSeconds, parseAmzDate, parseHttpDate } from './amz-date.js';
import { SigningKeyCache, deriveSigningKey, signaturesEqual } from './signing-key-cache.js';
import { toQueryProtocolAuthError } from './query-auth-errors.js';
import { AuthFailure, missingAuthenticationToken, s3AuthError } from './auth-errors.js';

test('uriEncode: RFC 3986 unreserved kept, everything else %XX upper-case, UTF-8 bytes', () => {
  assert.equal(uriEncode('AZaz09-._~'), 'AZaz09-._~');
  assert.equal(uriEncode("a b+c!'()*/é"), 'a%20b%2Bc%21%27%28%29%2A%2F%C3%A9');
  assert.equal(uriEncode('a/b c', { keepSlash: true }), 'a/b%20c');
});

test('percentDecode keeps invalid escapes and "+" literal', () => {
  assert.equal(percentDecode('a%20b'), 'a b');
  assert.equal(percentDecode('a+b'), 'a+b');
  assert.equal(percentDecode('100%'), '100%');
  assert.equal(percentDecode('%zz%4'), '%zz%4');
  assert.equal(percentDecode('%E1%88%B4'), '\u1234');
});

test('percentDecode and canonicalQueryComponent fast paths agree with the byte-level definitions', () => {
  // The definitions: decode to bytes, read as UTF-8; decode, then SigV4-encode the bytes.
  const decodeRef = (v: string) => percentDecodeBytes(v).toString('utf8');
  const piece = fc.oneof(
    fc.constantFrom('a', 'Z', '0', '-', '.', '_', '~', '%', '%2F', '%2f', '%41', '%7E', '%20', '%E2%82%AC', '%e2%82%ac', '%C3', '%FF', '%G1', '%4', '+', '/', ' ', '=', 'é', '€', '\u{1F600}'),
    fc.string({ maxLength: 3 }),
  );
  const value = fc.array(piece, { maxLength: 12 }).map((a) => a.join(''));
  fc.assert(
    fc.property(value, (v) => {
      assert.equal(percentDecode(v), decodeRef(v), `decode ${JSON.stringify(v)}`);
      const bytes = percentDecodeBytes(v);
      let expected = '';
      for (const b of bytes) expected += /[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase().padStart(2, '0');
      assert.equal(canonicalQueryComponent(v), expected, `canonical ${JSON.stringify(v)}`);
    }),
    { numRuns: 20000 },
  );
});

test('canonical S3 URI: as sent, no normalisation, raw characters escaped once', () => {
  assert.equal(canonicalS3Uri(''), '/');
  assert.equal(canonicalS3Uri('/b/x/../y//z/./w'), '/b/x/../y//z/./w');
  assert.equal(canonicalS3Uri('/b/a%20b%2Fc'), '/b/a%20b%2Fc');
  assert.equal(canonicalS3Uri('/test$file.text'), '/test%24file.text');
  assert.equal(canonicalS3Uri('/b/é 100%'), '/b/%C3%A9%20100%25');
});

test('canonical URI for other services: normalised, then encoded again', () => {
  assert.equal(canonicalNormalizedUri('//example//'), '/example/');
  assert.equal(canonicalNormalizedUri('/example1/example2/../..'), '/');
  assert.equal(canonicalNormalizedUri('/./example'), '/example');
  assert.equal(canonicalNormalizedUri('/a%20b'), '/a%2520b');
  assert.equal(canonicalNormalizedUri(''), '/');
});

test('canonical query: decoded, re-encoded, sorted by name then value; empty values kept', () => {
  const q = parseQuery('b=2&a=2&a=1&c&%7e=x&sp=a+b&e=%e2%82%ac&&');
  assert.equal(canonicalQueryString(q), 'a=1&a=2&b=2&c=&e=%E2%82%AC&sp=a%2Bb&~=x');
  assert.equal(canonicalQueryString(parseQuery('X-Amz-Signature=abc&x=1'), 'X-Amz-Signature'), 'x=1');
  assert.equal(canonicalQueryComponent('a%2fb'), 'a%2Fb');
});

test('canonical headers: repeated headers joined with ",", values trimmed and whitespace folded', () => {
  const raw = { method: 'GET', rawPath: '/', rawQuery: '', headers: {}, rawHeaders: ['My-H', ' a   b ', 'my-h', 'c\t d', 'Other', 'x'] };
  const values = collectHeaderValues(raw, new Set(['my-h', 'missing']));
  assert.equal(canonicalHeaders(['my-h'], values), 'my-h:a b,c d\n');
});

/** The straightforward definition: a regex, then Date.UTC, refusing anything it rolls over. */
function referenceAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const same = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
  return same && date.getUTCHours() === h && date.getUTCMinutes() === mi && date.getUTCSeconds() === s ? date : undefined;
}

test('amz dates: the hand parser agrees with the regex + Date.UTC definition', () => {
  const digit = fc.constantFrom(...'0123456789');
  const digitsOf = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((a) => a.join(''));
  const plausible = fc
    .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }))
    .map(([y, mo, d, h, mi, s]) => `${String(y).padStart(4, '0')}${String(mo).padStart(2, '0')}${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}${String(mi).padStart(2, '0')}${String(s).padStart(2, '0')}Z`);
  const arbitrary = fc.oneof(plausible, digitsOf(16), fc.string({ minLength: 15, maxLength: 17 }));
  fc.assert(fc.property(arbitrary, (v) => assert.deepEqual(parseAmzDate(v), referenceAmzDate(v), v)), { numRuns: 20000 });
  for (const v of ['20240229T000000Z', '20230229T000000Z', '19000229T000000Z', '20000229T235959Z', '00990101T000000Z', '01000101T000000Z']) {
    assert.deepEqual(parseAmzDate(v), referenceAmzDate(v), v);
  }
});

test('amz dates', () => {
  assert.deepEqual(parseAmzDate('20150830T123600Z'), new Date('2015-08-30T12:36:00Z'));
  for (const bad of ['20150830T123600', '2015-08-30T12:36:00Z', '20151330T000000Z', '20150230T000000Z', '20150830T246000Z']) assert.equal(parseAmzDate(bad), undefined, bad);
  assert.deepEqual(parseHttpDate('Fri, 24 May 2013 00:00:00 GMT'), new Date('2013-05-24T00:00:00Z'));
  assert.equal(parseHttpDate('yesterday'), undefined);
  assert.equal(formatAmzDate(new Date('2015-08-30T12:36:00.123Z')), '20150830T123600Z');
  assert.equal(formatIsoSeconds(new Date('2015-08-30T12:36:00.123Z')), '2015-08-30T12:36:00Z');
});

test('signing key: the documented example key, cached and bounded', () => {
  // "Examples of how to derive a signing key for Signature Version 4" (IAM, 20120215).
  assert.equal(
    deriveSigningKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam').toString('hex'),
    'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d',
  );
  const cache = new SigningKeyCache(2);
  const k1 = cache.get('s', '20260101', 'us-east-1', 's3');
  assert.equal(cache.get('s', '20260101', 'us-east-1', 's3'), k1);
  cache.get('s', '20260102', 'us-east-1', 's3');
  cache.get('s', '20260103', 'us-east-1', 's3');
  assert.equal(cache.size, 2);
  assert.notEqual(cache.get('s', '20260101', 'us-east-1', 's3'), k1);
  assert.equal(signaturesEqual('abc', 'abc'), true);
  assert.equal(signaturesEqual('abc', 'abd'), false);
  assert.equal(signaturesEqual('abc', 'ab'), false);
});

test('Query protocol mapping: skew message forms, MissingAuthenticationToken', () => {
  const server = new Date('2015-08-30T13:01:00Z');
  const past = s3AuthError('RequestTimeTooSkewed', new AuthFailure('skewed', { requestTime: '20150830T123600Z', serverTime: server }));
  assert.equal(toQueryProtocolAuthError(past).message, 'Signature expired: 20150830T123600Z is now earlier than 20150830T124600Z (20150830T130100Z - 15 min.)');
  const future = s3AuthError('RequestTimeTooSkewed', new AuthFailure('skewed', { requestTime: '20150830T133600Z', serverTime: server }));
  assert.match(toQueryProtocolAuthError(future).message, /^Signature not yet current: 20150830T133600Z is still later than 20150830T131600Z/);
  const m = missingAuthenticationToken();
  assert.equal(m.code, 'MissingAuthenticationToken');
  assert.equal(m.status, 403);
  assert.equal(toQueryProtocolAuthError(s3AuthError('AuthorizationHeaderMalformed', new AuthFailure('malformed-authorization'))).code, 'IncompleteSignature');
  assert.equal(toQueryProtocolAuthError(s3AuthError('InvalidAccessKeyId', new AuthFailure('inactive-key'))).code, 'InvalidClientTokenId');
});
