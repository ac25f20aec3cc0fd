import { BUCKET_POLICY_STATEMENTS } from './bucket-policy.js';
import type { Measurement } from './measurement.js';

export interface FigureRef {
  readonly target: string;
  readonly scenario: string;
  /** For dd: the target it ran beside (suite.ts). */
  readonly beside?: string;
}

export interface RatioSpec {
  readonly name: string;
  readonly numerator: FigureRef;
  readonly denominator: FigureRef;
  /** The project's target for this ratio; absent for figures given for context only. */
  readonly goal?: number;
}

export interface Ratio {
  readonly name: string;
  readonly value: number | null;
  readonly goal: number | null;
  /** 'n/a' when a figure is missing (target not run, scenario failed). */
  readonly verdict: 'pass' | 'FAIL' | 'info' | 'n/a';
  readonly numerator: FigureRef;
  readonly denominator: FigureRef;
  readonly note?: string;
}

/** Scenario ids shared by the runner and the ratio table. */
export const SCENARIO = {
  getHeader: 'get-4KiB-header',
  getPresigned: 'get-4KiB-presigned',
  put: 'put-4KiB-header',
  getIam: 'get-4KiB-header-iam-user',
  getRoleSession: 'get-4KiB-header-role-session',
  getBucketPolicy: 'get-4KiB-header-bucket-policy',
  getAuditOff: 'get-4KiB-header-trail-stopped',
  getAuditOn: 'get-4KiB-header-trail-all-data-events',
  putAuditOff: 'put-4KiB-header-trail-stopped',
  putAuditOn: 'put-4KiB-header-trail-all-data-events',
} as const;

