/**
 * The server-side encryption headers of S3 requests, read and checked with AWS's errors:
 * `x-amz-server-side-encryption` (AES256 | aws:kms | aws:kms:dsse), `-aws-kms-key-id`, `-context`,
 * `-bucket-key-enabled` on writes, and the SSE-C trio `-customer-algorithm`, `-customer-key`,
 * `-customer-key-MD5` (and their `x-amz-copy-source-` forms for a copy's source).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-s3-c-encryption.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
 * The messages are those S3 answers with, as clients have recorded them.
 */
import { createHash } from 'node:crypto';
import { s3Error } from './errors.js';

export const SSE_HEADER = 'x-amz-server-side-encryption';
export const SSE_KMS_KEY_HEADER = 'x-amz-server-side-encryption-aws-kms-key-id';
export const SSE_CONTEXT_HEADER = 'x-amz-server-side-encryption-context';
export const SSE_BUCKET_KEY_HEADER = 'x-amz-server-side-encryption-bucket-key-enabled';
export const SSE_C_PREFIX = 'x-amz-server-side-encryption-customer-';
export const COPY_SOURCE_SSE_C_PREFIX = 'x-amz-copy-source-server-side-encryption-customer-';

type HeaderReader = (name: string) => string | undefined;

/** A customer-provided key (SSE-C), checked: 32 bytes whose MD5 the client sent. */
export interface CustomerKey {
  readonly key: Buffer;
  /** Base64 MD5 of the key, as the client sent it and S3 echoes it. */
  readonly keyMd5: string;
}

/** What a write asks for. `Default`: no encryption header, the bucket's default encryption applies. */
export type WriteEncryption =
  | { readonly kind: 'Default'; readonly bucketKeyEnabled?: boolean }
  | { readonly kind: 'SSE-S3'; readonly bucketKeyEnabled?: boolean }
  | {
      readonly kind: 'SSE-KMS';
      readonly algorithm: 'aws:kms' | 'aws:kms:dsse';
      readonly keyId?: string;
      /** The additional encryption context, decoded; `contextHeader` as sent (echoed on write responses). */
      readonly context?: Readonly<Record<string, string>>;
      readonly contextHeader?: string;
      readonly bucketKeyEnabled?: boolean;
    }
  | { readonly kind: 'SSE-C'; readonly customer: CustomerKey };

const SSE_C = 'Requests specifying Server Side Encryption with Customer provided keys';

/** InvalidArgument for an SSE-C parameter, with the argument S3 names (ArgumentName x-amz-server-side-encryption). */
function sseCArgument(message: string) {
  return s3Error('InvalidArgument', { message, fields: { ArgumentName: SSE_HEADER, ArgumentValue: 'null' } });
}

/**
 * The SSE-C trio under `prefix`; undefined when none of the three is present. AWS: "You must use
 * HTTPS when specifying SSE-C headers on your requests. Amazon S3 rejects any requests made over HTTP
 * when using SSE-C" (ServerSideEncryptionCustomerKeys.html). The MD5 is checked before the key's
 * length, as S3 does.
 */
export function parseCustomerKey(
  header: HeaderReader,
  options: { readonly secure: boolean; readonly prefix?: string },
): CustomerKey | undefined {
  const prefix = options.prefix ?? SSE_C_PREFIX;
  const algorithm = header(`${prefix}algorithm`);
  const key = header(`${prefix}key`);
  const keyMd5 = header(`${prefix}key-md5`);
  if (algorithm === undefined && key === undefined && keyMd5 === undefined) return undefined;
  if (!options.secure) throw s3Error('InvalidRequest', { message: `${SSE_C} must be made over a secure connection.` });
  if (algorithm === undefined) {
    throw sseCArgument(`${SSE_C} must provide a valid encryption algorithm.`);
  }
  if (algorithm !== 'AES256') {
    throw s3Error('InvalidEncryptionAlgorithmError', { fields: { ArgumentName: SSE_HEADER, ArgumentValue: algorithm } });
  }
  if (key === undefined) {
    throw sseCArgument(`${SSE_C} must provide an appropriate secret key.`);
  }
  if (keyMd5 === undefined) {
    throw sseCArgument(`${SSE_C} must provide the client calculated MD5 of the secret key.`);
  }
  const raw = /^[A-Za-z0-9+/]*={0,2}$/.test(key) ? Buffer.from(key, 'base64') : Buffer.alloc(0);
  if (createHash('md5').update(raw).digest('base64') !== keyMd5) {
    throw sseCArgument('The calculated MD5 hash of the key did not match the hash that was provided.');
  }
  if (raw.length !== 32) throw sseCArgument('The secret key was invalid for the specified algorithm.');
  return { key: raw, keyMd5 };
}

