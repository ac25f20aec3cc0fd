/**
 * Resident memory of the targets: VmRSS of every process of each target's tree (a Strongbox primary
 * and its workers), read from /proc/<pid>/status every ~200 ms while the suite runs. Per window (one
 * scenario of the suite) and over the whole run it keeps, per target, the peak of the largest single
 * process and the peak of the tree's sum.
 */
import { readFileSync } from 'node:fs';
import { processTree } from './pinning.js';

/** `VmRSS:    123456 kB` (or VmHWM, the kernel's own peak) of a /proc/<pid>/status text, in KiB. */
export function parseStatusKib(status: string, field: 'VmRSS' | 'VmHWM'): number | undefined {
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  return m ? Number(m[1]) : undefined;
}

/** VmRSS and VmHWM (KiB) of each live process of the tree of `pid`. */
export function treeKib(pid: number): { rss: number[]; hwm: number[] } {
  const rss: number[] = [];
  const hwm: number[] = [];
  for (const p of processTree(pid)) {
    let status: string;
    try {
      status = readFileSync(`/proc/${p}/status`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const r = parseStatusKib(status, 'VmRSS');
    const h = parseStatusKib(status, 'VmHWM');
    if (r !== undefined) rss.push(r);
    if (h !== undefined) hwm.push(h);
  }
  return { rss, hwm };
}

export interface RssPeak {
  /** The largest single process, MiB. */
  readonly processMiB: number;
  /** The whole tree at once, MiB. */
  readonly treeMiB: number;
  readonly samples: number;
}

/** Running peaks of a series of samples (each: every process's KiB at one instant). */
export class PeakTracker {
  private process = 0;
  private tree = 0;
  private count = 0;

  add(kib: readonly number[]): void {
    if (kib.length === 0) return;
    this.count++;
    this.process = Math.max(this.process, ...kib);
    this.tree = Math.max(
      this.tree,
      kib.reduce((a, b) => a + b, 0),
    );
  }

  peak(): RssPeak | undefined {
    if (this.count === 0) return undefined;
    const mib = (k: number) => Math.round((k / 1024) * 10) / 10;
    return { processMiB: mib(this.process), treeMiB: mib(this.tree), samples: this.count };
  }
}

export interface SampledTarget {
  readonly name: string;
  readonly pid: number;
}

/**
 * Samples every target's tree on a timer. `window()` starts a new window (the suite calls it when a
 * scenario starts); `windowPeak(target)` is that target's peak since, `runPeak(target)` over the run.
 */
export class RssSampler {
  private readonly timer: NodeJS.Timeout;
  private readonly run = new Map<string, PeakTracker>();
  private current = new Map<string, PeakTracker>();
  /** What the kernel says each process's peak was (VmHWM), at the last sample: catches spikes between samples. */
  private readonly hwm = new Map<string, number>();

  constructor(
    private readonly targets: readonly SampledTarget[],
    intervalMs: number,
  ) {
    for (const t of targets) this.run.set(t.name, new PeakTracker());
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  window(): void {
    this.current = new Map();
    this.sample();
  }

  windowPeak(target: string): RssPeak | undefined {
    return this.current.get(target)?.peak();
  }

  runPeak(target: string): RssPeak | undefined {
    return this.run.get(target)?.peak();
  }

  /** The largest VmHWM of any process of the target's tree seen while sampling, MiB. */
  highWaterMiB(target: string): number | undefined {
    const kib = this.hwm.get(target);
    return kib === undefined ? undefined : Math.round((kib / 1024) * 10) / 10;
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }

  private sample(): void {
    for (const t of this.targets) {
      const { rss, hwm } = treeKib(t.pid);
      this.run.get(t.name)?.add(rss);
      let w = this.current.get(t.name);
      if (!w) this.current.set(t.name, (w = new PeakTracker()));
      w.add(rss);
      if (hwm.length > 0) this.hwm.set(t.name, Math.max(this.hwm.get(t.name) ?? 0, ...hwm));
    }
  }
}

/** The window's peaks as measurement detail. */
export function rssDetail(peak: RssPeak | undefined): Record<string, number> {
  return peak === undefined ? {} : { rss_peak_process_mib: peak.processMiB, rss_peak_tree_mib: peak.treeMiB };
}
