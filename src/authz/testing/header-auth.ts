import { Readable } from 'node:stream';
import type { AuthenticationResult } from '../../auth/types.js';
import type { Caller } from '../../identity/caller.js';

/**
 * What the authenticator hands the authorizer for a header-signed S3 request without a body (tests,
 * benches); temporary credentials bring their session's issue and MFA times, as the authenticator's do.
 */
export function headerSignedAuth(caller: Caller, now: Date = new Date()): AuthenticationResult {
  const session = caller.kind === 'Anonymous' ? undefined : caller.session;
  const mfaAt = session?.mfaAuthenticatedAt;
  return {
    caller,
    service: 's3',
    region: 'us-east-1',
    facts: {
      authType: 'REST-HEADER',
      signatureVersion: 'AWS4-HMAC-SHA256',
      signatureAgeMs: 10,
      multiFactorAuthPresent: mfaAt !== undefined,
      multiFactorAuthAgeSeconds: mfaAt === undefined ? undefined : Math.floor((now.getTime() - mfaAt.getTime()) / 1000),
      tokenIssueTime: session?.issuedAt,
    },
    body: Readable.from([]),
    trailers: () => ({}),
    decodedContentLength: 0,
  };
}
