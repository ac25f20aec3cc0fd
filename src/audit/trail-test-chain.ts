// Test support (not used by the server): an in-memory trail bucket and a chain of signed digests over
// delivered log files, shared by the trail-digest and validate-logs tests.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { buildDigest, buildLogFile, logFileRecord, type DeliveredLogFile, type SignedDigest, type TrailObject } from './trail-digest.js';
import type { DigestKeyInput } from './trail-keys.js';
import type { TrailObjectReader } from './validate-logs.js';

export class MemoryTrailStore implements TrailObjectReader {
  readonly objects = new Map<string, { body: Buffer; metadata: Record<string, string> }>();

  put(object: TrailObject): void {
    this.objects.set(`${object.bucket}/${object.key}`, { body: Buffer.from(object.body), metadata: { ...object.metadata } });
  }

  async list(bucket: string, prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((k) => k.startsWith(`${bucket}/${prefix}`)).map((k) => k.slice(bucket.length + 1));
  }

  async get(bucket: string, key: string): Promise<{ body: Buffer; metadata: Record<string, string> } | undefined> {
    return this.objects.get(`${bucket}/${key}`);
  }

  /** Flips one byte of the stored (compressed) object, as an attacker editing the bucket would. */
  alter(bucket: string, key: string, at = 20): void {
    const object = this.objects.get(`${bucket}/${key}`);
    if (!object) throw new Error(`no such object ${key}`);
    object.body[at] ^= 0x01;
  }

  /** Changes one byte of the uncompressed content and re-gzips it: an edit that keeps a valid gzip file. */
  alterContent(bucket: string, key: string, find: string, replace: string): void {
    const object = this.objects.get(`${bucket}/${key}`);
    if (!object) throw new Error(`no such object ${key}`);
    const text = gunzipSync(object.body).toString('utf8');
    if (!text.includes(find) || find.length !== replace.length) throw new Error(`cannot alter ${key}`);
    object.body = gzipSync(Buffer.from(text.replace(find, replace)));
  }

  delete(bucket: string, key: string): void {
    if (!this.objects.delete(`${bucket}/${key}`)) throw new Error(`no such object ${key}`);
  }
}

export const TRAIL: DigestKeyInput = {
  bucket: 'trail-bucket', accountId: '111122223333', region: 'us-east-1', trailName: 'audit',
};
export const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/audit';
export const CHAIN_START = new Date('2026-03-01T10:00:07Z');

export function rsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

export interface TestChain {
  readonly store: MemoryTrailStore;
  readonly logs: DeliveredLogFile[];
  readonly digests: SignedDigest[];
}

/** Three hourly digests over five log files (2 + 2 + 1), delivered into a fresh store. */
export async function buildTestChain(privateKey: KeyObject): Promise<TestChain> {
  const store = new MemoryTrailStore();
  const logs: DeliveredLogFile[] = [];
  const digests: SignedDigest[] = [];
  const perHour = [2, 2, 1];
  let previous: SignedDigest | null = null;
  for (let hour = 0; hour < perHour.length; hour += 1) {
    const start = new Date(CHAIN_START.getTime() + hour * 3_600_000);
    const end = new Date(start.getTime() + 3_600_000);
    const hourLogs = await Promise.all(Array.from({ length: perHour[hour] }, (_, i) => {
      const deliveredAt = new Date(start.getTime() + (i + 1) * 600_000);
      const eventTime = new Date(deliveredAt.getTime() - 120_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return buildLogFile({ location: TRAIL, deliveredAt, uniqueString: `u${hour}x${i}AbCdEfGhIjKl`,
        records: [logFileRecord({ eventVersion: '1.11', eventTime, eventName: 'PutObject', eventID: `e-${hour}-${i}` })] });
    }));
    const digest = buildDigest({ trail: TRAIL, digestStartTime: start, digestEndTime: end, logFiles: hourLogs,
      previous, privateKey });
    for (const log of hourLogs) store.put(log);
    store.put(digest);
    logs.push(...hourLogs);
    digests.push(digest);
    previous = digest;
  }
  return { store, logs, digests };
}
