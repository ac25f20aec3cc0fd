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
  /** Absent: the line is the numerator's own figure held against the goal (e.g. ms per page, MiB). */
  readonly denominator?: FigureRef;
  /** The project's target for this ratio; absent for figures given for context only. */
  readonly goal?: number;
  /** `min` (default): the value must reach the goal (>=); `max`: it must stay below it (<). */
  readonly bound?: 'min' | 'max';
  /** The unit of a line without a denominator, for the report. */
  readonly unit?: string;
}

export interface Ratio {
  readonly name: string;
  readonly value: number | null;
  readonly goal: number | null;
  readonly bound: 'min' | 'max';
  /** 'n/a' when a figure is missing (target not run, scenario failed). */
  readonly verdict: 'pass' | 'FAIL' | 'info' | 'n/a';
  readonly numerator: FigureRef;
  readonly denominator?: FigureRef;
  readonly unit?: string;
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
  // Issue #21. HEAD and its GET both from http-load.ts (wrk cannot HEAD), the server on one core.
  head: 'head-4KiB-header',
  getHttpLoad: 'get-4KiB-header-http-load',
  list20k: 'list-v2-1000-of-20k',
  list1M: 'list-v2-1000-of-1M',
  /** The server's CPU time per page of list1M, ms. */
  list1MCpu: 'list-v2-1000-of-1M-server-cpu',
  listVersions: 'list-versions-1000',
  listPrefixes: 'list-delimiter-1000-prefixes',
  listBigPrefix: 'list-delimiter-big-prefix',
  putOneCore: 'put-8x128MiB-one-core',
  /** Per target, over the whole run: the largest single process's resident memory, MiB. */
  peakRss: 'peak-rss',
} as const;