/** The encryption a write (PutObject, CopyObject's target, CreateMultipartUpload, PostObject) asks for. */
export function parseWriteEncryption(header: HeaderReader, options: { secure: boolean }): WriteEncryption {
  const sse = header(SSE_HEADER);
  const customerHeaders = ['algorithm', 'key', 'key-md5'].some((n) => header(SSE_C_PREFIX + n) !== undefined);
  if (sse !== undefined && customerHeaders) {
    throw s3Error('InvalidArgument', {
      message: 'Server Side Encryption with Customer provided key is incompatible with the encryption method specified',
      fields: { ArgumentName: SSE_HEADER, ArgumentValue: sse },
    });
  }
  const keyId = header(SSE_KMS_KEY_HEADER);
  const contextHeader = header(SSE_CONTEXT_HEADER);
  const bucketKeyEnabled = parseBucketKeyEnabled(header(SSE_BUCKET_KEY_HEADER));
  const kmsOnly = keyId !== undefined || contextHeader !== undefined;
  if (sse === 'aws:kms' || sse === 'aws:kms:dsse') {
    const context = contextHeader === undefined ? undefined : parseEncryptionContext(contextHeader);
    return { kind: 'SSE-KMS', algorithm: sse, keyId, context, contextHeader, bucketKeyEnabled };
  }
  if (sse !== undefined && sse !== 'AES256') {
    throw s3Error('InvalidArgument', {
      message: 'The encryption method specified is not supported',
      fields: { ArgumentName: SSE_HEADER, ArgumentValue: sse },
    });
  }
  if (kmsOnly) {
    throw s3Error('InvalidArgument', {
      message: 'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms',
      fields: { ArgumentName: SSE_HEADER, ArgumentValue: sse ?? 'null' },
    });
  }
  const customer = parseCustomerKey(header, { secure: options.secure });
  if (customer !== undefined) return { kind: 'SSE-C', customer };
  return sse === 'AES256' ? { kind: 'SSE-S3', bucketKeyEnabled } : { kind: 'Default', bucketKeyEnabled };
}

/**
 * Reads and UploadPart take no encryption method: "Encryption request headers, like
 * x-amz-server-side-encryption, should not be sent for the GetObject requests ... you'll get an HTTP
 * 400 Bad Request error" (GetObject; HeadObject: "the encryption method can't be changed when you
 * retrieve the object"); an UploadPart's encryption was fixed by CreateMultipartUpload.
 */
export function rejectEncryptionMethodHeaders(header: HeaderReader): void {
  for (const name of [SSE_HEADER, SSE_KMS_KEY_HEADER, SSE_CONTEXT_HEADER, SSE_BUCKET_KEY_HEADER]) {
    const value = header(name);
    if (value !== undefined) {
      throw s3Error('InvalidArgument', {
        message: `${name} header is not supported for this operation.`,
        fields: { ArgumentName: name, ArgumentValue: value },
      });
    }
  }
}

function parseBucketKeyEnabled(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === 'false') return v === 'true';
  throw s3Error('InvalidArgument', {
    message: 'Invalid value for header',
    fields: { ArgumentName: SSE_BUCKET_KEY_HEADER, ArgumentValue: value },
  });
}

/**
 * `x-amz-server-side-encryption-context`: "a Base64 encoded string of a UTF-8 encoded JSON, which
 * contains the encryption context as key-value pairs" (PutObject).
 */
export function parseEncryptionContext(value: string): Record<string, string> {
  const invalid = () =>
    s3Error('InvalidArgument', {
      message:
        "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON " +
        'which represents a string-string map',
      fields: { ArgumentName: SSE_CONTEXT_HEADER, ArgumentValue: value },
    });
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (!entries.every(([, v]) => typeof v === 'string')) throw invalid();
  return Object.fromEntries(entries) as Record<string, string>;
}
