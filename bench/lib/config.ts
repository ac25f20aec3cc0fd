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
  readonly largeObject: { readonly bytes: number; readonly timeoutSeconds: number; readonly bucket: string; readonly rounds: number; readonly readsPerRound: number };
  readonly dd: { readonly bytes: number; readonly timeoutSeconds: number };
  /** Per external bench (bench/policy-bench.js ...), run after ours. */
  readonly extraBenchTimeoutSeconds: number;
  /**
   * What the external benches share, counted from when the first starts (the request-path part takes
   * what its scenarios take: a budget counted from the run's start left them nothing once it grew).
   */
  readonly extraBudgetSeconds: number;
  /** Attached managed policies for the IAM-user GET scenario. */
  readonly iamPolicyCount: number;
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
    largeObject: { bytes: largeBytes, timeoutSeconds: quick ? 30 : 60, bucket: 'bench-large', rounds: options.rounds ?? (quick ? 1 : 3), readsPerRound: quick ? 1 : 3 },
    dd: { bytes: largeBytes, timeoutSeconds: quick ? 30 : 60 },
    extraBenchTimeoutSeconds: quick ? 30 : 90,
    extraBudgetSeconds: quick ? 80 : 360,
    iamPolicyCount: 10,
  };
}
