/**
 * Where PUT time goes in the embedded storage: `npx tsc -p tsconfig.json && node dist/bench/storage-bench.js`.
 * Bounded: each measurement stops after its op count or ~1 s, whichever first (about 10 s in all).
 * `--big GIB` also streams GIB GiB through BlobStore.write and reports throughput and peak RSS.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { openEmbeddedStorage, type Durability, type EmbeddedStorage } from '../src/storage/embedded.js';
import type { ObjectRecord } from '../src/storage/ports.js';
import { newBucketRecord } from '../src/storage/new-bucket.js';

interface Result {
  readonly name: string;
  readonly ops: number;
  readonly opsPerSec: number;
  readonly usPerOp: number;
}

async function measure(name: string, maxOps: number, maxMs: number, op: (i: number) => Promise<unknown>): Promise<Result> {
  for (let i = 0; i < Math.min(50, maxOps); i++) await op(-1 - i); // warm-up
  const t0 = performance.now();
  let ops = 0;
  while (ops < maxOps && performance.now() - t0 < maxMs) await op(ops++);
  const ms = performance.now() - t0;
  return { name, ops, opsPerSec: (ops / ms) * 1000, usPerOp: (ms * 1000) / ops };
}

function record(key: string, blobId: string, size: number): ObjectRecord {
  return {
    bucket: 'bench', key, versionId: null, size, etag: 'd41d8cd98f00b204e9800998ecf8427e', lastModified: new Date(),
    contentType: 'application/octet-stream', contentEncoding: undefined, contentDisposition: undefined, contentLanguage: undefined,
    cacheControl: undefined, expires: undefined, userMetadata: { origin: 'bench' }, tags: [], checksum: undefined,
    partsCount: undefined, segments: [{ blobId, size }], storageClass: 'STANDARD', ownerAccountId: '111122223333',
  };
}

async function withStorage<T>(durability: Durability, fn: (s: EmbeddedStorage, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'strongbox-storage-bench-'));
  const storage = await openEmbeddedStorage({ dataDir: dir, durability });
  try {
    await storage.buckets.createBucket(newBucketRecord({ name: 'bench', ownerAccountId: '111122223333', region: 'us-east-1', createdAt: new Date() }));
    return await fn(storage, dir);
  } finally {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const FAKE_BLOB = 'f'.repeat(32);
const BODY = randomBytes(4096);

async function metadataBenches(durability: Durability): Promise<Result[]> {
  return withStorage(durability, async (s) => [
    await measure(`putObject metadata (${durability})`, 50_000, 1000, (i) => s.objects.putObject(record(`obj/${i}`, FAKE_BLOB, 4096))),
    await measure(`getObject metadata (${durability})`, 100_000, 1000, (i) => s.objects.getObject('bench', `obj/${Math.abs(i) % 1000}`)),
    await measure(`listObjects 1000 keys (${durability})`, 2_000, 1000, () => s.objects.listObjects({ bucket: 'bench', prefix: 'obj/', delimiter: '', after: '', maxKeys: 1000 })),
    await measure(`listObjects delimiter, 100 (${durability})`, 20_000, 1000, () => s.objects.listObjects({ bucket: 'bench', prefix: '', delimiter: '/', after: '', maxKeys: 100 })),
  ]);
}

async function blobBenches(): Promise<Result[]> {
  return withStorage('normal', async (s, dir) => {
    const raw = join(dir, 'raw');
    await mkdir(raw);
    await mkdir(join(raw, 'final'));
    return [
      await measure('BlobStore.write 4 KiB (fsync file + dir)', 5_000, 1500, () => s.blobs.write(Readable.from([BODY]))),
      await measure('fs.writeFile 4 KiB, no fsync', 20_000, 1000, (i) => writeFile(join(raw, `n${i}`), BODY)),
      await measure('fs open+write+fsync+close 4 KiB', 5_000, 1500, async (i) => {
        const h = await open(join(raw, `s${i}`), 'w');
        await h.write(BODY);
        await h.sync();
        await h.close();
      }),
      await measure('  … + rename + fsync dir (raw fs)', 5_000, 1500, async (i) => {
        const h = await open(join(raw, `r${i}`), 'w');
        await h.write(BODY);
        await h.sync();
        await h.close();
        await rename(join(raw, `r${i}`), join(raw, 'final', `r${i}`));
        const d = await open(join(raw, 'final'), 'r');
        await d.sync();
        await d.close();
      }),
      await measure('full PUT path 4 KiB: blob write + putObject', 5_000, 1500, async (i) => {
        const blob = await s.blobs.write(Readable.from([BODY]));
        const r = await s.objects.putObject(record(`put/${i % 500}`, blob.blobId, blob.size));
        if (r.outcome === 'Written') for (const g of r.garbage) await s.blobs.delete(g.blobId);
      }),
      await measure('GET path 4 KiB: getObject + read bytes', 20_000, 1000, async (i) => {
        const o = await s.objects.getObject('bench', `put/${Math.abs(i) % 500}`);
        if (o === undefined) return;
        for await (const _ of s.blobs.read(o.segments[0].blobId)) void _;
      }),
    ];
  });
}

async function bigWrite(gib: number): Promise<void> {
  await withStorage('normal', async (s) => {
    const chunk = Buffer.alloc(1024 * 1024, 0x5a);
    const total = gib * 1024;
    let sent = 0;
    let peakRss = process.memoryUsage().rss;
    const source = new Readable({
      read() {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        this.push(sent++ < total ? chunk : null);
      },
    });
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const { size } = await s.blobs.write(source);
    const seconds = (performance.now() - t0) / 1000;
    console.log(
      `big write: ${(size / 2 ** 30).toFixed(2)} GiB in ${seconds.toFixed(1)} s = ${(size / 2 ** 20 / seconds).toFixed(0)} MiB/s; ` +
        `RSS before ${(rssBefore / 2 ** 20).toFixed(0)} MiB, peak ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
    );
  });
}

const results = [...(await metadataBenches('normal')), ...(await metadataBenches('strict')), ...(await blobBenches())];
const width = Math.max(...results.map((r) => r.name.length));
for (const r of results) {
  console.log(`${r.name.padEnd(width)}  ${r.opsPerSec.toFixed(0).padStart(8)} ops/s  ${r.usPerOp.toFixed(1).padStart(8)} µs/op  (${r.ops} ops)`);
}
const big = process.argv.indexOf('--big');
if (big >= 0) await bigWrite(Number(process.argv[big + 1] ?? '1'));
