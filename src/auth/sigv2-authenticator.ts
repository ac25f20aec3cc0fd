/**
 * Server-side AWS Signature Version 2 for S3 (`--allow-sigv2`): header-signed requests and v2
 * presigned URLs, behind the same AuthenticationResult as SigV4 — the same credential provider (IAM
 * users' keys, STS session keys with their `x-amz-security-token`), so the same policies apply;
 * `s3:signatureversion` is `AWS` for them. Off by default: the Authenticator then refuses SigV2 as a
 * SigV4-only S3 endpoint does (InvalidRequest "Please use AWS4-HMAC-SHA256").
 * https://docs.aws.amazon.com/AmazonS3/latest/API/RESTAuthentication.html
 */
import type { Readable } from 'node:stream';
import type { Caller } from '../identity/caller.js';
import { resolveAccessKey } from './access-key-check.js';
import { AuthFailure, s3AuthError } from './auth-errors.js';
import type { QueryParam } from './canonical-request.js';
import { classifyContentSha256, decodePayload, type DecodedPayload, type PayloadMode } from './payload/payload-mode.js';
import { signaturesEqual } from './signing-key-cache.js';
import { sigV2HeaderInput, sigV2QueryInput, type SigV2Input } from './sigv2-request.js';
import {
  canonicalizedAmzHeaders,
  canonicalizedResource,
  sigV2Signature,
  sigV2StringToSign,
} from './sigv2-string-to-sign.js';
import type {
  AccessKeyRecord,
  AuthenticationResult,
  AuthFacts,
  AuthType,
  CredentialProvider,
  RawRequest,
} from './types.js';

export interface SigV2Options {
  /**
   * Virtual-hosted style: a Host of `<bucket>.<baseDomain>` puts `/<bucket>` in front of the
   * CanonicalizedResource. Deviation from AWS: any other Host is path-style (AWS takes a Host that is
   * not an S3 endpoint as a CNAME bucket name; Strongbox's router has no CNAME buckets either).
   */
  readonly baseDomain: string | undefined;
}

/** How the request carried its SigV2 credentials. */
export interface SigV2Request {
  /** The Authorization header, when header-signed; undefined for a presigned URL. */
  readonly authorization: string | undefined;
  readonly params: readonly QueryParam[];
}

export class SigV2Authenticator {
  constructor(private readonly options: SigV2Options & { readonly credentials: CredentialProvider }) {}

  async authenticate(raw: RawRequest, request: SigV2Request, body: Readable, now: Date): Promise<AuthenticationResult> {
    const input =
      request.authorization !== undefined
        ? sigV2HeaderInput(raw, request.authorization, now)
        : sigV2QueryInput(request.params, now);
    const token = input.securityToken ?? header(raw, 'x-amz-security-token');
    const record = await resolveAccessKey(this.options.credentials, input.accessKeyId, token, 's3', now);
    const stringToSign = this.stringToSign(raw, request.params, input);
    const expected = sigV2Signature(record.secretAccessKey, stringToSign);
    if (!signaturesEqual(expected, input.signature)) {
      throw sigV2SignatureMismatch(input.accessKeyId, stringToSign, input.signature);
    }
    return {
      caller: callerFor(record, input.accessKeyId),
      service: 's3',
      // Deviation from AWS: SigV2 names no region, so the request is served in any region (the
      // default one where a region is needed); AWS accepts SigV2 only in regions older than 2014.
      region: undefined,
      facts: sigV2Facts(record, input.location === 'header' ? 'REST-HEADER' : 'REST-QUERY-STRING', now),
      ...unsignedPayload(raw, body),
    };
  }

