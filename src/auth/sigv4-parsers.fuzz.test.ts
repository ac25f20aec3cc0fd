/**
 * Fuzzing the SigV4 parsers (bounded: a fixed number of runs per property): the Authorization header,
 * the presigned query, the credential scope and dates, and the POST policy document. Whatever the
 * client sends, a parser returns its result or throws the authentication error S3 gives (a
 * ServiceError with a client status); anything else would be a 500 InternalError.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ServiceError } from '../errors/service-error.js';
import { parseAmzDate, parseHttpDate } from './amz-date.js';
import { canonicalQueryString, parseQuery } from './canonical-request.js';
import { parseCredential, validateScope, validateScopeDate, type ScopePolicy } from './credential-scope.js';
import { parseAuthorizationHeader, splitSignedHeaders } from './parse-authorization-header.js';
import { hasQueryAuth, parsePresignedQuery } from './parse-presigned-query.js';
import { parsePostPolicy } from './post-policy-document.js';
import { checkSignedHeaders, headerSignatureInput, querySignatureInput } from './signature-input.js';
import type { RawRequest } from './types.js';
import { percentDecode, uriEncode } from './uri-encoding.js';

const RUNS = { numRuns: 400 };
const NOW = new Date('2015-08-30T12:36:00Z');
const POLICY: ScopePolicy = {
  services: ['s3', 'iam', 'sts'],
  regionsFor: (service) => (service === 's3' ? ['us-east-1', 'eu-west-1'] : ['us-east-1']),
};

function onlyAwsErrors(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    assert.ok(e.status >= 400 && e.status < 500, `${e.code} (${e.status})`);
  }
}

/** Strings assembled from the pieces of real SigV4 values, with now and then random text. */
function piecesOf(pieces: readonly string[], maxLength = 8): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...pieces) },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  );
  return fc.array(piece, { maxLength }).map((a) => a.join(''));
}

const SCOPE_PIECES = [
  'AKIDEXAMPLE', '/', '20150830', '20150831', '2015083', 'us-east-1', 'eu-west-1', 'xx-nowhere-1', 's3', 'iam', 'sts',
  'kms', 'aws4_request', 'aws4_requesT', '', '%2F', '😀', ' ',
];
const credentialArb = fc.oneof(
  fc.constant('AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request'),
  piecesOf(SCOPE_PIECES, 12),
  fc.string(),
);
const dateArb = fc.oneof(
  fc.constantFrom('20150830T123600Z', '20150830T123600', '20150230T123600Z', '00000830T123600Z', '20150830T246000Z'),
  fc.constantFrom('Sun, 30 Aug 2015 12:36:00 GMT', 'Mon, 31 Feb 2015 25:61:61 GMT', '+275760-09-13T00:00:00.001Z GMT'),
  fc.string({ maxLength: 20 }),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString().replace(/[-:]|\.\d{3}/g, '')),
);
const SIGNATURE = 'a'.repeat(64);
const AUTH_PIECES = [
  'AWS4-HMAC-SHA256 ', 'AWS4-HMAC-SHA256', 'AWS ', 'AWS4-ECDSA-P256-SHA256 ', 'Credential=', 'SignedHeaders=',
  'Signature=', 'AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request', 'host;x-amz-date', 'host', ';', ',', ', ', '=', '==',
  SIGNATURE, 'Foo=bar', 'AKID:sig',
];
const authorizationArb = fc.oneof(
  piecesOf(AUTH_PIECES, 10),
  fc
    .tuple(credentialArb, piecesOf(['host', ';', 'x-amz-date', 'X-Amz-Content-Sha256', ' ', ''], 5), fc.string())
    .map(([c, h, s]) => `AWS4-HMAC-SHA256 Credential=${c}, SignedHeaders=${h}, Signature=${s}`),
  fc.string(),
);

const QUERY_NAMES = [
  'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature',
  'X-Amz-Security-Token', 'X-Amz-Content-Sha256', 'AWSAccessKeyId', 'Signature', 'Expires', 'versionId', 'x',
];
const queryValueArb = fc.oneof(
  fc.constantFrom('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1', '86400', '604801', '-1', '1e3', '', SIGNATURE, 'host'),
  fc.constantFrom('%', '%ZZ', '%E0%A4', '%2F'),
  credentialArb.map((c) => uriEncode(c)),
  dateArb.map((d) => uriEncode(d)),
  fc.string({ maxLength: 12 }),
);
const queryNameArb = fc.oneof(fc.constantFrom(...QUERY_NAMES), fc.string({ maxLength: 5 }));
const queryArb = fc.oneof(
  fc
    .array(fc.tuple(queryNameArb, queryValueArb, fc.boolean()), { maxLength: 9 })
    .map((pairs) => pairs.map(([name, value, bare]) => (bare && value === '' ? name : `${name}=${value}`)).join('&')),
  fc.string(),
);

