/**
 * Seeds a bucket of a running Strongbox with many zero-byte objects through Strongbox's own storage
 * layer, in a process of its own, on the running server's data directory:
 *   node dist/bench/lib/storage-seeder.js '<SeedSpec as JSON>'
 * Prints one JSON line (SeedResult) and exits 0, or prints the error and exits 1.
 *
 * Why not HTTP: a million PUTs take minutes at the server's few thousand PUTs per second; written here
 * in large transactions they take well under a minute. Why this is the server's own data: a server with
 * worker processes opens its SQLite database (WAL mode) shared, with normal locking, and each worker
 * notices another connection's commits (`PRAGMA data_version`, storage/sqlite/external-changes.ts) and
 * drops its caches; this process is one more such connection. (A one-process server, `--workers 1`, holds
 * the database with `locking_mode=EXCLUSIVE`: there the first write here waits out SQLite's busy timeout
 * and fails, and the caller says so.)
 *
 * What is written is what a real PUT writes: the bucket is made through HTTP first (owner, region,
 * default encryption) and one zero-byte object is PUT through HTTP at `templateKey`; its record, read
 * back here with `getObject`, is the template of every other key (same size, ETag, encryption: an
 * SSE-S3 empty object is 48 inline bytes of header and GCM tag, its data key wrapped by the server's
 * key, checksum, owner), each written with `ObjectStore.putObject`, the store's own write path, in
 * batches of `batch` concurrent writes, which its WriteBatch commits as one transaction.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMain } from './is-main.js';

export interface SeedSpec {
  /** The checkout whose `dist/src/storage/embedded.js` the server runs (this one, or a baseline build). */
  readonly buildRoot: string;
  /** The running server's `--data-dir`. */
  readonly dataDir: string;
  readonly bucket: string;
  /** An object PUT through HTTP, whose record every seeded key copies. */
  readonly templateKey: string;
  /** A file of keys, one per line (the template key among them is skipped). */
  readonly keysFile: string;
  /** Writes per transaction. */
  readonly batch: number;
}

export interface SeedResult {
  readonly written: number;
  readonly seconds: number;
  /** The template's size and stored form, for the report. */
  readonly template: {
    readonly size: number;
    readonly etag: string;
    readonly inlineBytes: number;
    readonly encrypted: boolean;
  };
}

/** The part of the storage module's API this uses (src/storage/embedded.ts, ports.ts). */
interface StorageModule {
  openEmbeddedStorage(options: { dataDir: string; shared?: boolean }): Promise<{
    objects: {
      getObject(bucket: string, key: string): Promise<Record<string, unknown> | undefined>;
      putObject(record: Record<string, unknown>): Promise<{ outcome: string }>;
    };
    close(): Promise<void>;
  }>;
}

export async function seed(spec: SeedSpec): Promise<SeedResult> {
  const modulePath = join(spec.buildRoot, 'dist/src/storage/embedded.js');
  const storageModule = (await import(pathToFileURL(modulePath).href)) as StorageModule;
  const keys = readFileSync(spec.keysFile, 'utf8')
    .split('\n')
    .filter((k) => k !== '' && k !== spec.templateKey);
  const storage = await storageModule.openEmbeddedStorage({ dataDir: spec.dataDir, shared: true });
  try {
    const template = await storage.objects.getObject(spec.bucket, spec.templateKey);
    if (template === undefined)
      throw new Error(`template object ${spec.bucket}/${spec.templateKey} not found (PUT it through HTTP first)`);
    if (template.size !== 0) throw new Error(`template object has ${String(template.size)} bytes, expected 0`);
    const started = performance.now();
    for (let i = 0; i < keys.length; i += spec.batch) {
      const lastModified = new Date();
      const writes = keys
        .slice(i, i + spec.batch)
        .map((key) => storage.objects.putObject({ ...template, key, lastModified, versionId: null }));
      for (const outcome of await Promise.all(writes)) {
        if (outcome.outcome !== 'Written') throw new Error(`putObject → ${outcome.outcome}`);
      }
    }
    const inline = template.inline;
    return {
      written: keys.length,
      seconds: (performance.now() - started) / 1000,
      template: {
        size: 0,
        etag: String(template.etag),
        inlineBytes: Buffer.isBuffer(inline) ? inline.length : 0,
        encrypted: template.encryption !== undefined,
      },
    };
  } finally {
    await storage.close();
  }
}

if (isMain(import.meta.url)) {
  seed(JSON.parse(process.argv[2] ?? '{}') as SeedSpec).then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
