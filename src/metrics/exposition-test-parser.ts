/**
 * Tests only: a strict reader of the Prometheus text format 0.0.4, written from the format's
 * description (https://prometheus.io/docs/instrumenting/exposition_formats/#text-format-details), not
 * from our renderer, so the tests check our output against the format rather than against itself.
 * It throws on anything a Prometheus server would refuse or that the format forbids: a sample outside
 * its family, a family declared twice, a bad escape, a histogram whose buckets are not cumulative or
 * lack `+Inf`, a `_count` different from the `+Inf` bucket.
 */

export interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ParsedFamily {
  readonly name: string;
  help?: string;
  type?: string;
  readonly samples: ParsedSample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? ([^ ]+)$/;

export function parseExposition(text: string): Map<string, ParsedFamily> {
  if (text !== '' && !text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families = new Map<string, ParsedFamily>();
  let current: ParsedFamily | undefined;
  for (const line of text.split('\n').slice(0, -1)) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta;
      if (current?.name !== name) {
        if (families.has(name)) throw new Error(`family ${name} declared twice`);
        current = { name, samples: [] };
        families.set(name, current);
      }
      if (kind === 'HELP') current.help = unescape(rest, 'help');
      else if (['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) current.type = rest;
      else throw new Error(`bad TYPE: ${line}`);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const [, name, labelText, valueText] = m;
    if (!current || !belongs(name, current)) throw new Error(`sample ${name} outside its family`);
    current.samples.push({ name, labels: labelText ? parseLabels(labelText) : {}, value: parseValue(valueText) });
  }
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function belongs(sample: string, family: ParsedFamily): boolean {
  if (family.type !== 'histogram') return sample === family.name;
  return ['_bucket', '_sum', '_count'].some((s) => sample === family.name + s);
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text.slice(1, -1);
  while (rest !== '') {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/.exec(rest);
    if (!m) throw new Error(`bad labels: ${text}`);
    if (Object.hasOwn(labels, m[1])) throw new Error(`label ${m[1]} twice: ${text}`);
    labels[m[1]] = unescape(m[2], 'label');
    rest = rest.slice(m[0].length);
  }
  return labels;
}

function unescape(text: string, where: 'help' | 'label'): string {
  return text.replace(/\\(.)/g, (_, c: string) => {
    if (c === 'n') return '\n';
    if (c === '\\') return '\\';
    if (c === '"' && where === 'label') return '"';
    throw new Error(`bad escape \\${c} in ${where}`);
  });
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(text)) throw new Error(`bad value: ${text}`);
  return Number(text);
}

/** Each series (labels without `le`): buckets ascending in `le`, cumulative, ending in `+Inf` = `_count`. */
function checkHistogram(f: ParsedFamily): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number; sum?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (s.name.endsWith('_bucket')) entry.buckets.push([parseValue(le ?? 'missing'), s.value]);
    else if (s.name.endsWith('_count')) entry.count = s.value;
    else entry.sum = s.value;
  }
  for (const [key, e] of series) {
    const last = e.buckets.at(-1);
    if (!last || last[0] !== Infinity) throw new Error(`${f.name}${key}: no +Inf bucket`);
    e.buckets.forEach(([le, v], i) => {
      const [previousLe, previous] = e.buckets[i - 1] ?? [-Infinity, 0];
      if (le <= previousLe || v < previous) throw new Error(`${f.name}${key}: buckets not cumulative`);
    });
    if (e.count !== last[1] || e.sum === undefined) throw new Error(`${f.name}${key}: _count/_sum wrong`);
  }
}

/** The value of the one sample of `family` whose labels include `labels`; undefined when none. */
export function sampleValue(
  families: Map<string, ParsedFamily>,
  family: string,
  labels: Readonly<Record<string, string>>,
  sampleName = family,
): number | undefined {
  const matches = (families.get(family)?.samples ?? []).filter(
    (s) => s.name === sampleName && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (matches.length > 1) throw new Error(`${matches.length} samples of ${sampleName} match ${JSON.stringify(labels)}`);
  return matches[0]?.value;
}
