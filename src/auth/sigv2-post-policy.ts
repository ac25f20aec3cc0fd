/**
 * Browser-based uploads with a Signature Version 2 form (`--allow-sigv2`): `AWSAccessKeyId`,
 * `policy` and `signature` = Base64(HMAC-SHA1(secret, the base64 policy as sent)). The policy
 * document and its conditions are SigV4's (post-policy-document.ts, post-policy-conditions.ts).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/HTTPPOSTForms.html
 */
import { resolveAccessKey } from './access-key-check.js';
import { AuthFailure, s3AuthError } from './auth-errors.js';
import { checkPostConditions } from './post-policy-conditions.js';
import { parsePostPolicy } from './post-policy-document.js';
import type { PostPolicyVerification } from './post-policy.js';
import { signaturesEqual } from './signing-key-cache.js';
import { callerFor, sigV2Facts, sigV2SignatureMismatch } from './sigv2-authenticator.js';
import { sigV2Signature } from './sigv2-string-to-sign.js';
import type { CredentialProvider } from './types.js';

/** A form signed with SigV2: an `AWSAccessKeyId`, or a `signature` without SigV4's `x-amz-signature`. */
export function isSigV2Form(fields: ReadonlyMap<string, string>): boolean {
  return fields.has('awsaccesskeyid') || (fields.has('signature') && !fields.has('x-amz-signature'));
}

/** Field names as the page spells them, for the error naming a missing one. */
const REQUIRED = [
  ['awsaccesskeyid', 'AWSAccessKeyId'],
  ['policy', 'policy'],
  ['signature', 'Signature'],
] as const;

/**
 * "Each form field that you specify in the form (except AWSAccessKeyId, signature, file, policy, and
 * field names that have an x-ignore- prefix) must be included in the list of conditions."
 */
const UNCONDITIONED_V2_FIELDS = new Set(['awsaccesskeyid', 'signature']);

/**
 * Verifies a SigV2 form: all three fields present (S3's InvalidArgument naming the missing one), the
 * key (InvalidAccessKeyId; a session key with its `x-amz-security-token` field), the signature
 * (SignatureDoesNotMatch, whose StringToSign is the policy), then the policy's expiration.
 */
export async function verifySigV2PostPolicy(
  lowerCaseFields: ReadonlyMap<string, string>,
  credentials: CredentialProvider,
  now: Date,
): Promise<PostPolicyVerification> {
  for (const [name, spelled] of REQUIRED) {
    if (lowerCaseFields.has(name)) continue;
    throw s3AuthError('InvalidArgument', new AuthFailure('malformed-query', { service: 's3' }), {
      message:
        `Bucket POST must contain a field named '${spelled}'.  ` +
        'If it is specified, please check the order of the fields.',
      fields: { ArgumentName: spelled, ArgumentValue: '' },
    });
  }
  const accessKeyId = lowerCaseFields.get('awsaccesskeyid') as string;
  const policyText = lowerCaseFields.get('policy') as string;
  const provided = lowerCaseFields.get('signature') as string;
  const token = lowerCaseFields.get('x-amz-security-token');
  const record = await resolveAccessKey(credentials, accessKeyId, token, 's3', now);
  if (!signaturesEqual(sigV2Signature(record.secretAccessKey, policyText), provided)) {
    throw sigV2SignatureMismatch(accessKeyId, policyText, provided);
  }
  const policy = parsePostPolicy(policyText);
  if (now.getTime() > policy.expiration.getTime()) {
    throw s3AuthError('AccessDenied', new AuthFailure('expired', { service: 's3' }), {
      message: 'Invalid according to Policy: Policy expired.',
    });
  }
  return {
    caller: callerFor(record, accessKeyId),
    // SigV2 names no region.
    region: undefined,
    policy,
    facts: sigV2Facts(record, 'POST', now),
    checkConditions: (facts) => {
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(facts.fields)) {
        if (!UNCONDITIONED_V2_FIELDS.has(k.toLowerCase())) fields[k] = v;
      }
      checkPostConditions(policy, { ...facts, fields });
    },
  };
}
