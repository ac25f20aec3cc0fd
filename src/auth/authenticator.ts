import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { ANONYMOUS, type Caller } from '../identity/caller.js';
import { resolveAccessKey } from './access-key-check.js';
import { AuthFailure, s3AuthError } from './auth-errors.js';
import {
  buildCanonicalRequest,
  buildStringToSign,
  canonicalHeaders,
  canonicalQueryString,
  collectHeaderValues,
  parseQuery,
  sha256Hex,
  type QueryParam,
} from './canonical-request.js';
import type { ScopePolicy } from './credential-scope.js';
import { classifyContentSha256, decodePayload, type PayloadMode } from './payload/payload-mode.js';
import { readBodyLimited } from './payload/read-body-limited.js';
import { hasQueryAuth } from './parse-presigned-query.js';
import { checkSignedHeaders, headerSignatureInput, headerString, querySignatureInput, type SignatureInput } from './signature-input.js';
import { SigningKeyCache, signaturesEqual } from './signing-key-cache.js';
import { SigV2Authenticator, type SigV2Options } from './sigv2-authenticator.js';
import { isSigV2Authorization, isSigV2Query } from './sigv2-request.js';
import { UNSIGNED_PAYLOAD } from './sigv4-constants.js';
import { UNSIGNED_FACTS, type AccessKeyRecord, type AuthenticationResult, type AuthFacts, type CredentialProvider, type RawRequest } from './types.js';
import { canonicalNormalizedUri, canonicalS3Uri } from './uri-encoding.js';

export interface AuthenticatorOptions {
  readonly credentials: CredentialProvider;
  /** The server's default region (KMS and CloudTrail scopes must name it; named in error messages). */
  readonly region: string;
  /** Every region the server serves (S3 scopes may name any; issue #17); default: `[region]`. */
  readonly regions?: readonly string[];
  /** Services accepted in the credential scope; default s3, iam, sts, organizations, workloads, kms. */
  readonly services?: readonly string[];
  /** Bound of the derived-signing-key cache (entries). */
  readonly signingKeyCacheSize?: number;
  /** Share a cache between instances (e.g. the one-shot `authenticate` function). */
  readonly signingKeys?: SigningKeyCache;
  /** Largest body buffered for non-S3 (Query protocol) requests; default 1 MiB. */
  readonly maxBufferedBodyBytes?: number;
  /** Accept Signature Version 2 for S3 (`--allow-sigv2`, sigv2-authenticator.ts); undefined: refused. */
  readonly sigv2?: SigV2Options;
}

/**
 * Server-side AWS Signature Version 4. One instance per server (it owns the signing-key cache);
 * stateless per request apart from that cache. Time is an argument, the only I/O is the
 * credential lookup and the body stream.
 */
export class Authenticator {
  private readonly keys: SigningKeyCache;
  private readonly scopePolicy: ScopePolicy;
  private readonly maxBuffered: number;
  private readonly sigv2: SigV2Authenticator | undefined;

  constructor(private readonly options: AuthenticatorOptions) {
    this.keys = options.signingKeys ?? new SigningKeyCache(options.signingKeyCacheSize);
    this.sigv2 = options.sigv2 && new SigV2Authenticator({ ...options.sigv2, credentials: options.credentials });
    this.maxBuffered = options.maxBufferedBodyBytes ?? 1024 * 1024;
    const region = options.region;
    // The default region first: it is the one error messages name, and the first compared.
    const served = [region, ...(options.regions ?? []).filter((r) => r !== region)];
    const global = ['us-east-1', ...served.filter((r) => r !== 'us-east-1')];
    const sts = served.includes('us-east-1') ? served : [...served, 'us-east-1'];
    this.scopePolicy = {
      // kms (and cloudtrail) are served in the default region only (the last rule below).
      services: options.services ?? ['s3', 'iam', 'sts', 'organizations', 'workloads', 'kms'],
      // S3 serves every region (a bucket lives in one: the S3 protocol checks the request's region
      // against the bucket's). IAM and Organizations are global services signed for us-east-1; STS has
      // a global (us-east-1) and regional endpoints. Deviation from AWS: IAM and Organizations also
      // accept every served region, because SDKs pointed at a custom endpoint sign with their
      // configured region.
      regionsFor: (service) => {
        if (service === 's3') return served;
        if (service === 'sts') return sts;
        // workloads (Strongbox's own API, src/workloads) is account-wide like IAM.
        if (service === 'iam' || service === 'organizations' || service === 'workloads') return global;
        return [region];
      },
    };
  }

