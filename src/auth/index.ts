/** Public API of the SigV4 authentication layer. */
export { authenticate, type AuthenticateDeps } from './authenticate.js';
export { Authenticator, type AuthenticatorOptions } from './authenticator.js';
export { SigningKeyCache } from './signing-key-cache.js';
export {
  S3_AUTH_ERRORS,
  AuthFailure,
  authErrorService,
  authFailureOf,
  missingAuthenticationToken,
  type AuthFailureReason,
  type S3AuthErrorCode,
} from './auth-errors.js';
export { toQueryProtocolAuthError } from './query-auth-errors.js';
export { verifyPostPolicy, type PostPolicyVerification } from './post-policy.js';
export type { PostUploadFacts } from './post-policy-conditions.js';
export type { PostPolicyDocument, PolicyCondition } from './post-policy-document.js';
export type * from './types.js';
