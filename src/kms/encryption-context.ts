/**
 * Encryption context: non-secret key–value pairs bound to a ciphertext as additional authenticated
 * data. Decrypt must be given the same pairs (in any order), or it fails with
 * InvalidCiphertextException. The pairs also become the kms:EncryptionContext:<key> and
 * kms:EncryptionContextKeys condition keys.
 * https://docs.aws.amazon.com/kms/latest/developerguide/encrypt_context.html
 */

export type EncryptionContext = Readonly<Record<string, string>>;

export const EMPTY_CONTEXT: EncryptionContext = Object.freeze({});

/** The context's canonical bytes (pairs sorted by key), so the order a client sends does not matter. */
export function canonicalContext(context: EncryptionContext): Buffer {
  const pairs = Object.keys(context)
    .sort()
    .map((k) => [k, context[k]]);
  return Buffer.from(JSON.stringify(pairs), 'utf8');
}

/**
 * The condition keys of a request that carries an encryption context:
 * `kms:EncryptionContext:<key>` per pair and the multivalued `kms:EncryptionContextKeys`.
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context
 */
export function contextConditionKeys(context: EncryptionContext): Record<string, string | readonly string[]> {
  const keys = Object.keys(context);
  const out: Record<string, string | readonly string[]> = {};
  if (keys.length === 0) return out;
  out['kms:EncryptionContextKeys'] = keys;
  for (const k of keys) out[`kms:EncryptionContext:${k}`] = context[k];
  return out;
}
