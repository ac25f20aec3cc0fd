export type Unit = 'ops/s' | 'MB/s';

/** One figure of the report: a target (or `dd`) doing one scenario. */
export interface Measurement {
  readonly target: string;
  readonly scenario: string;
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
  return { target, scenario, unit, value: null, status: 'failed', note: message.split('\n').slice(0, 6).join(' | ').slice(0, 600) };
}

export function skipped(target: string, scenario: string, unit: Unit, reason: string): Measurement {
  return { target, scenario, unit, value: null, status: 'skipped', note: reason };
}
