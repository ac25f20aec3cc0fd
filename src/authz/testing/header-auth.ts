import { Readable } from 'node:stream';
import type { AuthenticationResult } from '../../auth/types.js';
import type { Caller } from '../../identity/caller.js';

/** What the authenticator hands the authorizer for a header-signed S3 request without a body (tests, benches). */
export function headerSignedAuth(caller: Caller): AuthenticationResult {
  return {
    caller,
    service: 's3',
    region: 'us-east-1',
    facts: { authType: 'REST-HEADER', signatureVersion: 'AWS4-HMAC-SHA256', signatureAgeMs: 10, multiFactorAuthPresent: false, multiFactorAuthAgeSeconds: undefined, tokenIssueTime: undefined },
    body: Readable.from([]),
    trailers: () => ({}),
    decodedContentLength: 0,
  };
}
