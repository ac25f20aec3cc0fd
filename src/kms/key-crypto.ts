import { openBlob, readBlobHeader, sealBlob } from './ciphertext-blob.js';
import type { EncryptionContext } from './encryption-context.js';
import { disabled, keyNotFound, kmsError, pendingDeletion } from './kms-errors.js';
import type { KeyDirectory } from './key-directory.js';
import type { KeyMaterial } from './key-types.js';
import type { LoadedKey } from './loaded-key.js';

/**
 * Symmetric encryption under a KMS key: Encrypt and GenerateDataKey seal under the key's current
 * material; Decrypt finds the key and the material version in the blob, so ciphertexts made before
 * a rotation still decrypt. A key that is not Enabled refuses both.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
 */

/** DisabledException / KMSInvalidStateException for a key that cannot be used for cryptography now. */
export function assertUsable(key: LoadedKey): void {
  if (key.record.state === 'Disabled') throw disabled(key.arn);
  if (key.record.state === 'PendingDeletion') throw pendingDeletion(key.arn);
}

export interface Sealed {
  readonly blob: Buffer;
  readonly material: KeyMaterial;
}

export function encryptUnder(key: LoadedKey, plaintext: Buffer, context: EncryptionContext): Sealed {
  assertUsable(key);
  const m = key.current;
  return {
    blob: sealBlob(plaintext, m.key, { keyId: key.record.keyId, materialVersion: m.version }, context),
    material: m,
  };
}

export function invalidCiphertext(): Error {
  return kmsError('InvalidCiphertextException');
}

/** The key a ciphertext blob names (before authorization: the check is on that key). */
export async function keyOfBlob(directory: KeyDirectory, blob: Buffer): Promise<LoadedKey> {
  const header = readBlobHeader(blob);
  if (header === undefined) throw invalidCiphertext();
  const key = await directory.byId(header.keyId);
  // The key was deleted (its waiting period ended): nothing can decrypt the blob any more.
  if (!key) throw keyNotFound(header.keyId);
  return key;
}

export interface Opened {
  readonly plaintext: Buffer;
  readonly material: KeyMaterial;
}

/** The plaintext of a blob made under `key`; InvalidCiphertextException when it was altered or the context differs. */
export function decryptUnder(key: LoadedKey, blob: Buffer, context: EncryptionContext): Opened {
  assertUsable(key);
  const header = readBlobHeader(blob);
  if (header === undefined || header.keyId !== key.record.keyId) throw kmsError('IncorrectKeyException');
  const material = key.materials.get(header.materialVersion);
  if (material === undefined) throw invalidCiphertext();
  const plaintext = openBlob(blob, material.key, context);
  if (plaintext === undefined) throw invalidCiphertext();
  return { plaintext, material };
}
