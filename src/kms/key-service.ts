import { randomBytes } from 'node:crypto';
import { isServiceError } from '../errors/service-error.js';
import type { AuthzCheck, ResourcePolicyRef } from '../server/protocol.js';
import { contextConditionKeys, type EncryptionContext } from './encryption-context.js';
import { decryptUnder, encryptUnder, keyOfBlob } from './key-crypto.js';
import type { KeyDirectory } from './key-directory.js';
import { kmsError, s3ErrorForKms } from './kms-errors.js';
import type { KeyManager, KeyState } from './key-types.js';
import type { LoadedKey } from './loaded-key.js';

/**
 * What S3 needs from KMS for SSE-KMS, in-process (S3 calls KMS "on the caller's behalf"):
 *
 * - in routing, before the handler runs: `resolveKey` names the key (undefined → the account's
 *   `aws/s3` key, created on first use) and `s3Check` builds the extra AuthzCheck the S3 operation
 *   declares: `kms:GenerateDataKey` to write, `kms:Decrypt` to read, on the key ARN, with the key
 *   policy as resource policy and kms:ViaService = `s3.<region>.amazonaws.com`, so a key policy that
 *   denies a user kms:Decrypt makes the object unreadable to that user (AccessDenied from S3);
 * - in the handler: `generateDataKey` / `decryptDataKey`.
 *
 * Failures are already S3's: `KMS.NotFoundException`, `KMS.DisabledException` (a disabled key),
 * `KMS.KMSInvalidStateException` (pending deletion), `KMS.InvalidCiphertextException`, all HTTP 400.
 * https://docs.aws.amazon.com/kms/latest/developerguide/services-s3.html
 */

export interface ResolvedKmsKey {
  readonly keyId: string;
  /** What the object records and S3 reports (`x-amz-server-side-encryption-aws-kms-key-id`). */
  readonly arn: string;
  readonly accountId: string;
  readonly state: KeyState;
  readonly keyManager: KeyManager;
  /** The key policy, as the resource policy of the S3 request's kms:* check. */
  readonly policyRef: ResourcePolicyRef;
  /** The key's condition keys (kms:KeySpec…, kms:ResourceAliases, aws:ResourceTag/*), for the check. */
  readonly conditionKeys: Readonly<Record<string, string | readonly string[]>>;
}

export interface ResolveKeyInput {
  /** Key id, key ARN, alias name or alias ARN, as the request or the bucket gives it; undefined → `aws/s3`. */
  readonly keyId: string | undefined;
  /** The account whose key ids and aliases `keyId` is read in (and whose `aws/s3` key is used). */
  readonly accountId: string;
}

export interface S3CheckInput {
  readonly action: 'kms:GenerateDataKey' | 'kms:Decrypt';
  /** The caller's account (kms:CallerAccount). */
  readonly callerAccount: string;
  /** The encryption context S3 binds (kms:EncryptionContext:aws:s3:arn …). */
  readonly encryptionContext: EncryptionContext;
}

export interface GenerateDataKeyInput {
  /** Usually the resolved key's ARN; any reference `resolveKey` accepts. */
  readonly keyId: string | undefined;
  readonly accountId: string;
  readonly context: EncryptionContext;
}

export interface GeneratedDataKey {
  readonly keyArn: string;
  /** 32 bytes (AES-256): encrypt the object with it, then forget it. */
  readonly plaintext: Buffer;
  /** Base64 of the CiphertextBlob: store it with the object (ObjectEncryption.wrappedDataKey). */
  readonly ciphertextBlob: string;
}

export interface DecryptDataKeyInput {
  readonly ciphertextBlob: string;
  /** The context the data key was generated with. */
  readonly context: EncryptionContext;
  /** The key ARN the object records, when known: a blob made under another key is KMS.IncorrectKeyException. */
  readonly keyArn?: string;
}

export class KeyService {
  constructor(private readonly directory: KeyDirectory) {}

  /** The key; `KMS.NotFoundException` when nothing has that name. Keys of other accounts by ARN. */
  async resolveKey(input: ResolveKeyInput): Promise<ResolvedKmsKey> {
    return resolved(await this.load(input));
  }

  /** The key, or undefined when nothing has that name (S3 may prefer to answer after its own checks). */
  async findKey(input: ResolveKeyInput): Promise<ResolvedKmsKey | undefined> {
    try {
      return resolved(await this.load(input));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** The kms:* check an S3 request declares for its key (S3 acting for the caller: kms:ViaService). */
  s3Check(key: ResolvedKmsKey, input: S3CheckInput): AuthzCheck {
    return {
      action: input.action,
      resource: key.arn,
      resourceAccount: key.accountId,
      context: {
        ...key.conditionKeys,
        'kms:CallerAccount': input.callerAccount,
        'kms:ViaService': `s3.${this.directory.region}.amazonaws.com`,
        'kms:EncryptionAlgorithm': 'SYMMETRIC_DEFAULT',
        ...contextConditionKeys(input.encryptionContext),
      },
      resourcePolicy: key.policyRef,
    };
  }

  /** A fresh 256-bit data key and its CiphertextBlob under the KMS key. */
  async generateDataKey(input: GenerateDataKeyInput): Promise<GeneratedDataKey> {
    try {
      const key = await this.load({ keyId: input.keyId, accountId: input.accountId });
      const plaintext = randomBytes(32);
      const sealed = encryptUnder(key, plaintext, input.context);
      return { keyArn: key.arn, plaintext, ciphertextBlob: sealed.blob.toString('base64') };
    } catch (e) {
      throw s3ErrorForKms(e);
    }
  }

  /** The data key a CiphertextBlob wraps; works across rotations of the KMS key. */
  async decryptDataKey(input: DecryptDataKeyInput): Promise<Buffer> {
    try {
      const blob = Buffer.from(input.ciphertextBlob, 'base64');
      const key = await keyOfBlob(this.directory, blob);
      if (input.keyArn !== undefined && input.keyArn !== key.arn) throw kmsError('IncorrectKeyException');
      return decryptUnder(key, blob, input.context).plaintext;
    } catch (e) {
      throw s3ErrorForKms(e);
    }
  }

  private async load(input: ResolveKeyInput): Promise<LoadedKey> {
    try {
      if (input.keyId === undefined) return await this.directory.awsManagedKey(input.accountId, 'alias/aws/s3');
      return (await this.directory.find(input.keyId, { accountId: input.accountId, crossAccount: true })).key;
    } catch (e) {
      throw s3ErrorForKms(e);
    }
  }
}

function resolved(key: LoadedKey): ResolvedKmsKey {
  const r = key.record;
  return {
    keyId: r.keyId,
    arn: key.arn,
    accountId: r.accountId,
    state: r.state,
    keyManager: r.keyManager,
    policyRef: key.policyRef,
    conditionKeys: key.conditionKeys,
  };
}

function isNotFound(e: unknown): boolean {
  return isServiceError(e) && e.code === 'KMS.NotFoundException';
}
