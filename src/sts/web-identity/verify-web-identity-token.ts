import type { OidcProviderRow } from '../../iam/store/role-types.js';
import type { ContextValue } from '../../policy/request-context.js';
import { stsError } from '../sts-errors.js';
import { JwksError, type JwksSource } from './jwks-cache.js';
import {
  decodeJws,
  isJwsAlgorithm,
  jwkFitsAlgorithm,
  verifyJwsSignature,
  type DecodedJws,
  type Jwk,
  type JwsAlgorithm,
} from './jwt.js';

/**
 * Verifies the WebIdentityToken of sts:AssumeRoleWithWebIdentity against the role account's IAM OpenID
 * Connect providers, in the order AWS checks it, with AWS's error codes:
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
 *
 * 1. a compact JWS signed with an accepted algorithm          else InvalidIdentityToken
 * 2. `iss` names an OIDC provider of the role's account        else InvalidIdentityToken
 * 3. the issuer's keys can be fetched                          else IDPCommunicationError (unreachable)
 *                                                                 or InvalidIdentityToken (unusable answer)
 * 4. the signature verifies with the key the token names       else InvalidIdentityToken
 * 5. `exp` is after now                                        else ExpiredTokenException
 * 6. `nbf` and `iat` are not in the future (beyond the skew)   else InvalidIdentityToken
 * 7. the audience is one of the provider's client ids          else InvalidIdentityToken
 * 8. `sub` is present                                          else InvalidIdentityToken
 *
 * Pure but for the injected provider lookup and key source; the time comes in as `now`.
 */

/**
 * The algorithms AWS documents for web identity tokens: "Tokens must be signed using either RSA keys
 * (RS256, RS384, or RS512) or ECDSA keys (ES256, ES384, or ES512)" (AssumeRoleWithWebIdentity,
 * WebIdentityToken). jwt.ts also verifies PS256/384/512 and EdDSA; pass `algorithms` to accept them.
 */
export const AWS_WEB_IDENTITY_ALGORITHMS: readonly JwsAlgorithm[] = [
  'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512',
];

/** The botocore model's bounds of WebIdentityToken (`clientTokenType`). */
export const WEB_IDENTITY_TOKEN_MIN_LENGTH = 4;
export const WEB_IDENTITY_TOKEN_MAX_LENGTH = 20_000;

/** Tolerance for `nbf`/`iat` slightly ahead of our clock (issuer clock drift). */
export const DEFAULT_CLOCK_SKEW_SECONDS = 300;

/** Signatures tried for a token without `kid` before giving up (a JWKS may hold many keys). */
const MAX_KEYS_TRIED = 5;

/** GitHub Actions claims AWS offers as condition keys ("Available keys for AWS OIDC federation", GitHub tab). */
const GITHUB_ISSUER = 'token.actions.githubusercontent.com';
const GITHUB_CLAIM_KEYS = [
  'actor', 'actor_id', 'job_workflow_ref', 'repository', 'repository_id', 'repository_owner_id',
  'workflow', 'ref', 'environment', 'enterprise_id',
] as const;

/** AWS's own message texts, as STS returns them. */
const MESSAGES = {
  notJwt: 'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)',
  noKey: "Couldn't retrieve verification key from your identity provider,  please reference "
    + 'AssumeRoleWithWebIdentity documentation for requirements',
  audience: 'Incorrect token audience',
} as const;

export type OidcProviderLookup = Pick<OidcProviderRow, 'arn' | 'accountId' | 'url' | 'clientIds'>;

export interface VerifyWebIdentityTokenOptions {
  /**
   * The role account's OIDC provider whose URL is `url`: the token's `iss` without its scheme and
   * trailing slash, as IAM stores a provider URL (normalizeOidcProviderUrl).
   */
  readonly findProvider: (url: string) => Promise<OidcProviderLookup | undefined> | OidcProviderLookup | undefined;
  readonly jwks: JwksSource;
  readonly now: Date;
  readonly roleAccountId: string;
  readonly algorithms?: readonly JwsAlgorithm[];
  readonly clockSkewSeconds?: number;
}

