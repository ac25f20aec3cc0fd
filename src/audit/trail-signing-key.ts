/**
 * The server's key pair for CloudTrail digest signatures (SHA256withRSA, 2048-bit RSA as CloudTrail's):
 * `<dataDir>/trail-signing-key.pem` (mode 0600), made on the first start. Its public key is what
 * ListPublicKeys returns, so `aws cloudtrail validate-logs` and `strongbox validate-logs` can check digests.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_ListPublicKeys.html
 * Deviation from AWS: one key for the life of the data directory, never rotated (CloudTrail changes
 * its key pairs over time and ListPublicKeys lists each with its validity window). Replacing the file
 * starts a new key, and digests signed by the old one no longer validate.
 */
import { createPrivateKey, generateKeyPair, randomUUID, type KeyObject } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publicKeyDer, publicKeyFingerprint } from './trail-digest.js';

export const TRAIL_SIGNING_KEY_FILE = 'trail-signing-key.pem';

import type { TrailPublicKey } from '../cloudtrail/cloudtrail-deps.js';
export type { TrailPublicKey };

export interface TrailSigningKey {
  readonly privateKey: KeyObject;
  /** The digests' `digestPublicKeyFingerprint`. */
  readonly fingerprint: string;
  /** When the key was made (the start of its validity). */
  readonly createdAt: Date;
  /** The keys ListPublicKeys lists: this one. */
  publicKeys(): readonly TrailPublicKey[];
}

export interface LoadedTrailSigningKey {
  readonly key: TrailSigningKey;
  /** The file, when this call created it (to log it once). */
  readonly created?: string;
}

/**
 * How far ahead the key is declared valid: AWS's keys have windows of about 30 days and the current one
 * ends in the future. Without rotation the end moves with the clock, so it is always ahead of "now".
 */
const VALIDITY_AHEAD_MS = 30 * 24 * 3_600_000;

const CREATED_LINE = /^Created: (\S+)$/m;

/**
 * Loads the key pair, creating it when the file does not exist. Several worker processes may start at
 * once: each writes its own temporary file and links it into place, and the one that finds the name
 * taken reads the winner's key instead.
 */
export async function loadTrailSigningKey(options: {
  readonly dataDir: string;
  readonly now?: () => Date;
}): Promise<LoadedTrailSigningKey> {
  const now = options.now ?? (() => new Date());
  const file = join(options.dataDir, TRAIL_SIGNING_KEY_FILE);
  const existing = await readKeyFile(file);
  if (existing !== undefined) return { key: signingKey(existing, now) };
  const made = await newKeyFile(now());
  // Unique per call: several loads may run at once in one process (and the same millisecond).
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temp, made, { mode: 0o600, flag: 'wx', flush: true });
  let created = true;
  try {
    await link(temp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    created = false;
  } finally {
    await unlink(temp);
  }
  const text = created ? made : await readKeyFile(file);
  if (text === undefined) throw new Error(`${file} vanished while it was being created`);
  return { key: signingKey(text, now), ...(created ? { created: file } : {}) };
}

async function readKeyFile(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The PEM, after explanatory text (RFC 7468 allows it) that keeps the creation time with the key. */
async function newKeyFile(createdAt: Date): Promise<string> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return `Strongbox CloudTrail digest signing key (SHA256withRSA). Keep it secret; back it up with the data.\n`
    + `Created: ${createdAt.toISOString()}\n${pem}`;
}

function signingKey(text: string, now: () => Date): TrailSigningKey {
  const privateKey = createPrivateKey(text);
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error(`${TRAIL_SIGNING_KEY_FILE} does not hold an RSA key`);
  const stamp = CREATED_LINE.exec(text)?.[1];
  // A key file without the line (written by hand) counts as valid since the epoch.
  const createdAt = stamp !== undefined && !Number.isNaN(Date.parse(stamp)) ? new Date(stamp) : new Date(0);
  const fingerprint = publicKeyFingerprint(privateKey);
  const value = publicKeyDer(privateKey);
  return {
    privateKey,
    fingerprint,
    createdAt,
    publicKeys: () => [{
      value: Buffer.from(value),
      validityStartTime: createdAt,
      validityEndTime: new Date(now().getTime() + VALIDITY_AHEAD_MS),
      fingerprint,
    }],
  };
}
