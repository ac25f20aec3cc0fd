import { createHmac } from 'node:crypto';
import { ANONYMOUS, type Caller } from '../identity/caller.js';
import { resolveAccessKey } from './access-key-check.js';
import { AuthFailure, s3AuthError } from './auth-errors.js';
import { parseAmzDate } from './amz-date.js';
import { parseCredential, validateScope, validateScopeDate } from './credential-scope.js';
import { checkPostConditions, type PostUploadFacts } from './post-policy-conditions.js';
import { parsePostPolicy, type PostPolicyDocument } from './post-policy-document.js';
import { SigningKeyCache, signaturesEqual } from './signing-key-cache.js';
import { isSigV2Form, verifySigV2PostPolicy } from './sigv2-post-policy.js';
import { ALGORITHM } from './sigv4-constants.js';
import { UNSIGNED_FACTS, type AuthFacts, type CredentialProvider } from './types.js';

export interface PostPolicyVerification {
  readonly caller: Caller;
  readonly facts: AuthFacts;
  /** Region of the credential scope; undefined for an anonymous (unsigned) POST. */
  readonly region: string | undefined;
  /** The decoded policy; undefined for an anonymous POST without one. */
  readonly policy: PostPolicyDocument | undefined;
  /** Enforces the policy's conditions once the form and the file size are known; throws the S3 error. */
  checkConditions(facts: PostUploadFacts): void;
}

const REQUIRED = ['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-signature', 'policy'] as const;

function missingField(name: string) {
  return s3AuthError('InvalidArgument', new AuthFailure('malformed-query', { service: 's3' }), {
    message: `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
    fields: { ArgumentName: name, ArgumentValue: '' },
  });
}

function lower(fields: Readonly<Record<string, string>>): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(fields)) m.set(k.toLowerCase(), v);
  return m;
}

/**
 * Browser-based upload with HTTP POST ("Authenticating Requests in Browser-Based Uploads Using POST
 * (AWS Signature Version 4)"): x-amz-signature = hex HMAC-SHA256(signing key of x-amz-credential,
 * the base64 `policy` field as sent). Verifies the signature, the key and the policy's expiration;
 * conditions are checked later by `checkConditions`, when the file has been read.
 */
export async function verifyPostPolicy(
  fields: Readonly<Record<string, string>>,
  credentials: CredentialProvider,
  now: Date,
  /** The regions the server serves (the first is named in errors); one name: that region only. */
  regions: string | readonly string[],
  options: { signingKeys?: SigningKeyCache; allowSigV2?: boolean } = {},
): Promise<PostPolicyVerification> {
  const f = lower(fields);
  if (isSigV2Form(f)) {
    if (options.allowSigV2 === true) return verifySigV2PostPolicy(f, credentials, now);
    // SigV2 forms are refused unless the server allows SigV2 (`--allow-sigv2`, sigv2-post-policy.ts).
    throw s3AuthError('InvalidRequest', new AuthFailure('unsupported-algorithm', { service: 's3' }), {
      message: 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
    });
  }
  if (!REQUIRED.some((name) => f.has(name))) return anonymousPost(f);
  for (const name of REQUIRED) if (!f.has(name)) throw missingField(name);
  const get = (name: (typeof REQUIRED)[number]) => f.get(name) ?? '';

  if (get('x-amz-algorithm') !== ALGORITHM) {
    throw s3AuthError('InvalidArgument', new AuthFailure('unsupported-algorithm', { service: 's3' }), {
      message: 'Invalid argument.',
      fields: { ArgumentName: 'x-amz-algorithm', ArgumentValue: get('x-amz-algorithm') },
    });
  }
  const scope = parseCredential(get('x-amz-credential'), 'query');
  validateScope(scope, { services: ['s3'], regionsFor: () => (typeof regions === 'string' ? [regions] : regions) }, 'query');
  const amzDate = get('x-amz-date');
  if (parseAmzDate(amzDate) === undefined) {
    throw s3AuthError('InvalidArgument', new AuthFailure('bad-date', { service: 's3' }), {
      message: `Invalid Date: X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`,
      fields: { ArgumentName: 'x-amz-date', ArgumentValue: amzDate },
    });
  }
  validateScopeDate(scope, amzDate, 'query');

  const token = f.get('x-amz-security-token');
  const record = await resolveAccessKey(credentials, scope.accessKeyId, token, 's3', now);
  const keys = options.signingKeys ?? new SigningKeyCache(4);
  const signingKey = keys.get(record.secretAccessKey, scope.date, scope.region, 's3');
  const policyText = get('policy');
  const expected = createHmac('sha256', signingKey).update(policyText, 'utf8').digest('hex');
  if (!signaturesEqual(expected, get('x-amz-signature'))) {
    throw s3AuthError('SignatureDoesNotMatch', new AuthFailure('signature-mismatch', { service: 's3' }), {
      fields: { AWSAccessKeyId: scope.accessKeyId, StringToSign: policyText, SignatureProvided: get('x-amz-signature') },
    });
  }
  const policy = parsePostPolicy(policyText);
  if (now.getTime() > policy.expiration.getTime()) {
    throw s3AuthError('AccessDenied', new AuthFailure('expired', { service: 's3' }), { message: 'Invalid according to Policy: Policy expired.' });
  }
  const caller = record.caller.kind !== 'Anonymous' && record.caller.accessKeyId !== scope.accessKeyId ? { ...record.caller, accessKeyId: scope.accessKeyId } : record.caller;
  const mfaAt = record.mfaAuthenticatedAt;
  return {
    caller,
    region: scope.region,
    policy,
    facts: {
      authType: 'POST',
      signatureVersion: 'AWS4-HMAC-SHA256',
      signatureAgeMs: now.getTime() - (parseAmzDate(amzDate)?.getTime() ?? now.getTime()),
      multiFactorAuthPresent: mfaAt !== undefined,
      multiFactorAuthAgeSeconds: mfaAt === undefined ? undefined : Math.max(0, Math.floor((now.getTime() - mfaAt.getTime()) / 1000)),
      tokenIssueTime: record.tokenIssueTime,
    },
    checkConditions: (facts) => checkPostConditions(policy, facts),
  };
}

/** No signature fields at all: an anonymous upload (allowed only where the bucket grants public write). */
function anonymousPost(_fields: Map<string, string>): PostPolicyVerification {
  return {
    caller: ANONYMOUS,
    region: undefined,
    policy: undefined,
    facts: UNSIGNED_FACTS,
    checkConditions: () => {},
  };
}
