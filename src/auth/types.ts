import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Caller } from '../identity/caller.js';

/** What an access key resolves to. The secret is unsealed only inside the credential provider. */
export interface AccessKeyRecord {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly status: 'Active' | 'Inactive';
  /** The principal the key belongs to (an account root or an IAM user; later a role session). */
  readonly caller: Caller;
  /**
   * Temporary credentials only (`ASIA…`): the session token the key was issued with. A request
   * signed with this key must carry exactly this token (`X-Amz-Security-Token`).
   */
  readonly sessionToken?: string;
  /** Temporary credentials only: when they stop working (→ `ExpiredToken`). */
  readonly expiration?: Date;
  /** When the session token was issued (`aws:TokenIssueTime`). */
  readonly tokenIssueTime?: Date;
  /** When the session was authenticated with MFA (`aws:MultiFactorAuthPresent` / `aws:MultiFactorAuthAge`). */
  readonly mfaAuthenticatedAt?: Date;
}

/** What the authenticator knows besides the key id when it looks a key up. */
export interface AccessKeyLookupOptions {
  /** `X-Amz-Security-Token` of the request, if any (self-contained tokens can be unsealed from it). */
  readonly sessionToken?: string;
}

/** Storage-backed lookup of access keys (the IAM store implements it). */
export interface CredentialProvider {
  /** `undefined` when no such key exists (→ `InvalidAccessKeyId`). */
  findAccessKey(accessKeyId: string, options?: AccessKeyLookupOptions): Promise<AccessKeyRecord | undefined>;
}

/** The raw request as received, before any decoding. */
export interface RawRequest {
  readonly method: string;
  /** Path exactly as on the wire (still percent-encoded), without the query string. */
  readonly rawPath: string;
  /** Query string exactly as on the wire, without the leading `?` ('' when none). */
  readonly rawQuery: string;
  /** Lower-cased header names, as node gives them. */
  readonly headers: IncomingHttpHeaders;
  /** Raw header pairs (`req.rawHeaders`) for headers that repeat. */
  readonly rawHeaders: readonly string[];
}

export type AuthType = 'REST-HEADER' | 'REST-QUERY-STRING' | 'POST' | 'None';

/** Facts the authorization step turns into condition keys (s3:authType, s3:signatureAge, aws:MultiFactorAuthPresent ...). */
export interface AuthFacts {
  readonly authType: AuthType;
  /** `s3:signatureversion`: `AWS` for Signature Version 2 (`--allow-sigv2`, S3 only). */
  readonly signatureVersion: 'AWS4-HMAC-SHA256' | 'AWS' | undefined;
  /** Milliseconds between X-Amz-Date and the time of verification. */
  readonly signatureAgeMs: number | undefined;
  readonly multiFactorAuthPresent: boolean;
  readonly multiFactorAuthAgeSeconds: number | undefined;
  readonly tokenIssueTime: Date | undefined;
}

/** The facts of a request that carries no signature (anonymous, an unsigned form, a service's own call). */
export const UNSIGNED_FACTS: AuthFacts = Object.freeze({
  authType: 'None',
  signatureVersion: undefined,
  signatureAgeMs: undefined,
  multiFactorAuthPresent: false,
  multiFactorAuthAgeSeconds: undefined,
  tokenIssueTime: undefined,
});

export interface AuthenticationResult {
  readonly caller: Caller;
  /** Service of the SigV4 credential scope (`s3`, `iam`, `sts`), undefined for anonymous requests. */
  readonly service: string | undefined;
  /** Region of the SigV4 credential scope. */
  readonly region: string | undefined;
  readonly facts: AuthFacts;
  /**
   * The payload bytes: aws-chunked framing removed, and verified against the signed payload hash /
   * chunk signatures as they stream. A mismatch makes the stream error (with a ServiceError such as
   * `XAmzContentSHA256Mismatch` or `SignatureDoesNotMatch`) before it ends, so a consumer that commits
   * only after `end` never stores unverified bytes.
   */
  readonly body: Readable;
  /** Trailing headers of an aws-chunked body (e.g. `x-amz-checksum-crc32`); complete once `body` has ended. */
  readonly trailers: () => Readonly<Record<string, string>>;
  /** Decoded content length when known (`x-amz-decoded-content-length` or `content-length`). */
  readonly decodedContentLength: number | undefined;
}
