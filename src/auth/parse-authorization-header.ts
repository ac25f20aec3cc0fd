import { AuthFailure, s3AuthError } from './auth-errors.js';
import { ALGORITHM } from './sigv4-constants.js';

export interface ParsedAuthorization {
  readonly credential: string;
  readonly signedHeaders: string;
  readonly signature: string;
}

const UNSUPPORTED_MECHANISM = 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.';

/**
 * `AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=hex`.
 * Every malformed part gets the error S3 gives it.
 */
export function parseAuthorizationHeader(header: string): ParsedAuthorization {
  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM) {
    // SigV2 ("AWS AKID:sig") reaches here only when the server does not allow it (`--allow-sigv2`,
    // sigv2-authenticator.ts): refused as a bucket that does not support SigV2 refuses it. SigV4a is
    // not implemented.
    if (algorithm === 'AWS' || algorithm === 'AWS4-ECDSA-P256-SHA256') {
      throw s3AuthError('InvalidRequest', new AuthFailure('unsupported-algorithm', { authorization: header }), {
        message: UNSUPPORTED_MECHANISM,
      });
    }
    throw s3AuthError('InvalidArgument', new AuthFailure('unsupported-algorithm', { authorization: header }), {
      message: 'Unsupported Authorization Type',
      fields: { ArgumentName: 'Authorization', ArgumentValue: header },
    });
  }
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  for (const rawComponent of header.slice(space + 1).split(',')) {
    const component = rawComponent.trim();
    if (component === '') continue;
    const eq = component.indexOf('=');
    const key = eq < 0 ? '' : component.slice(0, eq);
    const value = eq < 0 ? '' : component.slice(eq + 1);
    if (key === 'Credential') credential = value;
    else if (key === 'SignedHeaders') signedHeaders = value;
    else if (key === 'Signature') signature = value;
    else {
      const service = credential?.split('/')[3];
      throw s3AuthError('AuthorizationHeaderMalformed', new AuthFailure('malformed-authorization', { service, authorization: header }), {
        message: `The authorization header is malformed; the authorization component "${component}" is malformed.`,
      });
    }
  }
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw s3AuthError('AuthorizationHeaderMalformed', new AuthFailure('malformed-authorization', { service: credential?.split('/')[3], authorization: header }), {
      message: 'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.',
    });
  }
  return { credential, signedHeaders, signature };
}

/** `host;x-amz-date` → lower-case names; S3 matches header names case-insensitively. */
export function splitSignedHeaders(signedHeaders: string): string[] {
  return signedHeaders.split(';').map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
}
