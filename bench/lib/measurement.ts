/** `pages/s`: listing pages of 1000 entries per second; `ms`: server CPU per page; `MiB`: resident memory. */
export type Unit = 'ops/s' | 'MB/s' | 'pages/s' | 'ms' | 'MiB';

/** One figure of the report: a target (or `dd`) doing one scenario. */
export interface Measurement {
  readonly target: string;
  readonly scenario: string;
  /** dd only: the target whose large-object transfers this dd ran right before. */
  readonly beside?: string;
  readonly unit: Unit;
  /** null when the scenario failed or was skipped. */
  readonly value: number | null;
  readonly status: 'ok' | 'partial' | 'failed' | 'skipped';
  readonly note?: string;
  readonly detail?: Readonly<Record<string, number | string | boolean>>;
}

export const MB = 1e6;

export function failed(target: string, scenario: string, unit: Unit, err: unknown): Measurement {
  const message = err instanceof Error ? err.message : String(err);
  return {
    target,
    scenario,
    unit,
    value: null,
    status: 'failed',
    note: message.split('\n').slice(0, 6).join(' | ').slice(0, 600),
  };
}

export function skipped(target: string, scenario: string, unit: Unit, reason: string): Measurement {
  return { target, scenario, unit, value: null, status: 'skipped', note: reason };
}

/**
 * The figure of a scenario measured in rounds: the round with the median value (of an even count the
 * lower middle one, a figure that was measured), its detail extended with every round's value in
 * order (`rounds`). A failed or skipped round makes the scenario failed: its first such round, with
 * the round number in the note. (A "round" here is one measurement: where a round repeats a
 * measurement, as the large-object reads do, each repeat counts as one.)
 */
export function medianOfRounds(rounds: readonly Measurement[]): Measurement {
  if (rounds.length === 0) throw new Error('medianOfRounds: no round');
  const bad = rounds.findIndex((r) => r.value === null || r.status === 'failed' || r.status === 'skipped');
  if (bad >= 0) {
    const r = rounds[bad];
    return rounds.length === 1 ? r : { ...r, note: `round ${bad + 1} of ${rounds.length}: ${r.note ?? r.status}` };
  }
  const sorted = [...rounds].sort((a, b) => (a.value as number) - (b.value as number));
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (rounds.length === 1) return median;
  const digits = median.unit === 'ops/s' ? 0 : median.unit === 'ms' ? 2 : 1;
  const partial = rounds.some((r) => r.status === 'partial');
  return {
    ...median,
    ...(partial ? { status: 'partial' as const } : {}),
    detail: { ...median.detail, rounds: rounds.map((r) => (r.value as number).toFixed(digits)).join(' ') },
  };
}

/**
 * `medianOfRounds` of every figure in `runs`, one per target (and `beside`) and scenario, in the order
 * each first appears: the runs need not measure each figure the same number of times.
 */
export function medianOfEach(runs: readonly Measurement[]): Measurement[] {
  const groups = new Map<string, Measurement[]>();
  for (const m of runs) {
    const key = JSON.stringify([m.target, m.beside ?? '', m.scenario]);
    const group = groups.get(key);
    if (group) group.push(m);
    else groups.set(key, [m]);
  }
  return [...groups.values()].map(medianOfRounds);
}