  async authenticate(raw: RawRequest, body: Readable, now: Date): Promise<AuthenticationResult> {
    const authorization = headerString(raw, 'authorization');
    const params = parseQuery(raw.rawQuery);
    const queryAuth = params.length > 0 && hasQueryAuth(params);
    if (authorization !== undefined && queryAuth) {
      throw s3AuthError('InvalidArgument', new AuthFailure('two-mechanisms', { authorization }), {
        message:
          'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
        fields: { ArgumentName: 'Authorization', ArgumentValue: authorization },
      });
    }
    if (authorization === undefined && !queryAuth) return this.anonymous(raw, body);
    // One prefix test when SigV2 is allowed (none when it is not: SigV4's parsers refuse it as today).
    if (this.sigv2 && (authorization !== undefined ? isSigV2Authorization(authorization) : isSigV2Query(params))) {
      return this.sigv2.authenticate(raw, { authorization, params }, body, now);
    }

    const input =
      authorization !== undefined
        ? headerSignatureInput(raw, authorization, this.scopePolicy, now)
        : querySignatureInput(params, this.scopePolicy, now);
    checkSignedHeaders(raw, input);
    const service = input.scope.service;

    let payloadHash: string;
    let mode: PayloadMode;
    let bufferedBody: Buffer | undefined;
    if (service === 's3') {
      payloadHash = this.s3PayloadHash(raw, input);
      mode = classifyContentSha256(payloadHash, service);
    } else {
      bufferedBody = await readBodyLimited(body, this.maxBuffered, service);
      payloadHash = this.bufferedPayloadHash(raw, bufferedBody, service);
      mode = { kind: 'unsigned' };
    }

    const record = await resolveAccessKey(this.options.credentials, input.scope.accessKeyId, input.securityToken, service, now);
    const signingKey = this.keys.get(record.secretAccessKey, input.scope.date, input.scope.region, service);
    this.verifySignature(raw, params, input, payloadHash, signingKey);

    const decoded =
      bufferedBody !== undefined
        ? { body: Readable.from(bufferedBody.length === 0 ? [] : [bufferedBody]), trailers: () => ({}), decodedContentLength: bufferedBody.length }
        : decodePayload(raw, body, mode, {
            service,
            signing: {
              signingKey,
              amzDate: input.amzDate,
              scope: input.scope.scope,
              seedSignature: input.signature,
              accessKeyId: input.scope.accessKeyId,
            },
          });

    return {
      caller: callerFor(record, input.scope.accessKeyId),
      service,
      region: input.scope.region,
      facts: factsFor(record, input, now),
      body: decoded.body,
      trailers: decoded.trailers,
      decodedContentLength: decoded.decodedContentLength,
    };
  }

  private anonymous(raw: RawRequest, body: Readable): AuthenticationResult {
    // An unsigned client may still frame its body as aws-chunked or announce its SHA-256.
    const announced = headerString(raw, 'x-amz-content-sha256');
    const mode: PayloadMode = announced === undefined ? { kind: 'unsigned' } : classifyContentSha256(announced, 's3');
    // Chunk signatures cannot be checked without a signing key: decode the framing only.
    const decoded = decodePayload(raw, body, mode.kind === 'aws-chunked' ? { ...mode, signed: false } : mode, {
      service: 's3',
      signing: undefined,
    });
    return { caller: ANONYMOUS, service: undefined, region: undefined, facts: UNSIGNED_FACTS, ...decoded };
  }

