import type { Readable } from 'node:stream';
import { Authenticator } from './authenticator.js';
import type { SigningKeyCache } from './signing-key-cache.js';
import type { AuthenticationResult, CredentialProvider, RawRequest } from './types.js';

export interface AuthenticateDeps {
  readonly credentials: CredentialProvider;
  readonly now: Date;
  /** The region this endpoint serves. */
  readonly region: string;
  /** Reuse derived signing keys across calls (a server should hold one, or one Authenticator). */
  readonly signingKeys?: SigningKeyCache;
}

/**
 * Authenticates one request (SigV4 header or presigned query; anonymous when neither is present).
 * Convenience form of `new Authenticator(...).authenticate(raw, body, now)`; a server should keep
 * one Authenticator so derived signing keys are cached.
 */
export function authenticate(raw: RawRequest, body: Readable, deps: AuthenticateDeps): Promise<AuthenticationResult> {
  const authenticator = new Authenticator({ credentials: deps.credentials, region: deps.region, signingKeys: deps.signingKeys });
  return authenticator.authenticate(raw, body, deps.now);
}