/** The listing scenarios and their names in the ratio table. */
export const LISTINGS: readonly { readonly scenario: string; readonly label: string }[] = [
  { scenario: SCENARIO.list20k, label: 'LIST v2 1000 of 20k' },
  { scenario: SCENARIO.list1M, label: 'LIST v2 1000 of 1M' },
  { scenario: SCENARIO.listVersions, label: 'LIST versions 1000 (versioned, 20k keys)' },
  { scenario: SCENARIO.listPrefixes, label: 'LIST delimiter, 1000 prefixes' },
  { scenario: SCENARIO.listBigPrefix, label: 'LIST delimiter, big/ (100k keys) as 1 prefix' },
];

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
    {
      name: 'GET 4KiB header-signed: strongbox / bare',
      numerator: sb(SCENARIO.getHeader),
      denominator: ref('bare', SCENARIO.getHeader),
      goal: 1.0,
    },
    {
      name: 'GET 4KiB presigned: strongbox / bare',
      numerator: sb(SCENARIO.getPresigned),
      denominator: ref('bare', SCENARIO.getPresigned),
      goal: 1.0,
    },
    {
      name: 'GET 4KiB header-signed: strongbox / s3rver',
      numerator: sb(SCENARIO.getHeader),
      denominator: ref('s3rver', SCENARIO.getHeader),
      goal: 3,
    },
    {
      name: 'GET 4KiB presigned: strongbox / s3rver',
      numerator: sb(SCENARIO.getPresigned),
      denominator: ref('s3rver', SCENARIO.getPresigned),
      goal: 3,
    },
    {
      name: 'PUT 4KiB: strongbox (fsync) / bare (no fsync)',
      numerator: sb(SCENARIO.put),
      denominator: ref('bare', SCENARIO.put),
      goal: 0.5,
    },
    { name: 'PUT 4KiB: strongbox / s3rver', numerator: sb(SCENARIO.put), denominator: ref('s3rver', SCENARIO.put) },
    {
      name: `GET 4KiB: IAM user (${iamPolicyCount} policies) / root`,
      numerator: sb(SCENARIO.getIam),
      denominator: sb(SCENARIO.getHeader),
      goal: 0.9,
    },
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
    {
      name: 'GET 4KiB: trail with all data events / trail stopped',
      numerator: sb(SCENARIO.getAuditOn),
      denominator: sb(SCENARIO.getAuditOff),
      goal: 0.9,
    },
    {
      name: 'PUT 4KiB: trail with all data events / trail stopped',
      numerator: sb(SCENARIO.putAuditOn),
      denominator: sb(SCENARIO.putAuditOff),
      goal: 0.9,
    },
    // With `--baseline <commit>`: this build against an earlier one (e.g. SSE-S3 by default against plaintext).
    {
      name: 'GET 4KiB header-signed: strongbox / baseline',
      numerator: sb(SCENARIO.getHeader),
      denominator: ref('baseline', SCENARIO.getHeader),
      goal: 0.85,
    },
    {
      name: 'PUT 4KiB: strongbox / baseline',
      numerator: sb(SCENARIO.put),
      denominator: ref('baseline', SCENARIO.put),
      goal: 0.85,
    },
    {
      name: 'GET 4KiB header-signed: s3rver / bare',
      numerator: ref('s3rver', SCENARIO.getHeader),
      denominator: ref('bare', SCENARIO.getHeader),
    },
    // Issue #21: HEAD sends no body, so it should cost no more than GET (both measured by http-load.ts).
    {
      name: 'HEAD / GET 4KiB (http-load, one core): strongbox',
      numerator: sb(SCENARIO.head),
      denominator: sb(SCENARIO.getHttpLoad),
      goal: 1.0,
    },
    {
      name: 'HEAD / GET 4KiB (http-load, one core): bare',
      numerator: ref('bare', SCENARIO.head),
      denominator: ref('bare', SCENARIO.getHttpLoad),
    },
    {
      name: 'HEAD 4KiB: strongbox / baseline',
      numerator: sb(SCENARIO.head),
      denominator: ref('baseline', SCENARIO.head),
    },
  ];
  // Issue #21: a page of keys at 0.3× the bare server sending the same page; versioned and delimiter
  // listings "in the same class": at least half the rate of a page of keys (a page of 1000 common
  // prefixes is 56 KB, which the bare server sends 5,000 times a second; the goal is the listing's, not a
  // static file's).
  for (const { scenario, label } of LISTINGS) {
    const keysPage = scenario === SCENARIO.list20k || scenario === SCENARIO.list1M;
    specs.push({ name: `${label}: strongbox / bare`, numerator: sb(scenario), denominator: ref('bare', scenario), ...(keysPage ? { goal: 0.3 } : {}) });
    if (!keysPage) {
      specs.push({ name: `${label}: strongbox / LIST v2 1000 of 20k`, numerator: sb(scenario), denominator: sb(SCENARIO.list20k), goal: 0.5 });
    }
  }
  specs.push(
    {
      name: 'LIST v2 1000 of 1M: strongbox server CPU per page',
      numerator: sb(SCENARIO.list1MCpu),
      goal: 5,
      bound: 'max',
      unit: 'ms',
    },
    {
      name: 'LIST v2 1000 of 20k: s3rver / bare',
      numerator: ref('s3rver', SCENARIO.list20k),
      denominator: ref('bare', SCENARIO.list20k),
    },
    {
      name: 'LIST v2 1000 of 20k: strongbox / s3rver',
      numerator: sb(SCENARIO.list20k),
      denominator: ref('s3rver', SCENARIO.list20k),
    },
    {
      name: 'LIST v2 1000 of 20k: strongbox / baseline',
      numerator: sb(SCENARIO.list20k),
      denominator: ref('baseline', SCENARIO.list20k),
    },
    {
      name: 'LIST v2 1000 of 1M: strongbox / baseline',
      numerator: sb(SCENARIO.list1M),
      denominator: ref('baseline', SCENARIO.list1M),
    },
    // Large PUT per core (8 concurrent presigned PUTs of 128 MiB, server pinned to one core).
    {
      name: 'PUT 8x128MiB one core: strongbox / bare',
      numerator: sb(SCENARIO.putOneCore),
      denominator: ref('bare', SCENARIO.putOneCore),
      goal: 0.7,
    },
    {
      name: 'PUT 8x128MiB one core: strongbox / s3rver',
      numerator: sb(SCENARIO.putOneCore),
      denominator: ref('s3rver', SCENARIO.putOneCore),
      goal: 1.0,
    },
    {
      name: 'PUT 8x128MiB one core: strongbox / baseline',
      numerator: sb(SCENARIO.putOneCore),
      denominator: ref('baseline', SCENARIO.putOneCore),
    },
    // Memory: the largest single process's peak over the run (rss.ts).
    {
      name: 'peak RSS of one process, whole run: strongbox',
      numerator: sb(SCENARIO.peakRss),
      goal: 200,
      bound: 'max',
      unit: 'MiB',
    },
  );
  specs.push(
    { name: `PUT ${L}: strongbox / baseline`, numerator: sb(`put-${L}`), denominator: ref('baseline', `put-${L}`) },
    { name: `GET ${L}: strongbox / baseline`, numerator: sb(`get-${L}`), denominator: ref('baseline', `get-${L}`) },
  );
  for (const target of ['strongbox', 'bare', 's3rver']) {
    const goal = target === 'strongbox' ? { goal: 0.8 } : {};
    specs.push(
      {
        name: `PUT ${L}: ${target} / dd write (fdatasync)`,
        numerator: ref(target, `put-${L}`),
        denominator: dd('write-fdatasync', target),
        ...goal,
      },
      {
        name: `GET ${L}: ${target} / dd read (O_DIRECT)`,
        numerator: ref(target, `get-${L}`),
        denominator: dd('read-direct', target),
        ...goal,
      },
      {
        name: `GET ${L}: ${target} / dd read (page cache)`,
        numerator: ref(target, `get-${L}`),
        denominator: dd('read-cached', target),
      },
    );
  }
  return specs;
}

