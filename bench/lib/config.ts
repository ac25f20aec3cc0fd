/** Sizes and time bounds of one run. `--quick` trades precision for a run of about a minute. */
export interface BenchConfig {
  readonly quick: boolean;
  readonly wrk: {
    readonly threads: number;
    readonly connections: number;
    /** Length of one measured wrk run (one round). */
    readonly durationSeconds: number;
    /**
     * Measured runs per target and scenario, taken in turns with the other targets (round 1 on every
     * target, then round 2 ...); the figure is their median, so one burst of load from outside the bench
     * moves one round of one target, not the ratio.
     */
    readonly rounds: number;
    /** A short unmeasured wrk run before each measured one, on the same requests. */
    readonly warmupSeconds: number;
    /**
     * A longer unmeasured GET run once per target after setup: without it the first figure of a fresh
     * server is up to a third lower (JIT, caches, the setup's writes still being flushed).
     */
    readonly targetWarmupSeconds: number;
  };
  readonly smallObject: { readonly bytes: number; readonly keyCount: number; readonly bucket: string };
  /**
   * `rounds`: PUT+GET runs per target (each after its own dd), taken in turns like the wrk rounds.
   * `readsPerRound`: GETs of the object after each PUT, and dd direct reads in each dd run, all measured:
   * this virtual disk's reads swing by a third from one to the next (~880 or ~1,130 MB/s seen), so a
   * median of three reads could land on the slow side for a target and the fast side for dd.
   */
  readonly largeObject: {
    readonly bytes: number;
    readonly timeoutSeconds: number;
    readonly bucket: string;
    readonly rounds: number;
    readonly readsPerRound: number;
  };
  readonly dd: { readonly bytes: number; readonly timeoutSeconds: number };
  /** Per external bench (bench/policy-bench.js ...), run after ours. */
  readonly extraBenchTimeoutSeconds: number;
  /** Benches with a limit of their own: soak-bench.js runs one minute of load as an extra, plus its setup. */
  readonly extraBenchTimeoutOverrides: Readonly<Record<string, number>>;
  /**
   * What the external benches share, counted from when the first starts (the request-path part takes
   * what its scenarios take: a budget counted from the run's start left them nothing once it grew).
   */
  readonly extraBudgetSeconds: number;
  /** Attached managed policies for the IAM-user GET scenario. */
  readonly iamPolicyCount: number;
  /**
   * The listing scenarios (listing.ts): wrk with `connections` (one thread) on the server pinned to
   * `pin.serverCpu`, rounds taken in turns like the 4 KiB ones; `pages` distinct pages per scenario.
   */
  readonly listing: {
    readonly connections: number;
    readonly durationSeconds: number;
    readonly warmupSeconds: number;
    readonly rounds: number;
    readonly pages: number;
    /** Keys of the "20k" bucket, of the versioned bucket, and of the "1M" bucket. */
    readonly smallBucketKeys: number;
    readonly largeBucketKeys: number;
    /** Writes per transaction when seeding through the storage layer (storage-seeder.ts). */
    readonly seedBatch: number;
    /** Concurrent PUTs when seeding through HTTP. */
    readonly httpSeedConcurrency: number;
    /** s3rver gets the 20k listing only if seeding it takes less than this. */
    readonly s3rverSeedLimitSeconds: number;
    /** Whether s3rver's (context-only) 20k listing is run at all. */
    readonly s3rver: boolean;
  };
  /** HEAD against GET of the 4 KiB objects, both from http-load.ts (wrk cannot HEAD), server pinned. */
  readonly head: {
    readonly connections: number;
    readonly durationSeconds: number;
    readonly warmupSeconds: number;
    readonly rounds: number;
  };
  /** `count` concurrent presigned PUTs of `bytes` each, the server pinned to one core (one-core-put.ts). */
  readonly oneCorePut: {
    readonly count: number;
    readonly bytes: number;
    readonly timeoutSeconds: number;
    readonly rounds: number;
  };
  /** Where pinned scenarios put the server's processes and the load generator (taskset). */
  readonly pin: { readonly serverCpu: number; readonly loadCpu: number };
  /** How often the targets' resident memory is sampled (rss.ts). */
  readonly rssSampleMs: number;
}

const MiB = 1024 * 1024;

export interface BenchConfigOptions {
  readonly quick: boolean;
  /** Overrides of the wrk run lengths. */
  readonly durationSeconds?: number;
  readonly warmupSeconds?: number;
  readonly rounds?: number;
}

export function benchConfig(options: BenchConfigOptions): BenchConfig {
  const quick = options.quick;
  const largeBytes = quick ? 256 * MiB : 1024 * MiB;
  return {
    quick,
    // Two cores: one for the server under test, one for wrk (one thread, 16 connections).
    wrk: {
      threads: 1,
      connections: 16,
      durationSeconds: options.durationSeconds ?? (quick ? 3 : 4),
      rounds: options.rounds ?? (quick ? 1 : 3),
      warmupSeconds: options.warmupSeconds ?? 1,
      targetWarmupSeconds: quick ? 3 : 5,
    },
    smallObject: { bytes: 4096, keyCount: 256, bucket: 'bench-small' },
    largeObject: {
      bytes: largeBytes,
      timeoutSeconds: quick ? 30 : 60,
      bucket: 'bench-large',
      rounds: options.rounds ?? (quick ? 1 : 3),
      readsPerRound: quick ? 1 : 3,
    },
    dd: { bytes: largeBytes, timeoutSeconds: quick ? 30 : 60 },
    extraBenchTimeoutSeconds: quick ? 30 : 90,
    extraBenchTimeoutOverrides: { 'soak-bench.js': 110 },
    // The soak's minute and its setup come on top of what the others take.
    extraBudgetSeconds: quick ? 190 : 480,
    iamPolicyCount: 10,
    listing: {
      connections: 4,
      // Quick: each page was just fetched once to validate it, which is warm-up enough for a smoke test.
      durationSeconds: options.durationSeconds ?? (quick ? 2 : 3),
      warmupSeconds: options.warmupSeconds ?? (quick ? 0 : 1),
      rounds: options.rounds ?? (quick ? 1 : 3),
      pages: 5,
      smallBucketKeys: 20_000,
      largeBucketKeys: 1_000_000,
      seedBatch: 10_000,
      httpSeedConcurrency: 32,
      s3rverSeedLimitSeconds: 60,
      // Context only, and its seeding alone takes longer than --quick's budget allows.
      s3rver: !quick,
    },
    head: {
      connections: 16,
      durationSeconds: options.durationSeconds ?? (quick ? 3 : 4),
      warmupSeconds: options.warmupSeconds ?? 1,
      rounds: options.rounds ?? (quick ? 1 : 3),
    },
    oneCorePut: {
      count: 8,
      bytes: 128 * MiB,
      timeoutSeconds: quick ? 40 : 60,
      rounds: options.rounds ?? (quick ? 1 : 3),
    },
    pin: { serverCpu: 0, loadCpu: 1 },
    rssSampleMs: 200,
  };
}