  /** S3 signs `x-amz-content-sha256` verbatim; presigned URLs default to UNSIGNED-PAYLOAD. */
  private s3PayloadHash(raw: RawRequest, input: SignatureInput): string {
    const header = headerString(raw, 'x-amz-content-sha256');
    if (input.location === 'query') return input.queryContentSha256 ?? header ?? UNSIGNED_PAYLOAD;
    if (header === undefined) {
      throw s3AuthError('InvalidRequest', new AuthFailure('missing-content-sha256', { service: 's3' }), {
        message: 'Missing required header for this request: x-amz-content-sha256',
      });
    }
    return header;
  }

  /** IAM/STS: the hash of the buffered form body, checked against x-amz-content-sha256 when sent. */
  private bufferedPayloadHash(raw: RawRequest, bodyBytes: Buffer, service: string): string {
    const computed = sha256Hex(bodyBytes);
    const header = headerString(raw, 'x-amz-content-sha256');
    if (header === undefined) return computed;
    if (/^[0-9a-fA-F]{64}$/.test(header) && header.toLowerCase() !== computed) {
      throw s3AuthError('XAmzContentSHA256Mismatch', new AuthFailure('content-sha256-mismatch', { service }), {
        fields: { ClientComputedContentSHA256: header, S3ComputedContentSHA256: computed },
      });
    }
    return header;
  }

  private verifySignature(raw: RawRequest, params: readonly QueryParam[], input: SignatureInput, payloadHash: string, signingKey: Buffer): void {
    const service = input.scope.service;
    const values = collectHeaderValues(raw, new Set(input.signedHeaderNames));
    const canonicalRequest = buildCanonicalRequest({
      method: raw.method,
      canonicalUri: service === 's3' ? canonicalS3Uri(raw.rawPath) : canonicalNormalizedUri(raw.rawPath),
      canonicalQuery: canonicalQueryString(params, input.location === 'query' ? 'X-Amz-Signature' : undefined),
      canonicalHeaders: canonicalHeaders(input.signedHeaderNames, values),
      signedHeaders: input.signedHeaders,
      payloadHash,
    });
    const stringToSign = buildStringToSign(input.amzDate, input.scope.scope, canonicalRequest);
    const expected = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
    if (signaturesEqual(expected, input.signature)) return;
    throw s3AuthError('SignatureDoesNotMatch', new AuthFailure('signature-mismatch', { service }), {
      fields: {
        AWSAccessKeyId: input.scope.accessKeyId,
        StringToSign: stringToSign,
        SignatureProvided: input.signature,
        StringToSignBytes: hexBytes(stringToSign),
        CanonicalRequest: canonicalRequest,
        CanonicalRequestBytes: hexBytes(canonicalRequest),
      },
    });
  }
}

function hexBytes(s: string): string {
  return Buffer.from(s, 'utf8').toString('hex').replace(/(..)(?!$)/g, '$1 ');
}

function callerFor(record: AccessKeyRecord, accessKeyId: string): Caller {
  const c = record.caller;
  if (c.kind === 'Anonymous' || c.accessKeyId === accessKeyId) return c;
  return { ...c, accessKeyId };
}

function factsFor(record: AccessKeyRecord, input: SignatureInput, now: Date): AuthFacts {
  const mfaAt = record.mfaAuthenticatedAt;
  return {
    authType: input.location === 'header' ? 'REST-HEADER' : 'REST-QUERY-STRING',
    signatureVersion: 'AWS4-HMAC-SHA256',
    signatureAgeMs: now.getTime() - input.requestTime.getTime(),
    multiFactorAuthPresent: mfaAt !== undefined,
    multiFactorAuthAgeSeconds: mfaAt === undefined ? undefined : Math.max(0, Math.floor((now.getTime() - mfaAt.getTime()) / 1000)),
    tokenIssueTime: record.tokenIssueTime,
  };
}
