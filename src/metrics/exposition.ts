/**
 * The Prometheus text exposition format, version 0.0.4: what `/metrics` answers.
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 *
 * Metrics are collected as plain data (MetricFamily) and rendered here, in one place: a family is its
 * `# HELP` and `# TYPE` lines followed by its samples, each family once. Label values escape `\`, `"`
 * and line feed; HELP text escapes `\` and line feed; values are Go floats (`+Inf`, `-Inf`, `NaN`).
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

export type Labels = Readonly<Record<string, string>>;

/** One line of a family: `suffix` is appended to the family name (`_bucket`, `_sum`, `_count`, or ''). */
export interface Sample {
  readonly suffix: '' | '_bucket' | '_sum' | '_count';
  readonly labels: Labels;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: readonly Sample[];
}

/** The Content-Type of the format (what Prometheus negotiates for 0.0.4). */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Whether `name` may name a metric. */
export function isMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

/** Whether `name` may name a label (`__` names are reserved for Prometheus itself). */
export function isLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && !name.startsWith('__');
}

/** The whole exposition: every family, in the order given, ending with a line feed. */
export function renderExposition(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const s of family.samples) {
      lines.push(`${family.name}${s.suffix}${renderLabels(s.labels)} ${formatValue(s.value)}`);
    }
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

function renderLabels(labels: Labels): string {
  let out = '';
  for (const name in labels) {
    out += `${out === '' ? '' : ','}${name}="${escapeLabelValue(labels[name])}"`;
  }
  return out === '' ? '' : `{${out}}`;
}

export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

/** A sample value (or an `le` bound) as Go's ParseFloat reads it. */
export function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  return String(value);
}
