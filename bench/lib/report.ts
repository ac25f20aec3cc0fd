import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Measurement } from './measurement.js';
import { figureName, type Ratio } from './ratios.js';

export interface TargetInfo {
  readonly name: string;
  readonly status: 'ran' | 'skipped' | 'failed';
  readonly durability?: string;
  readonly note?: string;
}

export interface ExtraBenchResult {
  readonly script: string;
  readonly exitCode: number | null;
  readonly seconds: number;
  readonly timedOut: boolean;
  /** Not started: the overall time budget was spent. */
  readonly notRun?: boolean;
}

export interface BenchReport {
  readonly schema: 1;
  readonly generatedAt: string;
  readonly quick: boolean;
  readonly machine: Readonly<Record<string, string | number>>;
  readonly config: unknown;
  readonly targets: readonly TargetInfo[];
  readonly measurements: readonly Measurement[];
  readonly ratios: readonly Ratio[];
  readonly extraBenches: readonly ExtraBenchResult[];
  readonly totalSeconds: number;
}

export function writeReportJson(path: string, report: BenchReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}

function formatValue(m: Measurement | undefined): string {
  if (!m) return '-';
  if (m.value === null) return m.status;
  const v = m.unit === 'ops/s' ? Math.round(m.value).toLocaleString('en-US') : m.value.toFixed(1);
  const parts = [v];
  // The spread of the rounds the median came from.
  const rounds = typeof m.detail?.rounds === 'string' ? m.detail.rounds.split(' ').map(Number) : [];
  if (rounds.length > 1) {
    const fmt = (x: number) => (m.unit === 'ops/s' ? Math.round(x).toLocaleString('en-US') : x.toFixed(0));
    parts.push(`${fmt(Math.min(...rounds))}–${fmt(Math.max(...rounds))}`);
  }
  const p99 = m.detail?.p99_ms;
  if (typeof p99 === 'number') parts.push(`p99 ${p99.toFixed(1)}ms`);
  const cpu = m.detail?.server_cpu_cores;
  if (typeof cpu === 'number') parts.push(`cpu ${cpu.toFixed(2)}`);
  if (m.status === 'partial') parts.push('PARTIAL');
  if (m.status === 'failed') parts.push('FAILED');
  return parts.join(' · ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The human-readable report: one row per scenario, one column per target, then the ratios. */
export function formatReport(report: BenchReport): string {
  const targets = report.targets.map((t) => t.name);
  const scenarios: { scenario: string; unit: string }[] = [];
  for (const m of report.measurements) {
    if (m.target === 'dd') continue;
    if (!scenarios.some((s) => s.scenario === m.scenario)) scenarios.push({ scenario: m.scenario, unit: m.unit });
  }
  const find = (t: string, s: string) => report.measurements.find((m) => m.target === t && m.scenario === s);
  const out: string[] = [];
  out.push(`Strongbox request-path bench — ${report.generatedAt}${report.quick ? ' (--quick)' : ''}, ${report.totalSeconds.toFixed(0)} s`);
  out.push(`machine: ${Object.entries(report.machine).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  out.push('');
  out.push(table(['scenario', 'unit', ...targets], scenarios.map((s) => [s.scenario, s.unit, ...targets.map((t) => formatValue(find(t, s.scenario)))])));
  const dd = report.measurements.filter((m) => m.target === 'dd');
  if (dd.length > 0) {
    // One column per target the dd ran beside.
    const besides = [...new Set(dd.map((m) => m.beside ?? ''))];
    const ddScenarios = [...new Set(dd.map((m) => m.scenario))];
    const cell = (s: string, b: string) => formatValue(dd.find((m) => m.scenario === s && (m.beside ?? '') === b));
    out.push('');
    out.push(table(['disk (dd), MB/s', ...besides.map((b) => (b === '' ? 'dd' : `beside ${b}`))], ddScenarios.map((s) => [s, ...besides.map((b) => cell(s, b))])));
  }
  out.push('');
  out.push(table(['ratio', 'value', 'goal', 'verdict'], report.ratios.map((r) => [r.name, r.value === null ? '-' : r.value.toFixed(2), r.goal === null ? '' : `>= ${r.goal}`, r.verdict])));
  const notes = [
    ...report.targets.filter((t) => t.note).map((t) => `${t.name}: ${t.status}: ${t.note}`),
    ...report.measurements.filter((m) => m.note).map((m) => `${figureName(m)}: ${m.status}: ${m.note}`),
  ];
  if (notes.length > 0) {
    out.push('');
    out.push('notes:');
    for (const n of notes) out.push(`  - ${n}`);
  }
  const durability = report.targets.filter((t) => t.durability).map((t) => `${t.name}: ${t.durability}`);
  if (durability.length > 0) out.push(`PUT durability: ${durability.join('; ')}`);
  return out.join('\n');
}