function rawRequest(headers: Record<string, string>, rawQuery = ''): RawRequest {
  const rawHeaders = Object.entries(headers).flat();
  return { method: 'GET', rawPath: '/bucket/key', rawQuery, headers, rawHeaders };
}

describe('SigV4 parsers: any input yields a result or an AWS authentication error', () => {
  it('the Authorization header and its SignedHeaders', () => {
    fc.assert(
      fc.property(authorizationArb, (header) => {
        onlyAwsErrors(() => splitSignedHeaders(parseAuthorizationHeader(header).signedHeaders));
      }),
      RUNS,
    );
  });

  it('the credential scope, its checks and its date', () => {
    const locationArb = fc.constantFrom('header', 'query') as fc.Arbitrary<'header' | 'query'>;
    fc.assert(
      fc.property(credentialArb, locationArb, dateArb, (value, location, date) => {
        onlyAwsErrors(() => {
          const scope = parseCredential(value, location);
          validateScope(scope, POLICY, location);
          validateScopeDate(scope, date, location);
        });
      }),
      RUNS,
    );
  });

  it('X-Amz-Date and Date values parse to a valid time or to nothing', () => {
    fc.assert(
      fc.property(dateArb, (value) => {
        for (const d of [parseAmzDate(value), parseHttpDate(value)]) {
          assert.ok(d === undefined || !Number.isNaN(d.getTime()));
        }
      }),
      RUNS,
    );
  });

  it('a header-signed request: header, x-amz-date / Date, skew', () => {
    const headersArb = fc.record(
      { 'x-amz-date': dateArb, date: dateArb, 'x-amz-content-sha256': fc.string(), host: fc.constant('h') },
      { requiredKeys: ['host'] },
    );
    fc.assert(
      fc.property(authorizationArb, headersArb, fc.date({ noInvalidDate: true }), (authorization, headers, now) => {
        const raw = rawRequest({ ...headers, authorization });
        onlyAwsErrors(() => checkSignedHeaders(raw, headerSignatureInput(raw, authorization, POLICY, now)));
      }),
      RUNS,
    );
  });

  it('a presigned URL: query string decoding, X-Amz-* parameters, expiry', () => {
    fc.assert(
      fc.property(queryArb, fc.boolean(), (rawQuery, requireExpires) => {
        const params = parseQuery(rawQuery);
        canonicalQueryString(params, 'X-Amz-Signature');
        if (!hasQueryAuth(params)) return;
        onlyAwsErrors(() => parsePresignedQuery(params, { requireExpires }));
        onlyAwsErrors(() => querySignatureInput(params, POLICY, NOW));
      }),
      RUNS,
    );
  });

  it('percent-decoding never throws, even on broken escapes and invalid UTF-8', () => {
    const escaped = piecesOf(['%', '%2', '%2F', '%E0', '%A4', '%FF', '%C3%A9', '%ZZ', 'a', '+', 'é'], 10);
    fc.assert(fc.property(fc.oneof(escaped, fc.string()), (s) => void percentDecode(s)), RUNS);
  });

  it('the POST policy document (base64 JSON)', () => {
    const conditionArb = fc.oneof(
      fc.constantFrom(
        ['eq', '$key', 'a'], ['starts-with', '$key', ''], ['content-length-range', 0, 10],
        ['content-length-range', '1', '-1'],
        { acl: 'private' }, { $bucket: 'b' }, {}, [], ['eq'], null, 5, 'x',
      ),
      fc.jsonValue({ maxDepth: 3 }),
    );
    const documentArb = fc.oneof(
      fc.record(
        {
          expiration: fc.oneof(
            fc.constantFrom('2030-01-01T00:00:00Z', '2030-13-45T00:00:00Z', '0000-01-01T'),
            fc.jsonValue({ maxDepth: 1 }),
          ),
          conditions: fc.oneof(fc.array(conditionArb, { maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue({ maxDepth: 3 }),
    );
    const encoded = fc.oneof(
      documentArb.map((d) => Buffer.from(JSON.stringify(d) ?? 'null').toString('base64')),
      fc.string().map((s) => Buffer.from(s).toString('base64')),
      fc.string(),
    );
    fc.assert(fc.property(encoded, (policy) => onlyAwsErrors(() => parsePostPolicy(policy))), RUNS);
  });

  it('deeply nested POST policy conditions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), (depth) => {
        const doc = `{"expiration":"2030-01-01T00:00:00Z","conditions":[${'['.repeat(depth)}${']'.repeat(depth)}]}`;
        onlyAwsErrors(() => parsePostPolicy(Buffer.from(doc).toString('base64')));
      }),
      { numRuns: 20 },
    );
  });
});
