import { readFileSync } from 'node:fs';

/**
 * CPU time over an interval, from /proc (Linux): how many cores the server under test kept busy, and how
 * busy the whole machine was. On a shared 2-core machine the difference tells whether other work
 * (builds, tests) competed with the run; the report keeps both next to each figure.
 */
export interface CpuUsage {
  /**
   * Average cores used by the watched process and its child processes (a server's workers) over the
   * interval (1.0 = one core saturated).
   */
  readonly processCores: number | undefined;
  /** Average busy cores of the whole machine over the interval. */
  readonly machineCores: number | undefined;
}

interface Snapshot {
  readonly at: number;
  readonly processTicks: number | undefined;
  readonly machineBusyTicks: number | undefined;
}

// USER_HZ is 100 on every Linux configuration node supports.
const TICKS_PER_SECOND = 100;

export function cpuSnapshot(pid: number | undefined): Snapshot {
  return { at: performance.now(), processTicks: pid === undefined ? undefined : processTicks(pid), machineBusyTicks: machineBusyTicks() };
}

export function cpuSince(start: Snapshot, pid: number | undefined): CpuUsage {
  const end = cpuSnapshot(pid);
  const seconds = (end.at - start.at) / 1000;
  const rate = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || seconds <= 0 ? undefined : Math.round(((b - a) / TICKS_PER_SECOND / seconds) * 100) / 100;
  return { processCores: rate(start.processTicks, end.processTicks), machineCores: rate(start.machineBusyTicks, end.machineBusyTicks) };
}

/** CPU ticks of `pid` and of its live children (the parent's own figure counts only children that exited). */
function processTicks(pid: number): number | undefined {
  const own = ticksOf(pid);
  if (own === undefined) return undefined;
  return childrenOf(pid).reduce((sum, child) => sum + (ticksOf(child) ?? 0), own);
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function ticksOf(pid: number): number | undefined {
  try {
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the line.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function machineBusyTicks(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [, ...values] = line.trim().split(/\s+/);
    const n = values.map(Number);
    // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
    return n.slice(0, 8).reduce((a, b) => a + b, 0) - n[3] - n[4];
  } catch {
    return undefined;
  }
}