export interface VerifiedWebIdentity {
  readonly providerArn: string;
  /** The provider's URL (`iss` without its scheme): the prefix of the condition keys. */
  readonly issuer: string;
  /**
   * The response's `Provider` element. The API reference says "the value of the iss field", but STS
   * returns the OIDC provider's ARN (as seen in real AssumeRoleWithWebIdentity responses).
   */
  readonly provider: string;
  /** `SubjectFromWebIdentityToken`. */
  readonly subject: string;
  /** The client id the token was accepted for: the response's `Audience`. */
  readonly audience: string;
  readonly amr?: readonly string[];
  readonly expiresAt: Date;
  readonly claims: Readonly<Record<string, unknown>>;
  /** Trust-policy condition keys this token contributes (`<issuer>:sub`, `aws:FederatedProvider`, ...). */
  readonly conditionKeys: Readonly<Record<string, ContextValue>>;
}

const invalid = (message?: string) => stsError('InvalidIdentityToken', message === undefined ? {} : { message });

export async function verifyWebIdentityToken(
  token: string,
  options: VerifyWebIdentityTokenOptions,
): Promise<VerifiedWebIdentity> {
  const jws = parseToken(token, options.algorithms ?? AWS_WEB_IDENTITY_ALGORITHMS);
  const iss = jws.payload.iss;
  if (typeof iss !== 'string' || iss === '') throw invalid('The token has no iss claim');
  const provider = await options.findProvider(issuerWithoutScheme(iss));
  if (provider === undefined || provider.accountId !== options.roleAccountId) {
    throw invalid(`No OpenIDConnect provider found in your account for ${iss}`);
  }
  await checkSignature(jws, iss, options);
  const expiresAt = checkTimes(jws.payload, options.now, options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS);
  const audience = acceptedAudience(jws.payload, provider.clientIds);
  const subject = jws.payload.sub;
  if (typeof subject !== 'string' || subject === '') throw invalid('The token has no sub claim');
  const amr = stringList(jws.payload.amr);
  const issuer = provider.url;
  return {
    providerArn: provider.arn,
    issuer,
    provider: provider.arn,
    subject,
    audience,
    ...(amr === undefined ? {} : { amr }),
    expiresAt,
    claims: jws.payload,
    conditionKeys: conditionKeysOf({ issuer, providerArn: provider.arn, audience, subject, amr, claims: jws.payload }),
  };
}

/** Steps 0–1: the model's length bounds, then a compact JWS whose algorithm we accept. */
function parseToken(token: string, algorithms: readonly JwsAlgorithm[]): DecodedJws {
  if (token.length < WEB_IDENTITY_TOKEN_MIN_LENGTH || token.length > WEB_IDENTITY_TOKEN_MAX_LENGTH) {
    const bound = token.length < WEB_IDENTITY_TOKEN_MIN_LENGTH
      ? `greater than or equal to ${WEB_IDENTITY_TOKEN_MIN_LENGTH}`
      : `less than or equal to ${WEB_IDENTITY_TOKEN_MAX_LENGTH}`;
    throw stsError('ValidationError', {
      message: "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: "
        + `Member must have length ${bound}`,
    });
  }
  let jws: DecodedJws;
  try {
    jws = decodeJws(token);
  } catch {
    throw invalid(MESSAGES.notJwt);
  }
  const alg = jws.header.alg;
  if (!isJwsAlgorithm(alg) || !algorithms.includes(alg)) throw invalid(`Unsupported token signing algorithm: ${alg}`);
  return jws;
}

/**
 * The provider URL an `iss` value names: without `https://` (or `http://` of a loopback issuer) and without
 * a trailing slash, which IAM drops from a provider URL too.
 */
export function issuerWithoutScheme(iss: string): string {
  return iss.replace(/^https?:\/\//i, '').replace(/\/+$/, '');
}

/** Steps 3–4: fetch the issuer's keys (refetching once for an unknown kid) and verify the signature. */
async function checkSignature(jws: DecodedJws, iss: string, options: VerifyWebIdentityTokenOptions): Promise<void> {
  const kid = jws.header.kid;
  let keys: readonly Jwk[];
  try {
    keys = await options.jwks.keysFor(iss, kid === undefined ? {} : { kid });
  } catch (e) {
    if (!(e instanceof JwksError)) throw e;
    // Deviation from AWS: STS's own split is undocumented (callers also see InvalidIdentityToken "Couldn't
    // retrieve verification key" for transient failures); we follow the model: IDPCommunicationError when
    // the issuer "could not be reached" (network error, timeout, 5xx, 429), InvalidIdentityToken otherwise.
    if (e.failure === 'Unreachable') throw stsError('IDPCommunicationError', { cause: e });
    throw invalid(MESSAGES.noKey);
  }
  const alg = jws.header.alg as JwsAlgorithm;
  const candidates = kid === undefined
    ? keys.filter((k) => jwkFitsAlgorithm(k, alg)).slice(0, MAX_KEYS_TRIED)
    : keys.filter((k) => k.kid === kid);
  if (candidates.length === 0) throw invalid(MESSAGES.noKey);
  const algorithms = options.algorithms ?? AWS_WEB_IDENTITY_ALGORITHMS;
  const outcomes = candidates.map((k) => verifyJwsSignature(jws, k, { algorithms }));
  if (outcomes.includes('Valid')) return;
  if (outcomes.every((o) => o === 'KeyMismatch')) {
    throw invalid(`The key ${kid ?? ''} cannot verify a ${alg} signature`);
  }
  throw invalid('The token signature is not valid');
}

/** A NumericDate claim: AWS wants "Timestamps in the token ... formatted as either an integer or a long integer". */
function numericDate(payload: Readonly<Record<string, unknown>>, claim: string): number | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(`The ${claim} claim is not an integer`);
  return value;
}

