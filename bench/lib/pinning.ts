/**
 * CPU pinning for the one-core scenarios (listings, HEAD against GET, the large PUT on one core): every
 * process of a target's tree, and every thread of each (`taskset -a`), on one CPU, the load generator
 * on the other, so the server's figure is what one core gives and the load generator's own cost does
 * not compete with it. Threads a pinned thread creates later (libuv's pool, V8's helpers) inherit its
 * mask. Each process's mask before pinning is restored afterwards.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** `pid` and its descendants (a Strongbox primary and its workers), parents first. */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const visit = (p: number) => {
    if (out.includes(p)) return;
    out.push(p);
    for (const child of childrenOf(p)) visit(child);
  };
  visit(pid);
  return out;
}

function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children = new Set<number>();
  for (const task of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/))
        if (c) children.add(Number(c));
    } catch {
      // the thread ended meanwhile
    }
  }
  return [...children];
}

/** "pid 123's current affinity mask: 3" → "3". */
export function parseAffinityMask(output: string): string | undefined {
  return /affinity mask:\s*([0-9a-fA-F,]+)\s*$/m.exec(output)?.[1];
}

export function tasksetAvailable(): boolean {
  return !spawnSync('taskset', ['--version']).error;
}

export interface Pinning {
  /** What was pinned, for the report (e.g. "3 processes on CPU 0"). */
  readonly description: string;
  restore(): void;
}

/**
 * Pins every thread of every process of each tree to `cpu` and returns how to put the masks back;
 * throws when taskset fails (the caller then reports the scenarios as not pinned).
 */
export function pinTrees(rootPids: readonly number[], cpu: number): Pinning {
  const saved: { pid: number; mask: string }[] = [];
  const restore = () => {
    for (const { pid, mask } of saved) spawnSync('taskset', ['-a', '-p', mask, String(pid)], { stdio: 'ignore' });
  };
  try {
    for (const root of rootPids) {
      for (const pid of processTree(root)) {
        const current = spawnSync('taskset', ['-p', String(pid)], { encoding: 'utf8' });
        const mask = parseAffinityMask(current.stdout ?? '');
        if (current.status !== 0 || mask === undefined) continue; // gone meanwhile
        const pinned = spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { encoding: 'utf8' });
        if (pinned.status !== 0)
          throw new Error(
            `taskset -a -p -c ${cpu} ${pid}: ${(pinned.stderr || pinned.stdout || String(pinned.error)).trim()}`,
          );
        saved.push({ pid, mask });
      }
    }
  } catch (err) {
    restore();
    throw err;
  }
  return { description: `${saved.length} process${saved.length === 1 ? '' : 'es'} on CPU ${cpu}`, restore };
}

/** The command line that runs `command args` on `cpu` (through taskset), or as is when `cpu` is undefined. */
export function onCpu(cpu: number | undefined, command: string, args: readonly string[]): [string, string[]] {
  return cpu === undefined ? [command, [...args]] : ['taskset', ['-c', String(cpu), command, ...args]];
}
