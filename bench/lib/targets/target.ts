import type { Cleanup } from '../cleanup.js';
import type { Credentials, Endpoint } from '../signer.js';

export interface TargetContext {
  /** The run's temporary directory; each target gets `<benchDir>/<name>/`. */
  readonly benchDir: string;
  /** Repository root (to find dist/src/cli.js and dist/bench/lib/*.js). */
  readonly repoRoot: string;
  readonly cleanup: Cleanup;
}

/** A server under test, started by the bench and listening on 127.0.0.1. */
export interface RunningTarget {
  readonly name: string;
  readonly endpoint: Endpoint;
  readonly region: string;
  /** Credentials with full access (the account root, or whatever a reference accepts). */
  readonly credentials: Credentials;
  /** Whether the target implements the IAM API (IAM-user scenarios run only then). */
  readonly supportsIam: boolean;
  /** How PUT persists bytes, for the report ("fsync before ack", "page cache only" ...). */
  readonly durability: string;
  readonly pid: number;
  /**
   * Strongbox only: its `--data-dir`, and the checkout whose `dist/src` it runs (this one, or the
   * baseline's build), so storage-seeder.ts can write through its own storage layer.
   */
  readonly storage?: { readonly dataDir: string; readonly buildRoot: string };
  logTail(lines?: number): string;
  /** Stops the process and removes its data directory. */
  stop(): Promise<void>;
}

export interface TargetDefinition {
  readonly name: string;
  /** Why the target cannot run here (e.g. not built yet), or undefined when it can. */
  unavailableReason(ctx: TargetContext): string | undefined;
  start(ctx: TargetContext): Promise<RunningTarget>;
}