export function largeLabel(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))}MiB`;
}

export function ratioSpecs(largeBytes: number, iamPolicyCount: number): RatioSpec[] {
  const L = largeLabel(largeBytes);
  const sb = (scenario: string): FigureRef => ({ target: 'strongbox', scenario });
  const ref = (target: string, scenario: string): FigureRef => ({ target, scenario });
  // Each target's large transfers are compared with the dd that ran right before them.
  const dd = (scenario: string, beside: string): FigureRef => ({ target: 'dd', scenario, beside });
  const specs: RatioSpec[] = [
    { name: 'GET 4KiB header-signed: strongbox / bare', numerator: sb(SCENARIO.getHeader), denominator: ref('bare', SCENARIO.getHeader), goal: 1.0 },
    { name: 'GET 4KiB presigned: strongbox / bare', numerator: sb(SCENARIO.getPresigned), denominator: ref('bare', SCENARIO.getPresigned), goal: 1.0 },
    { name: 'GET 4KiB header-signed: strongbox / s3rver', numerator: sb(SCENARIO.getHeader), denominator: ref('s3rver', SCENARIO.getHeader), goal: 3 },
    { name: 'GET 4KiB presigned: strongbox / s3rver', numerator: sb(SCENARIO.getPresigned), denominator: ref('s3rver', SCENARIO.getPresigned), goal: 3 },
    { name: 'PUT 4KiB: strongbox (fsync) / bare (no fsync)', numerator: sb(SCENARIO.put), denominator: ref('bare', SCENARIO.put), goal: 0.5 },
    { name: 'PUT 4KiB: strongbox / s3rver', numerator: sb(SCENARIO.put), denominator: ref('s3rver', SCENARIO.put) },
    { name: `GET 4KiB: IAM user (${iamPolicyCount} policies) / root`, numerator: sb(SCENARIO.getIam), denominator: sb(SCENARIO.getHeader), goal: 0.9 },
    {
      name: `GET 4KiB: ${BUCKET_POLICY_STATEMENTS}-statement conditional bucket policy / none (root)`,
      numerator: sb(SCENARIO.getBucketPolicy),
      denominator: sb(SCENARIO.getHeader),
      goal: 0.9,
    },
    {
      name: `GET 4KiB: role session (${iamPolicyCount} policies + SCP) / IAM user (${iamPolicyCount} policies)`,
      numerator: sb(SCENARIO.getRoleSession),
      denominator: sb(SCENARIO.getIam),
      goal: 0.9,
    },
    // Issue #16: every request's data event written ahead of its response, against no trail (alternate rounds).
    { name: 'GET 4KiB: trail with all data events / trail stopped', numerator: sb(SCENARIO.getAuditOn), denominator: sb(SCENARIO.getAuditOff), goal: 0.9 },
    { name: 'PUT 4KiB: trail with all data events / trail stopped', numerator: sb(SCENARIO.putAuditOn), denominator: sb(SCENARIO.putAuditOff), goal: 0.9 },
    // With `--baseline <commit>`: this build against an earlier one (e.g. SSE-S3 by default against plaintext).
    { name: 'GET 4KiB header-signed: strongbox / baseline', numerator: sb(SCENARIO.getHeader), denominator: ref('baseline', SCENARIO.getHeader), goal: 0.85 },
    { name: 'PUT 4KiB: strongbox / baseline', numerator: sb(SCENARIO.put), denominator: ref('baseline', SCENARIO.put), goal: 0.85 },
    { name: 'GET 4KiB header-signed: s3rver / bare', numerator: ref('s3rver', SCENARIO.getHeader), denominator: ref('bare', SCENARIO.getHeader) },
  ];
  specs.push(
    { name: `PUT ${L}: strongbox / baseline`, numerator: sb(`put-${L}`), denominator: ref('baseline', `put-${L}`) },
    { name: `GET ${L}: strongbox / baseline`, numerator: sb(`get-${L}`), denominator: ref('baseline', `get-${L}`) },
  );
  for (const target of ['strongbox', 'bare', 's3rver']) {
    const goal = target === 'strongbox' ? { goal: 0.8 } : {};
    specs.push(
      { name: `PUT ${L}: ${target} / dd write (fdatasync)`, numerator: ref(target, `put-${L}`), denominator: dd('write-fdatasync', target), ...goal },
      { name: `GET ${L}: ${target} / dd read (O_DIRECT)`, numerator: ref(target, `get-${L}`), denominator: dd('read-direct', target), ...goal },
      { name: `GET ${L}: ${target} / dd read (page cache)`, numerator: ref(target, `get-${L}`), denominator: dd('read-cached', target) },
    );
  }
  return specs;
}

export function computeRatios(specs: readonly RatioSpec[], measurements: readonly Measurement[]): Ratio[] {
  const find = (f: FigureRef) => measurements.find((m) => m.target === f.target && m.scenario === f.scenario && m.beside === f.beside);
  return specs.map((spec) => {
    const num = find(spec.numerator);
    const den = find(spec.denominator);
    const base = { name: spec.name, goal: spec.goal ?? null, numerator: spec.numerator, denominator: spec.denominator };
    const usable = (m: Measurement | undefined) => m !== undefined && m.value !== null && m.value > 0 && (m.status === 'ok' || m.status === 'partial');
    if (!usable(num) || !usable(den)) {
      const missing = [spec.numerator, spec.denominator].filter((_, i) => !usable([num, den][i])).map(figureName);
      return { ...base, value: null, verdict: 'n/a', note: `no figure for ${missing.join(', ')}` };
    }
    const value = num!.value! / den!.value!;
    const partial = num!.status === 'partial' || den!.status === 'partial' ? { note: 'from a partial (time-limited) transfer' } : {};
    if (spec.goal === undefined) return { ...base, value, verdict: 'info', ...partial };
    return { ...base, value, verdict: value >= spec.goal ? 'pass' : 'FAIL', ...partial };
  });
}

/** `strongbox/put-1024MiB`, `dd/write-fdatasync (beside strongbox)`. */
export function figureName(f: FigureRef): string {
  return `${f.target}/${f.scenario}${f.beside === undefined ? '' : ` (beside ${f.beside})`}`;
}