/** Steps 5–6. */
function checkTimes(payload: Readonly<Record<string, unknown>>, now: Date, skewSeconds: number): Date {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const exp = numericDate(payload, 'exp');
  if (exp === undefined) throw invalid('The token has no exp claim');
  if (nowSeconds >= exp) {
    throw stsError('ExpiredTokenException', {
      message: `Token expired: current date/time ${nowSeconds} must be before the expiration date/time ${exp}`,
    });
  }
  const nbf = numericDate(payload, 'nbf');
  if (nbf !== undefined && nbf > nowSeconds + skewSeconds) throw invalid('The token is not yet valid (nbf)');
  const iat = numericDate(payload, 'iat');
  if (iat !== undefined && iat > nowSeconds + skewSeconds) throw invalid('The token was issued in the future (iat)');
  return new Date(exp * 1000);
}

/** A claim that is a string or a list of strings, as a list; undefined when absent or of another shape. */
function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) return value;
  return undefined;
}

/**
 * Step 7. When the token has `azp` (authorized party), STS takes it as the audience, and the `aud` claim
 * becomes `<issuer>:oaud` ("Available keys for AWS OIDC federation", aud/oaud). Otherwise one of the
 * `aud` values (a string or a list) must be a client id of the provider.
 */
function acceptedAudience(payload: Readonly<Record<string, unknown>>, clientIds: readonly string[]): string {
  const aud = stringList(payload.aud);
  if (aud === undefined || aud.length === 0) throw invalid(MESSAGES.audience);
  const azp = payload.azp;
  if (azp !== undefined && typeof azp !== 'string') throw invalid(MESSAGES.audience);
  const candidates = azp !== undefined ? [azp] : aud;
  const match = candidates.find((a) => clientIds.includes(a));
  if (match === undefined) throw invalid(MESSAGES.audience);
  return match;
}

interface ConditionKeyInput {
  readonly issuer: string;
  readonly providerArn: string;
  readonly audience: string;
  readonly subject: string;
  readonly amr: readonly string[] | undefined;
  readonly claims: Readonly<Record<string, unknown>>;
}

/**
 * The request-context keys of an AssumeRoleWithWebIdentity call, for the role's trust policy:
 * `<issuer>:aud`, `:oaud`, `:sub`, `:amr` (multivalued), `:email`, the GitHub claims for GitHub's issuer,
 * and `aws:FederatedProvider` (the provider's ARN for an IAM OIDC provider).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 *   (#condition-keys-federatedprovider)
 */
export function conditionKeysOf(input: ConditionKeyInput): Record<string, ContextValue> {
  const { issuer, claims } = input;
  const keys: Record<string, ContextValue> = {
    'aws:FederatedProvider': input.providerArn,
    [`${issuer}:aud`]: input.audience,
    [`${issuer}:sub`]: input.subject,
  };
  const oaud = stringList(claims.aud);
  if (oaud !== undefined) keys[`${issuer}:oaud`] = oaud.length === 1 ? oaud[0]! : oaud;
  if (input.amr !== undefined) keys[`${issuer}:amr`] = input.amr;
  if (typeof claims.email === 'string') keys[`${issuer}:email`] = claims.email;
  if (issuer === GITHUB_ISSUER) {
    for (const claim of GITHUB_CLAIM_KEYS) {
      const value = claims[claim];
      if (typeof value === 'string') keys[`${issuer}:${claim}`] = value;
    }
  }
  return keys;
}