  /**
   * Presigned, the SDK signers move the signed `x-amz-*` headers (the security token among them),
   * Content-Type and Content-MD5 into the query string: they are read from there too.
   */
  private stringToSign(raw: RawRequest, params: readonly QueryParam[], input: SigV2Input): string {
    const presigned = input.location === 'query';
    const amz: [string, string][] = [];
    const rh = raw.rawHeaders;
    for (let i = 0; i + 1 < rh.length; i += 2) amz.push([rh[i], rh[i + 1]]);
    // Without raw pairs (a request built in code), repeated headers are already joined.
    if (rh.length === 0) {
      for (const [name, v] of Object.entries(raw.headers)) if (v !== undefined) amz.push([name, String(v)]);
    }
    if (presigned) for (const p of params) amz.push([p.name, p.value]);
    const fromQuery = (name: string) =>
      presigned ? params.find((p) => p.name.toLowerCase() === name)?.value : undefined;
    return sigV2StringToSign({
      method: raw.method,
      contentMd5: header(raw, 'content-md5') ?? fromQuery('content-md5') ?? '',
      contentType: header(raw, 'content-type') ?? fromQuery('content-type') ?? '',
      date: input.dateLine,
      amzHeaders: canonicalizedAmzHeaders(amz),
      resource: canonicalizedResource({
        bucket: virtualHostBucket(header(raw, 'host'), this.options.baseDomain),
        rawPath: raw.rawPath,
        params,
      }),
    });
  }
}

/** S3's SignatureDoesNotMatch for SigV2: what it signed, as text and as bytes. */
export function sigV2SignatureMismatch(accessKeyId: string, stringToSign: string, provided: string) {
  return s3AuthError('SignatureDoesNotMatch', new AuthFailure('signature-mismatch', { service: 's3' }), {
    fields: {
      AWSAccessKeyId: accessKeyId,
      StringToSign: stringToSign,
      SignatureProvided: provided,
      StringToSignBytes: Buffer.from(stringToSign, 'utf8').toString('hex').replace(/(..)(?!$)/g, '$1 '),
    },
  });
}

/**
 * The condition-key facts of a SigV2 request: `s3:signatureversion` AWS, `s3:authType` as sent;
 * no `s3:signatureAge` (AWS defines it for SigV4 only).
 */
export function sigV2Facts(record: AccessKeyRecord, authType: AuthType, now: Date): AuthFacts {
  const mfaAt = record.mfaAuthenticatedAt;
  return {
    authType,
    signatureVersion: 'AWS',
    signatureAgeMs: undefined,
    multiFactorAuthPresent: mfaAt !== undefined,
    multiFactorAuthAgeSeconds:
      mfaAt === undefined ? undefined : Math.max(0, Math.floor((now.getTime() - mfaAt.getTime()) / 1000)),
    tokenIssueTime: record.tokenIssueTime,
  };
}

export function callerFor(record: AccessKeyRecord, accessKeyId: string): Caller {
  const c = record.caller;
  if (c.kind === 'Anonymous' || c.accessKeyId === accessKeyId) return c;
  return { ...c, accessKeyId };
}

/**
 * SigV2 signs no payload: the body is as sent (Content-MD5, when signed, is checked by the
 * operation). A client that also announces `x-amz-content-sha256` (a signed amz header) gets its body
 * verified against it; aws-chunked framing is decoded, its chunk signatures unchecked (no SigV4 key).
 */
function unsignedPayload(raw: RawRequest, body: Readable): DecodedPayload {
  const announced = header(raw, 'x-amz-content-sha256');
  const mode: PayloadMode = announced === undefined ? { kind: 'unsigned' } : classifyContentSha256(announced, 's3');
  const framing: PayloadMode = mode.kind === 'aws-chunked' ? { ...mode, signed: false } : mode;
  return decodePayload(raw, body, framing, { service: 's3', signing: undefined });
}

function header(raw: RawRequest, name: string): string | undefined {
  const v = raw.headers[name];
  return v === undefined ? undefined : Array.isArray(v) ? v[0] : String(v);
}

function virtualHostBucket(host: string | undefined, baseDomain: string | undefined): string | undefined {
  if (host === undefined || baseDomain === undefined) return undefined;
  const colon = host.startsWith('[') ? host.indexOf(']') + 1 : host.lastIndexOf(':');
  const hostname = (colon > 0 ? host.slice(0, colon) : host).toLowerCase();
  const suffix = `.${baseDomain.toLowerCase()}`;
  if (!hostname.endsWith(suffix) || hostname.length === suffix.length) return undefined;
  return hostname.slice(0, -suffix.length);
}
