import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Measurement } from './measurement.js';
import { figureName, type Ratio } from './ratios.js';

/**
 * Peak resident memory per scenario (rss.ts, in each figure's detail): "largest process / whole tree"
 * in MiB, one column per target; undefined when no figure carries it.
 */
function rssTable(report: BenchReport, targets: readonly string[]): string | undefined {
  const withRss = report.measurements.filter(
    (m) => typeof m.detail?.rss_peak_process_mib === 'number' && m.scenario !== 'peak-rss',
  );
  if (withRss.length === 0) return undefined;
  const scenarios = [...new Set(withRss.map((m) => m.scenario))];
  const cell = (t: string, s: string) => {
    const m = withRss.find((x) => x.target === t && x.scenario === s);
    if (!m) return '-';
    const d = m.detail as Record<string, number>;
    return `${d.rss_peak_process_mib.toFixed(0)} / ${d.rss_peak_tree_mib.toFixed(0)}`;
  };
  return table(
    ['peak RSS, MiB (largest process / tree)', ...targets],
    scenarios.map((s) => [s, ...targets.map((t) => cell(t, s))]),
  );
}

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
  /** Seconds each part of the table took (suite.ts phases). */
  readonly phaseSeconds?: Readonly<Record<string, number>>;
}

export function writeReportJson(path: string, report: BenchReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}

/** A figure in its unit's precision: ops/s whole, ms to 1/100, pages/s whole from 100 on. */
function formatNumber(value: number, unit: Measurement['unit']): string {
  if (unit === 'ops/s' || (unit === 'pages/s' && value >= 100)) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(unit === 'ms' ? 2 : 1);
}

function formatValue(m: Measurement | undefined): string {
  if (!m) return '-';
  if (m.value === null) return m.status;
  const v = formatNumber(m.value, m.unit);
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
  if (typeof cpu === 'number' && m.unit !== 'ms') parts.push(`cpu ${cpu.toFixed(2)}`);
  const perPage = m.detail?.server_cpu_ms_per_page;
  if (typeof perPage === 'number' && m.unit !== 'ms') parts.push(`${perPage.toFixed(2)} ms/page`);
  const tree = m.detail?.rss_peak_tree_mib;
  if (m.scenario === 'peak-rss' && typeof tree === 'number') parts.push(`tree ${tree.toFixed(0)}`);
  if (m.status === 'partial') parts.push('PARTIAL');
  if (m.status === 'failed') parts.push('FAILED');
  return parts.join(' · ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
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
  out.push(
    `Strongbox request-path bench — ${report.generatedAt}${report.quick ? ' (--quick)' : ''}, ${report.totalSeconds.toFixed(0)} s`,
  );
  out.push(
    `machine: ${Object.entries(report.machine)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  );
  if (report.phaseSeconds)
    out.push(
      `time: ${Object.entries(report.phaseSeconds)
        .map(([k, v]) => `${k} ${v} s`)
        .join(', ')}`,
    );
  out.push('');
  out.push(
    table(
      ['scenario', 'unit', ...targets],
      scenarios.map((s) => [s.scenario, s.unit, ...targets.map((t) => formatValue(find(t, s.scenario)))]),
    ),
  );
  const dd = report.measurements.filter((m) => m.target === 'dd');
  if (dd.length > 0) {
    // One column per target the dd ran beside.
    const besides = [...new Set(dd.map((m) => m.beside ?? ''))];
    const ddScenarios = [...new Set(dd.map((m) => m.scenario))];
    const cell = (s: string, b: string) => formatValue(dd.find((m) => m.scenario === s && (m.beside ?? '') === b));
    out.push('');
    out.push(
      table(
        ['disk (dd), MB/s', ...besides.map((b) => (b === '' ? 'dd' : `beside ${b}`))],
        ddScenarios.map((s) => [s, ...besides.map((b) => cell(s, b))]),
      ),
    );
  }
  const rss = rssTable(report, targets);
  if (rss) out.push('', rss);
  out.push('');
  const ratioValue = (r: Ratio) =>
    r.value === null
      ? '-'
      : r.unit === undefined
        ? r.value.toFixed(2)
        : `${r.value.toFixed(r.unit === 'ms' ? 2 : 1)} ${r.unit}`;
  const goal = (r: Ratio) =>
    r.goal === null ? '' : `${r.bound === 'max' ? '<' : '>='} ${r.goal}${r.unit ? ` ${r.unit}` : ''}`;
  out.push(
    table(
      ['ratio', 'value', 'goal', 'verdict'],
      report.ratios.map((r) => [r.name, ratioValue(r), goal(r), r.verdict]),
    ),
  );
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
