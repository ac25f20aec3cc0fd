/**
 * Where CloudTrail keeps secrets out of an event (issue #16): one table, one rule per field, each with
 * the AWS page whose event example shows it. The record carries responses unredacted; only the event
 * applies this table, so no other consumer of the record (metrics, access logs) depends on it.
 */

/** The literal AWS writes in place of a hidden value. */
export const HIDDEN_DUE_TO_SECURITY_REASONS = 'HIDDEN_DUE_TO_SECURITY_REASONS';

export type RedactedSection = 'requestParameters' | 'responseElements';

/**
 * `omit`: the field is absent from the event (AWS's usual way for IAM/STS secrets).
 * `hide`: the field stays with the value HIDDEN_DUE_TO_SECURITY_REASONS.
 * `nullSection`: the whole section is `null` (KMS cryptographic results, ChangePassword).
 */
export type RedactionAction = 'omit' | 'hide' | 'nullSection';

export interface RedactionRule {
  /** `record.service`; `*` for every operation of the service. */
  readonly service: string;
  readonly operations: readonly string[] | '*';
  readonly section: RedactedSection;
  readonly action: RedactionAction;
  /** Dotted path in the section (`credentials.secretAccessKey`); none for `nullSection`. */
  readonly path?: string;
  /** The AWS page that shows it, or `decision:` and why. */
  readonly source: string;
}

const IAM_CT = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html';
const KMS_CT = 'https://docs.aws.amazon.com/kms/latest/developerguide/ct-decrypt.html (and ct-encrypt, ct-generatedatakey)';
const STS_CREDENTIAL_OPERATIONS = [
  'AssumeRole', 'AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML', 'AssumeRoot', 'GetSessionToken', 'GetFederationToken',
];
const KMS_NULL_RESPONSE_OPERATIONS = [
  'Encrypt', 'Decrypt', 'ReEncrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext', 'GenerateRandom',
];

export const REDACTION_RULES: readonly RedactionRule[] = [
  // IAM: the secret of a new key never reaches the log; the example shows accessKeyId, status, userName.
  { service: 'iam', operations: ['CreateAccessKey'], section: 'responseElements', action: 'omit',
    path: 'accessKey.secretAccessKey', source: IAM_CT },
  { service: 'iam', operations: ['CreateLoginProfile', 'UpdateLoginProfile'], section: 'requestParameters',
    action: 'omit', path: 'password', source: IAM_CT },
  // ChangePassword events show `"requestParameters": null` (its only parameters are the two passwords).
  { service: 'iam', operations: ['ChangePassword'], section: 'requestParameters', action: 'nullSection',
    source: `${IAM_CT} (ChangePassword event: requestParameters null, responseElements null)` },
  { service: 'iam', operations: ['CreateVirtualMFADevice'], section: 'responseElements', action: 'omit',
    path: 'virtualMFADevice.base32StringSeed', source: IAM_CT },
  { service: 'iam', operations: ['CreateVirtualMFADevice'], section: 'responseElements', action: 'omit',
    path: 'virtualMFADevice.qRCodePNG', source: IAM_CT },
  // decision: one-time codes are short-lived but still authenticators; AWS examples list serialNumber only.
  { service: 'iam', operations: ['EnableMFADevice', 'ResyncMFADevice'], section: 'requestParameters', action: 'omit',
    path: 'authenticationCode1', source: `${IAM_CT}; decision` },
  { service: 'iam', operations: ['EnableMFADevice', 'ResyncMFADevice'], section: 'requestParameters', action: 'omit',
    path: 'authenticationCode2', source: `${IAM_CT}; decision` },
  // STS: the event keeps accessKeyId, sessionToken and expiration; the secret key is absent.
  { service: 'sts', operations: STS_CREDENTIAL_OPERATIONS, section: 'responseElements', action: 'omit',
    path: 'credentials.secretAccessKey', source: IAM_CT },
  { service: 'sts', operations: ['AssumeRoleWithWebIdentity'], section: 'requestParameters', action: 'omit',
    path: 'webIdentityToken', source: IAM_CT },
  { service: 'sts', operations: ['AssumeRoleWithSAML'], section: 'requestParameters', action: 'omit',
    path: 'sAMLAssertion', source: IAM_CT },
  { service: 'sts', operations: ['AssumeRole', 'GetSessionToken'], section: 'requestParameters', action: 'omit',
    path: 'tokenCode', source: `${IAM_CT}; decision: examples show serialNumber, never the code` },
  // KMS: no plaintext, ciphertext or data key in the event; responseElements is null.
  { service: 'kms', operations: KMS_NULL_RESPONSE_OPERATIONS, section: 'responseElements', action: 'nullSection',
    source: KMS_CT },
  { service: 'kms', operations: ['Encrypt'], section: 'requestParameters', action: 'omit', path: 'plaintext',
    source: KMS_CT },
  { service: 'kms', operations: ['Decrypt', 'ReEncrypt'], section: 'requestParameters', action: 'omit',
    path: 'ciphertextBlob', source: KMS_CT },
  // S3 SSE-C: the customer key is a header S3 takes as a request parameter; its MD5 and algorithm stay.
  { service: 's3', operations: '*', section: 'requestParameters', action: 'hide',
    path: 'x-amz-server-side-encryption-customer-key',
    source: 'decision: AWS publishes no SSE-C event example; hidden with the marker AWS uses for secrets' },
  { service: 's3', operations: '*', section: 'requestParameters', action: 'hide',
    path: 'x-amz-copy-source-server-side-encryption-customer-key', source: 'decision: as above' },
];

type Section = Readonly<Record<string, unknown>> | null;

/** Applies every rule of `rules` that names this operation to one section of the event. */
export function redactSection(
  input: { service: string; operation: string; section: RedactedSection; value: Section },
  rules: readonly RedactionRule[] = REDACTION_RULES,
): Section {
  let value = input.value;
  for (const rule of rules) {
    if (value === null) return null;
    if (rule.service !== input.service || rule.section !== input.section) continue;
    if (rule.operations !== '*' && !rule.operations.includes(input.operation)) continue;
    if (rule.action === 'nullSection') return null;
    if (rule.path !== undefined) value = rewriteAt(value, rule.path.split('.'), rule.action);
  }
  return value;
}

/** A copy of `obj` with the field at `path` omitted or hidden; `obj` itself is not changed. */
function rewriteAt(obj: Readonly<Record<string, unknown>>, path: string[], action: 'omit' | 'hide'):
Readonly<Record<string, unknown>> {
  const [head, ...rest] = path;
  if (!Object.prototype.hasOwnProperty.call(obj, head)) return obj;
  const copy: Record<string, unknown> = { ...obj };
  if (rest.length === 0) {
    if (action === 'omit') delete copy[head];
    else copy[head] = HIDDEN_DUE_TO_SECURITY_REASONS;
    return copy;
  }
  const child = obj[head];
  if (child === null || typeof child !== 'object' || Array.isArray(child)) return obj;
  copy[head] = rewriteAt(child as Record<string, unknown>, rest, action);
  return copy;
}
