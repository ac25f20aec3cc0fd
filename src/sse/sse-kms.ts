/**
 * What SSE-KMS needs from the KMS (src/kms/key-service.ts implements it): S3 calls KMS on the caller's
 * behalf, so the S3 operation resolves the key when it is routed and declares the kms:* check the
 * caller must pass (`kms:GenerateDataKey` to write, `kms:Decrypt` to read, with the key policy as the
 * check's resource policy), then the handler asks for or opens the object's data key.
 * https://docs.aws.amazon.com/kms/latest/developerguide/services-s3.html
 */
import type { AuthzCheck } from '../server/protocol.js';

export type SseEncryptionContext = Readonly<Record<string, string>>;

/** A KMS key as resolved for an S3 request. */
export interface SseKmsKey {
  /** The key's ARN: what an object records and S3 reports (`x-amz-server-side-encryption-aws-kms-key-id`). */
  readonly arn: string;
  readonly accountId: string;
}

export interface SseKmsCheckInput {
  readonly action: 'kms:GenerateDataKey' | 'kms:Decrypt';
  /** kms:CallerAccount. */
  readonly callerAccount: string;
  /** Becomes kms:EncryptionContext:<key> (aws:s3:arn …). */
  readonly encryptionContext: SseEncryptionContext;
}

export interface SseKms<K extends SseKmsKey = SseKmsKey> {
  /**
   * The key a key id, key ARN, alias name or alias ARN names in `accountId` (undefined: that account's
   * `aws/s3` key); rejects with S3's `KMS.NotFoundException` (400) when there is none.
   */
  resolveKey(input: { readonly keyId: string | undefined; readonly accountId: string }): Promise<K>;
  /** The check an S3 request declares for using `key` on the caller's behalf. */
  s3Check(key: K, input: SseKmsCheckInput): AuthzCheck;
  /** A fresh data key under the key; a disabled or pending-deletion key rejects with S3's KMS error. */
  generateDataKey(input: {
    readonly keyId: string | undefined;
    readonly accountId: string;
    readonly context: SseEncryptionContext;
  }): Promise<{ readonly keyArn: string; readonly plaintext: Buffer; readonly ciphertextBlob: string }>;
  /** The data key an object's wrapped key holds; a disabled or pending-deletion key rejects with S3's KMS error. */
  decryptDataKey(input: { readonly ciphertextBlob: string; readonly context: SseEncryptionContext; readonly keyArn?: string }): Promise<Buffer>;
}
