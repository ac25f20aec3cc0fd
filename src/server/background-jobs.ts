/**
 * The one home of background work (lifecycle today; replication, inventory, audit delivery later).
 *
 * - Started by the composition root (main.ts) once the server listens, stopped — and awaited — by
 *   graceful shutdown before the stores close: a pass in progress is told to stop (its AbortSignal)
 *   and finishes the step it is in.
 * - At most one process per data directory runs them (BackgroundLease: the worker holding
 *   `background.lock`; a one-process server always holds it). The others keep trying, so when the
 *   holder dies another worker takes over.
 * - Work comes in bounded passes: a job does at most its budget (keys, milliseconds) and returns; the
 *   runner yields to the event loop between passes (`busyPauseMs` when the job has more to do, the idle
 *   interval when it has not), so requests are never kept waiting behind a long scan.
 * - Jobs keep their own progress in a store (BackgroundStore) so a restart resumes where it stopped,
 *   and make each change one small transaction through the same paths requests use, so a crash in a
 *   pass loses nothing acknowledged and re-running a step is harmless.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';

export type PassResult =
  /** More work is due now: run again after a short pause. */
  | 'More'
  /** Nothing due: run again after the idle interval. */
  | 'Idle';

export interface PassContext {
  /** Aborted when the server shuts down: stop at the next step boundary. */
  readonly signal: AbortSignal;
}

export interface BackgroundJob {
  /** Names its log lines and its progress records. */
  readonly name: string;
  /** One bounded pass. A thrown error is logged and the job runs again after the idle interval. */
  runPass(ctx: PassContext): Promise<PassResult>;
  /** This job's pause after an `Idle` pass, when it differs from the runner's (the auditor: 1 s). */
  readonly idleIntervalMs?: number;
}

/** The lease on running background work in this data directory (background-lease.ts). */
export interface JobLease {
  tryHold(): boolean;
  release(): void;
}

export interface BackgroundJobsOptions {
  readonly jobs: readonly BackgroundJob[];
  readonly lease: JobLease;
  readonly logger: Logger;
  /** Pause after a pass that found nothing due. */
  readonly idleIntervalMs: number;
  /** Pause after a pass that stopped at its budget (the event loop serves requests meanwhile). */
  readonly busyPauseMs?: number;
  /** How often a process without the lease tries to take it. */
  readonly leaseRetryMs?: number;
  /** Run before each pass (a worker drops caches another process made stale, as before a request). */
  readonly beforePass?: () => void;
}

export class BackgroundJobs {
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private leased = false;
  private readonly passes = new Map<string, { lastPassAt?: Date; errors: number }>();

  constructor(private readonly options: BackgroundJobsOptions) {}

  /** Starts the loop (once); it runs until `stop`. */
  start(): void {
    if (this.loop !== undefined || this.options.jobs.length === 0) return;
    const stopped = (err: unknown) => this.options.logger.error({ err }, 'background jobs stopped unexpectedly');
    this.loop = this.run().catch(stopped);
  }

  /** Stops the loop, waiting for a pass in progress to reach a step boundary; releases the lease. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.options.lease.release();
  }

  private async run(): Promise<void> {
    const { signal } = this.abort;
    const retryMs = this.options.leaseRetryMs ?? 5_000;
    // When each job is due next (ms since the epoch): a job runs again after its own pause.
    const due = new Map<BackgroundJob, number>();
    while (!signal.aborted) {
      if (!this.holdLease()) {
        await pause(retryMs, signal);
        continue;
      }
      for (const job of this.options.jobs) {
        if (signal.aborted) break;
        if ((due.get(job) ?? 0) > Date.now()) continue;
        const more = (await this.runPass(job, signal)) === 'More';
        const wait = more ? (this.options.busyPauseMs ?? 10) : (job.idleIntervalMs ?? this.options.idleIntervalMs);
        due.set(job, Date.now() + wait);
      }
      const next = Math.min(...this.options.jobs.map((j) => due.get(j) ?? 0));
      await pause(Math.max(0, next - Date.now()), signal);
    }
  }

  private holdLease(): boolean {
    const held = this.options.lease.tryHold();
    if (held && !this.leased) this.options.logger.info({ pid: process.pid }, 'this process runs the background jobs');
    this.leased = held;
    return held;
  }

  /** Each job's last pass and failures in this process (metrics). */
  states(): { job: string; lastPassAt?: Date; errors: number }[] {
    return this.options.jobs.map((j) => ({ job: j.name, errors: 0, ...this.passes.get(j.name) }));
  }

  private async runPass(job: BackgroundJob, signal: AbortSignal): Promise<PassResult> {
    const state = this.passes.get(job.name) ?? { errors: 0 };
    this.passes.set(job.name, state);
    try {
      this.options.beforePass?.();
      return await job.runPass({ signal });
    } catch (err) {
      state.errors++;
      this.options.logger.error({ err, job: job.name }, 'background pass failed');
      return 'Idle';
    } finally {
      state.lastPassAt = new Date();
    }
  }
}

/** Waits `ms`, or less when aborted; never rejects. The timer does not keep the process alive. */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal, ref: false });
  } catch {
    // aborted: the loop sees it
  }
}
