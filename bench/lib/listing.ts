/**
 * The listing scenarios (issue #21): pages of 1000 entries from buckets of 20,000 and 1,000,000 keys,
 * a versioned bucket, and a bucket of many common prefixes with one prefix of 100,000 keys. wrk replays
 * a few distinct header-signed pages (so no single page is served from a cache) with 4 connections
 * and one thread, the server pinned to one CPU and wrk to the other; the figure is pages per second,
 * and the server's CPU time per page (its tree's cores × seconds / pages) goes into the detail.
 *
 * The `bare` target serves, for each page, the exact body Strongbox returned for it, as a file (PUT
 * to it once, GET by wrk): the cost of sending the same bytes with no listing work at all.
 *
 * Seeding: buckets up to ~25,000 writes go through HTTP (zero-byte PUTs, versioning, delete markers);
 * the 1,000,000-key bucket and the 200,000-key delimiter bucket go through Strongbox's own storage layer
 * (storage-seeder.ts) on the running server's data directory, then a listing through HTTP checks that
 * what was seeded is what is listed.
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from './config.js';
import { cpuSince, cpuSnapshot } from './cpu-usage.js';
import { fetchBody, send, sendMany } from './http-client.js';
import { failed, medianOfRounds, type Measurement } from './measurement.js';
import { SCENARIO } from './ratios.js';
import { objectPath, RequestSigner, type PreparedRequest } from './signer.js';
import { createBucket, type TargetAccess } from './small-object.js';
import type { SeedResult, SeedSpec } from './storage-seeder.js';
import type { RunningTarget } from './targets/target.js';
import { retryStalled } from './head-object.js';
import { runWrk } from './wrk.js';

// ---------------------------------------------------------------------------------------------------
// Keys and pages (pure)

/** `count` keys `<prefix><i>` with `i` zero-padded to `width`, in order (ASCII: byte order too). */
export function flatKeys(prefix: string, count: number, width: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(width, '0')}`);
}

/** The delimiter bucket: `big/<6 digits>` × bigKeys, then `p<4 digits>/k<2 digits>` (prefixes × perPrefix), sorted. */
export function delimiterKeys(bigKeys: number, prefixes: number, perPrefix: number): string[] {
  const keys = flatKeys('big/', bigKeys, 6);
  for (let p = 0; p < prefixes; p++)
    for (let k = 0; k < perPrefix; k++) keys.push(`p${String(p).padStart(4, '0')}/k${String(k).padStart(2, '0')}`);
  return keys;
}

/**
 * Where `pages` pages of `pageSize` keys start in a sorted list of `count` keys, spread over it: the
 * first page from the beginning (no marker), the others after the key at the returned index; every
 * page is a full one, and truncated (at least one key follows the last).
 */
export function pageStarts(count: number, pages: number, pageSize: number): (number | undefined)[] {
  const room = count - pageSize - 1;
  if (room < pages) throw new Error(`${count} keys cannot hold ${pages} distinct full pages of ${pageSize}`);
  return Array.from({ length: pages }, (_, i) => (i === 0 ? undefined : Math.floor((i * room) / (pages - 1)) - 1));
}

/** A listing page as the bench reads it back (ListObjectsV2 or ListObjectVersions XML). */
export interface ListPage {
  readonly keys: readonly string[];
  readonly commonPrefixes: readonly string[];
  readonly versions: number;
  readonly deleteMarkers: number;
  readonly isTruncated: boolean;
}

const unescapeXml = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp|#(\d+)|#x([0-9a-fA-F]+));/g, (_, name: string, dec?: string, hex?: string) =>
    dec
      ? String.fromCodePoint(Number(dec))
      : hex
        ? String.fromCodePoint(parseInt(hex, 16))
        : ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' } as Record<string, string>)[name],
  );

export function parseListPage(xml: string): ListPage {
  if (!/<(ListBucketResult|ListVersionsResult)[\s>]/.test(xml)) throw new Error(`not a listing: ${xml.slice(0, 300)}`);
  const all = (re: RegExp) => [...xml.matchAll(re)].map((m) => unescapeXml(m[1]));
  return {
    keys: all(/<Key>([^<]*)<\/Key>/g),
    commonPrefixes: all(/<CommonPrefixes>\s*<Prefix>([^<]*)<\/Prefix>/g),
    versions: (xml.match(/<Version>/g) ?? []).length,
    deleteMarkers: (xml.match(/<DeleteMarker>/g) ?? []).length,
    isTruncated: /<IsTruncated>true<\/IsTruncated>/.test(xml),
  };
}

/** Entries of a page as S3 counts them against max-keys. */
export function pageEntries(page: ListPage, kind: 'objects' | 'versions'): number {
  return (kind === 'versions' ? page.versions + page.deleteMarkers : page.keys.length) + page.commonPrefixes.length;
}

// ---------------------------------------------------------------------------------------------------
// The buckets and their pages

const PAGE = 1000;

interface PageSpec {
  readonly query: Readonly<Record<string, string>>;
  /** Entries the page must hold (validation). */
  readonly entries: number;
}

interface ListingBucket {
  readonly bucket: string;
  /** Every key, sorted (versioned: every key once). */
  readonly keys: readonly string[];
  readonly seed: 'http' | 'storage';
  readonly versioned: boolean;
}

export interface ListingDef {
  readonly scenario: string;
  readonly bucket: ListingBucket;
  readonly kind: 'objects' | 'versions';
  readonly pages: readonly PageSpec[];
}

/** Versions of the versioned bucket: every 10th key has a 2nd version, every 50th a 3rd, every 250th a delete marker on top. */
export function versionPlan(keys: readonly string[]): { extraVersions: string[]; deleteMarkers: string[] } {
  const extraVersions: string[] = [];
  const deleteMarkers: string[] = [];
  keys.forEach((k, i) => {
    if (i % 10 === 0) extraVersions.push(k);
    if (i % 50 === 0) extraVersions.push(k);
    if (i % 250 === 0) deleteMarkers.push(k);
  });
  return { extraVersions, deleteMarkers };
}

/** The listing scenarios of a run, with their buckets and pages. */
export function listingDefs(config: BenchConfig): ListingDef[] {
  const { pages, smallBucketKeys, largeBucketKeys } = config.listing;
  const v2 = (keys: readonly string[]): PageSpec[] =>
    pageStarts(keys.length, pages, PAGE).map((at) => ({
      query: { 'list-type': '2', 'max-keys': String(PAGE), ...(at === undefined ? {} : { 'start-after': keys[at] }) },
      entries: PAGE,
    }));
  const small: ListingBucket = {
    bucket: 'bench-list-20k',
    keys: flatKeys('data/key-', smallBucketKeys, 7),
    seed: 'http',
    versioned: false,
  };
  const large: ListingBucket = {
    bucket: 'bench-list-1m',
    keys: flatKeys('data/key-', largeBucketKeys, 7),
    seed: 'storage',
    versioned: false,
  };
  const versioned: ListingBucket = {
    bucket: 'bench-list-versions',
    keys: flatKeys('data/key-', smallBucketKeys, 7),
    seed: 'http',
    versioned: true,
  };
  const delimited: ListingBucket = {
    bucket: 'bench-list-prefixes',
    keys: delimiterKeys(100_000, 2000, 50),
    seed: 'storage',
    versioned: false,
  };
  // Versions: the marker is a key; the page holds the next 1000 versions and delete markers.
  const versionPages: PageSpec[] = pageStarts(versioned.keys.length, pages, PAGE).map((at) => ({
    query: {
      versions: '',
      'max-keys': String(PAGE),
      ...(at === undefined ? {} : { 'key-marker': versioned.keys[at] }),
    },
    entries: PAGE,
  }));
  const delimiter = (startAfter: string | undefined): PageSpec => ({
    query: {
      'list-type': '2',
      delimiter: '/',
      'max-keys': String(PAGE),
      ...(startAfter === undefined ? {} : { 'start-after': startAfter }),
    },
    entries: PAGE,
  });
  // 1000 common prefixes, none of them big/ ('~' sorts after every key character used): p0000/ … p0999/, and on.
  const prefixPages = ['big/~', 'p0249/~', 'p0499/~', 'p0749/~', 'p0999/~'].slice(0, pages).map(delimiter);
  // big/ rolled into one prefix (100,000 keys under it), then p0000/ … p0998/: every start before or at big/.
  const bigPages = [undefined, 'a', 'b', 'big', 'big/'].slice(0, pages).map(delimiter);
  return [
    { scenario: SCENARIO.list20k, bucket: small, kind: 'objects', pages: v2(small.keys) },
    { scenario: SCENARIO.list1M, bucket: large, kind: 'objects', pages: v2(large.keys) },
    { scenario: SCENARIO.listVersions, bucket: versioned, kind: 'versions', pages: versionPages },
    { scenario: SCENARIO.listPrefixes, bucket: delimited, kind: 'objects', pages: prefixPages },
    { scenario: SCENARIO.listBigPrefix, bucket: delimited, kind: 'objects', pages: bigPages },
  ];
}

// ---------------------------------------------------------------------------------------------------
// Seeding

/** How a bucket was seeded on one target, for the detail and the log. */
export interface SeedInfo {
  readonly via: string;
  readonly seconds: number;
  readonly writes: number;
}

const EMPTY = Buffer.alloc(0);

/** The bucket through HTTP: zero-byte PUTs (and, versioned, more versions and delete markers). */
export async function seedOverHttp(
  access: TargetAccess,
  b: ListingBucket,
  options: { concurrency: number; deadline?: number },
): Promise<SeedInfo & { complete: boolean }> {
  const signer = new RequestSigner(access);
  const started = performance.now();
  await createBucket(access, signer, b.bucket);
  if (b.versioned) await enableVersioning(access, signer, b.bucket);
  const put = (k: string) => signer.headerSigned('PUT', objectPath(b.bucket, k), { body: EMPTY });
  const many = (keys: readonly string[], make: (k: string) => Promise<PreparedRequest>) =>
    sendMany(access.endpoint, keys.length, (i) => make(keys[i]), options);
  let writes = 0;
  const steps: [readonly string[], (k: string) => Promise<PreparedRequest>][] = [[b.keys, put]];
  if (b.versioned) {
    const plan = versionPlan(b.keys);
    steps.push(
      [plan.extraVersions, put],
      [plan.deleteMarkers, (k) => signer.headerSigned('DELETE', objectPath(b.bucket, k))],
    );
  }
  for (const [keys, make] of steps) {
    const r = await many(keys, make);
    writes += r.done;
    if (!r.complete) return { via: 'HTTP', seconds: (performance.now() - started) / 1000, writes, complete: false };
  }
  return { via: 'HTTP', seconds: (performance.now() - started) / 1000, writes, complete: true };
}

async function enableVersioning(access: TargetAccess, signer: RequestSigner, bucket: string): Promise<void> {
  const body = Buffer.from(
    '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>',
  );
  const md5 = createHash('md5').update(body).digest('base64');
  const res = await send(
    access.endpoint,
    await signer.headerSigned('PUT', `/${bucket}`, {
      body,
      query: { versioning: '' },
      headers: { 'content-md5': md5 },
    }),
  );
  if (res.status !== 200) throw new Error(`PutBucketVersioning ${bucket} → ${res.status}: ${res.excerpt}`);
}

/**
 * The bucket through Strongbox's storage layer (storage-seeder.ts): the bucket and one zero-byte object
 * through HTTP, every other key as a copy of that object's record, then a check through HTTP.
 */
export async function seedThroughStorage(
  target: RunningTarget,
  access: TargetAccess,
  b: ListingBucket,
  options: { workDir: string; batch: number },
): Promise<SeedInfo> {
  if (!target.storage) throw new Error('not a Strongbox target');
  const signer = new RequestSigner(access);
  const started = performance.now();
  await createBucket(access, signer, b.bucket);
  const templateKey = b.keys[0];
  const put = await send(
    access.endpoint,
    await signer.headerSigned('PUT', objectPath(b.bucket, templateKey), { body: EMPTY }),
  );
  if (put.status !== 200) throw new Error(`PUT of the template object → ${put.status}: ${put.excerpt}`);
  const keysFile = join(options.workDir, `${target.name}-${b.bucket}.keys`);
  writeFileSync(keysFile, b.keys.join('\n'));
  const spec: SeedSpec = {
    buildRoot: target.storage.buildRoot,
    dataDir: target.storage.dataDir,
    bucket: b.bucket,
    templateKey,
    keysFile,
    batch: options.batch,
  };
  const result = await runSeeder(spec, 180_000);
  await checkSeeded(access, signer, b);
  return {
    via: `storage layer (${result.written.toLocaleString('en-US')} copies of a ${result.template.inlineBytes}-byte-inline${result.template.encrypted ? ' SSE-S3' : ''} zero-byte PUT, putObject in batches of ${options.batch}: ${result.seconds.toFixed(1)} s)`,
    seconds: (performance.now() - started) / 1000,
    writes: result.written + 1,
  };
}

function runSeeder(spec: SeedSpec, timeoutMs: number): Promise<SeedResult> {
  return new Promise((resolvePromise, reject) => {
    const script = fileURLToPath(new URL('./storage-seeder.js', import.meta.url));
    const child = spawn(process.execPath, [script, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) {
        const locked = /database is locked|SQLITE_BUSY/.test(err);
        reject(
          new Error(
            locked
              ? 'the server holds its database exclusively (one process, --workers 1): seeding through the storage layer needs worker processes (--workers auto or N > 1)'
              : `storage seeder exited with ${code ?? 'a signal'}: ${err.trim().split('\n').slice(0, 3).join(' | ')}`,
          ),
        );
        return;
      }
      try {
        resolvePromise(JSON.parse(out.trim().split('\n').pop() ?? '') as SeedResult);
      } catch {
        reject(new Error(`storage seeder printed no result: ${out.slice(-300)}`));
      }
    });
  });
}

/** Through HTTP: the first page is the first 1000 keys (truncated), and the last keys end the listing. */
async function checkSeeded(access: TargetAccess, signer: RequestSigner, b: ListingBucket): Promise<void> {
  const list = async (query: Record<string, string>) => {
    const res = await fetchBody(
      access.endpoint,
      await signer.headerSigned('GET', `/${b.bucket}`, { query: { 'list-type': '2', ...query } }),
    );
    if (res.status !== 200)
      throw new Error(`seeded listing → HTTP ${res.status}: ${res.body.toString('utf8', 0, 300)}`);
    return parseListPage(res.body.toString('utf8'));
  };
  const first = await list({ 'max-keys': String(PAGE) });
  const expected = b.keys.slice(0, PAGE);
  if (!first.isTruncated || first.keys.length !== PAGE || first.keys.some((k, i) => k !== expected[i])) {
    throw new Error(
      `seeded ${b.bucket}: the first page lists ${first.keys.length} keys (${first.keys[0]} … ${first.keys.at(-1)}), truncated ${first.isTruncated}; expected ${expected[0]} … ${expected.at(-1)}, truncated`,
    );
  }
  const tail = b.keys.slice(-10);
  const last = await list({ 'max-keys': String(PAGE), 'start-after': b.keys[b.keys.length - 11] });
  if (last.isTruncated || last.keys.join() !== tail.join()) {
    throw new Error(
      `seeded ${b.bucket}: after ${b.keys[b.keys.length - 11]} the listing has ${last.keys.length} keys, truncated ${last.isTruncated}; expected the last 10, not truncated`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Measuring

export interface ListingRun {
  readonly target: RunningTarget;
  readonly access: TargetAccess;
  readonly def: ListingDef;
  readonly config: BenchConfig;
  readonly workDir: string;
  /** What wrk sends: the target's own signed pages. */
  readonly requests: readonly PreparedRequest[];
  /** Page bodies the target returns (to check against and to give the bare target). */
  readonly bodies: readonly Buffer[];
  /** The slowest page when each was fetched alone (validation), seconds. */
  readonly pageSeconds: number;
  readonly seed: SeedInfo | undefined;
  readonly note?: string;
}

/**
 * Signs `def`'s pages for the target, fetches each once and checks it holds its entries; `pageSeconds`:
 * the slowest of those fetches.
 */
export async function targetPages(
  access: TargetAccess,
  def: ListingDef,
): Promise<{ requests: PreparedRequest[]; bodies: Buffer[]; pageSeconds: number }> {
  const signer = new RequestSigner(access);
  const requests = await Promise.all(
    def.pages.map((p) => signer.headerSigned('GET', `/${def.bucket.bucket}`, { query: p.query })),
  );
  const bodies: Buffer[] = [];
  let pageSeconds = 0;
  for (const [i, req] of requests.entries()) {
    const started = performance.now();
    const res = await fetchBody(access.endpoint, req);
    pageSeconds = Math.max(pageSeconds, (performance.now() - started) / 1000);
    if (res.status !== 200) throw new Error(`page ${i + 1} → HTTP ${res.status}: ${res.body.toString('utf8', 0, 300)}`);
    const page = parseListPage(res.body.toString('utf8'));
    const entries = pageEntries(page, def.kind);
    if (entries !== def.pages[i].entries)
      throw new Error(`page ${i + 1} (${req.target}) holds ${entries} entries, expected ${def.pages[i].entries}`);
    bodies.push(res.body);
  }
  return { requests, bodies, pageSeconds };
}

/** A page slower than this alone (validation) makes a target "slow" (listingRunSeconds). */
const SLOW_PAGE_SECONDS = 0.25;
const SLOW_RUN_MAX_SECONDS = 12;

/**
 * How long a target's measured run lasts, and whether it gets a warm-up run. A target whose single page
 * takes more than 250 ms (s3rver reads every key's metadata file for a page: 0.3–1.3 s) would complete
 * few or no pages in a few seconds with 4 connections: its run is long enough for about 4 pages per
 * connection (up to 12 s), and it gets no warm-up, whose abandoned requests would still be running when
 * the measured run starts (its validation fetches warmed it up).
 */
export function listingRunSeconds(
  baseSeconds: number,
  connections: number,
  pageSeconds: number,
): { seconds: number; warmup: boolean } {
  if (pageSeconds <= SLOW_PAGE_SECONDS) return { seconds: baseSeconds, warmup: true };
  return {
    seconds: Math.min(SLOW_RUN_MAX_SECONDS, Math.max(baseSeconds, Math.ceil(4 * connections * pageSeconds))),
    warmup: false,
  };
}

/**
 * The bare server's copy of Strongbox's pages: each body PUT as a file at its own path (the bare server
 * names files by path, without the query), then GET with the same query as Strongbox's request.
 */
export async function barePages(
  access: TargetAccess,
  def: ListingDef,
  bodies: readonly Buffer[],
): Promise<PreparedRequest[]> {
  const signer = new RequestSigner(access);
  const requests: PreparedRequest[] = [];
  for (const [i, body] of bodies.entries()) {
    const path = `/${def.bucket.bucket}/.pages/${def.scenario}/${i}`;
    const put = await send(access.endpoint, await signer.headerSigned('PUT', path, { body }));
    if (put.status !== 200) throw new Error(`PUT of page ${i + 1} → ${put.status}`);
    const req = await signer.headerSigned('GET', path, { query: def.pages[i].query });
    const check = await send(access.endpoint, req);
    if (check.status !== 200 || check.bodyLength !== body.length)
      throw new Error(`GET of page ${i + 1} → ${check.status}, ${check.bodyLength} bytes of ${body.length}`);
    requests.push(req);
  }
  return requests;
}

/** One listing scenario on one target, in rounds (wrk pinned to `config.pin.loadCpu` when `pinned`). */
export class ListingScenario {
  private readonly rounds: Measurement[] = [];

  constructor(private readonly run: ListingRun) {}

  async round(pinned: boolean): Promise<void> {
    if (this.rounds.some((r) => r.status === 'failed')) return;
    this.rounds.push(await retryStalled(() => this.measureRound(pinned)));
  }

  /** The pages/s figure (median round); its detail has the server's CPU per page. */
  measurement(): Measurement {
    return medianOfRounds(this.rounds);
  }

  /** The server CPU per page (ms) as a figure of its own, median of the rounds: `scenario`. */
  cpuMeasurement(scenario: string): Measurement {
    const perRound = this.rounds.map((r): Measurement => {
      const ms = r.detail?.server_cpu_ms_per_page;
      if (r.value === null || typeof ms !== 'number')
        return {
          ...r,
          scenario,
          unit: 'ms',
          value: null,
          status: r.status === 'ok' ? 'failed' : r.status,
          note: r.note ?? 'no CPU figure (/proc unreadable)',
        };
      return {
        target: r.target,
        scenario,
        unit: 'ms',
        value: ms,
        status: r.status,
        detail: { pages_per_second: Math.round(r.value * 10) / 10, server_cpu_cores: r.detail?.server_cpu_cores ?? '' },
      };
    });
    return medianOfRounds(perRound);
  }

  private async measureRound(pinned: boolean): Promise<Measurement> {
    const { config, target, def } = this.run;
    const L = config.listing;
    try {
      const base = {
        endpoint: this.run.access.endpoint,
        requests: this.run.requests,
        connections: L.connections,
        threads: 1,
        workDir: this.run.workDir,
        ...(pinned ? { cpu: config.pin.loadCpu } : {}),
      };
      const name = `${target.name}-${def.scenario}-${this.rounds.length + 1}`;
      const plan = listingRunSeconds(L.durationSeconds, L.connections, this.run.pageSeconds);
      if (plan.warmup && L.warmupSeconds > 0)
        await runWrk({ ...base, durationSeconds: L.warmupSeconds, name: `${name}-warmup` });
      const cpuStart = cpuSnapshot(target.pid);
      const r = await runWrk({ ...base, durationSeconds: plan.seconds, name });
      const cpu = cpuSince(cpuStart, target.pid);
      const ok = r.requests - r.statusErrors;
      const errorShare = r.requests > 0 ? (r.statusErrors + r.socketErrors + r.timeouts) / r.requests : 1;
      const msPerPage =
        cpu.processCores !== undefined && ok > 0
          ? Math.round(((cpu.processCores * r.seconds * 1000) / ok) * 100) / 100
          : undefined;
      const bytes = this.run.bodies.reduce((a, b) => a + b.length, 0) / Math.max(1, this.run.bodies.length);
      return {
        target: target.name,
        scenario: def.scenario,
        unit: 'pages/s',
        value: r.okPerSecond,
        status: errorShare > 0.01 || ok === 0 ? 'failed' : 'ok',
        ...(errorShare > 0 || this.run.note
          ? {
              note: [
                this.run.note,
                ok === 0 ? `wrk completed no page in ${r.seconds.toFixed(1)} s: ${r.outputTail ?? ''}` : '',
                errorShare > 0 && ok > 0
                  ? `${r.statusErrors} HTTP >= 400, ${r.socketErrors} socket errors, ${r.timeouts} timeouts of ${r.requests}`
                  : '',
              ]
                .filter(Boolean)
                .join('; '),
            }
          : {}),
        detail: {
          requests: r.requests,
          seconds: Number(r.seconds.toFixed(2)),
          p50_ms: r.latencyMs.p50,
          p99_ms: r.latencyMs.p99,
          connections: L.connections,
          distinct_pages: this.run.requests.length,
          page_bytes: Math.round(bytes),
          single_page_ms: Math.round(this.run.pageSeconds * 1000),
          ...(plan.warmup
            ? {}
            : {
                slow_pages: `run of ${plan.seconds} s, no warm-up (a page alone took ${Math.round(this.run.pageSeconds * 1000)} ms)`,
              }),
          bucket_keys: def.bucket.keys.length,
          pinned: pinned ? `server on CPU ${config.pin.serverCpu}, wrk on CPU ${config.pin.loadCpu}` : 'no',
          ...(msPerPage !== undefined ? { server_cpu_ms_per_page: msPerPage } : {}),
          ...(cpu.processCores !== undefined ? { server_cpu_cores: cpu.processCores } : {}),
          ...(cpu.machineCores !== undefined ? { machine_busy_cores: cpu.machineCores } : {}),
          ...(this.run.seed
            ? {
                seeded_via: this.run.seed.via,
                seed_seconds: Number(this.run.seed.seconds.toFixed(1)),
                seed_writes: this.run.seed.writes,
              }
            : {}),
        },
      };
    } catch (err) {
      return failed(target.name, def.scenario, 'pages/s', err);
    }
  }
}