export function computeRatios(specs: readonly RatioSpec[], measurements: readonly Measurement[]): Ratio[] {
  const find = (f: FigureRef) =>
    measurements.find((m) => m.target === f.target && m.scenario === f.scenario && m.beside === f.beside);
  return specs.map((spec) => {
    const refs = spec.denominator === undefined ? [spec.numerator] : [spec.numerator, spec.denominator];
    const figures = refs.map(find);
    const bound = spec.bound ?? 'min';
    const base = {
      name: spec.name,
      goal: spec.goal ?? null,
      bound,
      numerator: spec.numerator,
      ...(spec.denominator ? { denominator: spec.denominator } : {}),
      ...(spec.unit ? { unit: spec.unit } : {}),
    };
    const usable = (m: Measurement | undefined) =>
      m !== undefined && m.value !== null && m.value > 0 && (m.status === 'ok' || m.status === 'partial');
    if (!figures.every(usable)) {
      const missing = refs.filter((_, i) => !usable(figures[i])).map(figureName);
      return { ...base, value: null, verdict: 'n/a', note: `no figure for ${missing.join(', ')}` };
    }
    const [num, den] = figures as Measurement[];
    const value = den === undefined ? (num.value as number) : (num.value as number) / (den.value as number);
    const partial = figures.some((m) => m?.status === 'partial')
      ? { note: 'from a partial (time-limited) transfer' }
      : {};
    if (spec.goal === undefined) return { ...base, value, verdict: 'info', ...partial };
    const pass = bound === 'max' ? value < spec.goal : value >= spec.goal;
    return { ...base, value, verdict: pass ? 'pass' : 'FAIL', ...partial };
  });
}

/** `strongbox/put-1024MiB`, `dd/write-fdatasync (beside strongbox)`. */
export function figureName(f: FigureRef): string {
  return `${f.target}/${f.scenario}${f.beside === undefined ? '' : ` (beside ${f.beside})`}`;
}
