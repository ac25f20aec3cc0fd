// CloudTrail log files and signed digest files, byte-compatible with what `aws cloudtrail validate-logs`
// checks. Digest structure:
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html
// Signing: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-custom-validation.html
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { constants as zlibConstants, gzip, gzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { digestFileKey, isoSeconds, logFileKey, type DigestKeyInput, type TrailLocation } from './trail-keys.js';

export const DIGEST_SIGNATURE_ALGORITHM = 'SHA256withRSA';
export const DIGEST_HASH_ALGORITHM = 'SHA-256';
/** S3 user metadata names (sent as `x-amz-meta-signature`, `x-amz-meta-signature-algorithm`). */
export const SIGNATURE_METADATA = 'signature';
export const SIGNATURE_ALGORITHM_METADATA = 'signature-algorithm';

/** An object as a trail writes it: key, stored (gzip) bytes, and S3 user metadata without `x-amz-meta-`. */
export interface TrailObject {
  readonly bucket: string;
  readonly key: string;
  readonly body: Buffer;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface DeliveredLogFile extends TrailObject {
  /** The uncompressed JSON: what the digest's hashValue covers. */
  readonly content: Buffer;
  readonly newestEventTime: string | null;
  readonly oldestEventTime: string | null;
}

export interface DigestLogFileEntry {
  readonly s3Bucket: string;
  readonly s3Object: string;
  readonly hashValue: string;
  readonly hashAlgorithm: typeof DIGEST_HASH_ALGORITHM;
  readonly newestEventTime: string | null;
  readonly oldestEventTime: string | null;
}

/** The digest document, fields in the order CloudTrail writes them. */
export interface DigestDocument {
  readonly awsAccountId: string;
  readonly digestStartTime: string;
  readonly digestEndTime: string;
  readonly digestS3Bucket: string;
  readonly digestS3Object: string;
  readonly digestPublicKeyFingerprint: string;
  readonly digestSignatureAlgorithm: typeof DIGEST_SIGNATURE_ALGORITHM;
  readonly newestEventTime: string | null;
  readonly oldestEventTime: string | null;
  readonly previousDigestS3Bucket: string | null;
  readonly previousDigestS3Object: string | null;
  readonly previousDigestHashValue: string | null;
  readonly previousDigestHashAlgorithm: typeof DIGEST_HASH_ALGORITHM | null;
  readonly previousDigestSignature: string | null;
  readonly logFiles: readonly DigestLogFileEntry[];
}

export interface SignedDigest extends TrailObject {
  readonly document: DigestDocument;
  /** The uncompressed JSON that was signed; the next digest hashes it for previousDigestHashValue. */
  readonly content: Buffer;
  readonly signature: string;
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The public key as ListPublicKeys' `Value` carries it and as the CLI loads it: PKCS #1 RSAPublicKey, DER. */
export function publicKeyDer(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'pkcs1', format: 'der' });
}

/**
 * The hex fingerprint digests name their key by. AWS does not document how it is computed; its 32 hex
 * digits have MD5's length, so we use MD5 of the PKCS #1 DER public key (the bytes ListPublicKeys
 * returns). The CLI only uses it as a lookup key, so any stable function would validate.
 */
export function publicKeyFingerprint(key: KeyObject): string {
  return createHash('md5').update(publicKeyDer(key)).digest('hex');
}

/** One event of a log file: its JSON as recorded and its eventTime. */
export interface LogFileRecord {
  readonly json: string;
  readonly eventTime: string;
}

/** A log file record of an event object (tests; the trail's own records come rendered). */
export function logFileRecord(event: Readonly<Record<string, unknown>>): LogFileRecord {
  return { json: JSON.stringify(event), eventTime: typeof event.eventTime === 'string' ? event.eventTime : '' };
}

const gzipAsync = promisify(gzip);

/**
 * Builds one gzip JSON log file `{"Records":[...]}` at CloudTrail's key, from the records' JSON as
 * recorded (no event is parsed or rendered again). Compressed on libuv's thread pool, at zlib's fastest
 * level: a file of 2,000 events is megabytes of JSON, which must not hold up the event loop, and the
 * trail's cost in CPU matters more than a few percent of its size.
 */
export async function buildLogFile(input: {
  readonly location: TrailLocation;
  readonly deliveredAt: Date;
  /** CloudTrail uses 16 random alphanumerics; injected so the caller owns randomness. */
  readonly uniqueString: string;
  readonly records: readonly LogFileRecord[];
}): Promise<DeliveredLogFile> {
  const content = Buffer.from(`{"Records":[${input.records.map((r) => r.json).join(',')}]}`);
  const times = input.records.map((r) => r.eventTime).filter((t) => t !== '').sort();
  const newest = times.at(-1) ?? null;
  const oldest = times[0] ?? null;
  return {
    bucket: input.location.bucket,
    key: logFileKey(input.location, input.deliveredAt, input.uniqueString),
    body: await gzipAsync(content, { level: zlibConstants.Z_BEST_SPEED }),
    metadata: {},
    content,
    newestEventTime: newest,
    oldestEventTime: oldest,
  };
}

/** The digest's entry for a log file: SHA-256 of the *uncompressed* content (the CLI inflates, then hashes). */
export function digestLogFileEntry(log: DeliveredLogFile): DigestLogFileEntry {
  return {
    s3Bucket: log.bucket,
    s3Object: log.key,
    hashValue: sha256Hex(log.content),
    hashAlgorithm: DIGEST_HASH_ALGORITHM,
    newestEventTime: log.newestEventTime,
    oldestEventTime: log.oldestEventTime,
  };
}

/** The data-to-sign string the custom-validation page documents (the CLI rebuilds it the same way). */
export function digestStringToSign(doc: Pick<DigestDocument, 'digestEndTime' | 'digestS3Bucket' | 'digestS3Object'
  | 'previousDigestSignature'>, content: Uint8Array): string {
  // A first digest signs the literal 'null' (the CLI's comment: "to match the Java implementation").
  const previous = doc.previousDigestSignature ?? 'null';
  return `${doc.digestEndTime}\n${doc.digestS3Bucket}/${doc.digestS3Object}\n${sha256Hex(content)}\n${previous}`;
}

/** What a digest records of the one before it (kept by trail delivery instead of the whole digest). */
export interface DigestLink {
  readonly bucket: string;
  readonly key: string;
  readonly signature: string;
  /** Hex SHA-256 of the previous digest's uncompressed content. */
  readonly hashValue: string;
}

export interface BuildDigestInput {
  readonly trail: DigestKeyInput;
  readonly digestStartTime: Date;
  readonly digestEndTime: Date;
  /** The files delivered in the period: as built, or as their digest entries (kept by trail delivery). */
  readonly logFiles: readonly (DeliveredLogFile | DigestLogFileEntry)[];
  /** The trail's previous digest, or null for the first digest of a chain (or after logging stopped). */
  readonly previous: SignedDigest | DigestLink | null;
  readonly privateKey: KeyObject;
}

function newestOf(values: readonly (string | null)[], pick: 'max' | 'min'): string | null {
  const present = values.filter((v): v is string => v !== null).sort();
  return (pick === 'max' ? present.at(-1) : present[0]) ?? null;
}

/** Builds, serialises, gzips and signs one digest file (signature in the object's metadata, as CloudTrail). */
export function buildDigest(input: BuildDigestInput): SignedDigest {
  const { trail, previous } = input;
  const entries = input.logFiles.map((f) => ('content' in f ? digestLogFileEntry(f) : f));
  const document: DigestDocument = {
    awsAccountId: trail.accountId,
    digestStartTime: isoSeconds(input.digestStartTime),
    digestEndTime: isoSeconds(input.digestEndTime),
    digestS3Bucket: trail.bucket,
    digestS3Object: digestFileKey(trail, input.digestEndTime),
    digestPublicKeyFingerprint: publicKeyFingerprint(input.privateKey),
    digestSignatureAlgorithm: DIGEST_SIGNATURE_ALGORITHM,
    newestEventTime: newestOf(entries.map((e) => e.newestEventTime), 'max'),
    oldestEventTime: newestOf(entries.map((e) => e.oldestEventTime), 'min'),
    previousDigestS3Bucket: previous?.bucket ?? null,
    previousDigestS3Object: previous?.key ?? null,
    previousDigestHashValue: previous ? ('hashValue' in previous ? previous.hashValue : sha256Hex(previous.content)) : null,
    previousDigestHashAlgorithm: previous ? DIGEST_HASH_ALGORITHM : null,
    previousDigestSignature: previous?.signature ?? null,
    logFiles: entries,
  };
  const content = Buffer.from(JSON.stringify(document));
  // PKCS #1 v1.5 padding is node's default for RSA keys: that is SHA256withRSA.
  const signature = sign('sha256', Buffer.from(digestStringToSign(document, content)), input.privateKey)
    .toString('hex');
  return {
    bucket: document.digestS3Bucket,
    key: document.digestS3Object,
    body: gzipSync(content),
    metadata: { [SIGNATURE_METADATA]: signature, [SIGNATURE_ALGORITHM_METADATA]: DIGEST_SIGNATURE_ALGORITHM },
    document,
    content,
    signature,
  };
}

/** Verifies a digest's hex signature over its uncompressed content; false on any malformed input. */
export function verifyDigestSignature(input: {
  readonly document: DigestDocument;
  readonly content: Uint8Array;
  readonly signatureHex: string;
  readonly publicKey: KeyObject;
}): boolean {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(input.signatureHex)) return false;
  try {
    const data = Buffer.from(digestStringToSign(input.document, input.content));
    return verify('sha256', data, input.publicKey, Buffer.from(input.signatureHex, 'hex'));
  } catch {
    return false;
  }
}
