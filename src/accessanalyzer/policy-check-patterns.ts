import { splitOutsideVariables } from '../policy/arn-pattern.js';
import type { PolicyVersion } from '../policy/policy-document.js';
import { globContains, globIntersects, isUniversalGlob, literalGlob, toGlob, type Glob } from './policy-check-glob.js';

/**
 * Action and resource patterns as sets of requests, and the sets a statement's `Action` / `NotAction`
 * (or `Resource` / `NotResource`) element describes. Each pattern is read the way the engine matches it
 * (src/policy/action-matcher.ts, src/policy/arn-pattern.ts), so that what is proven here holds for the
 * engine's decisions:
 * - actions: the whole string, case-insensitively;
 * - ARNs: the five first colon-separated parts one by one (a wildcard never spans a colon there), then
 *   the resource part; a pattern with fewer parts is matched against the whole string; the request
 *   resource `*` (operations on no resource) is matched by `*` and by patterns whose resource part is `*`.
 */

export interface PatternOps<P> {
  /** Every request `sub` matches, `sup` matches (sound: true only when proven). */
  contains(sup: P, sub: P): boolean;
  /** Some request may match both (over-approximated: false only when proven). */
  intersects(a: P, b: P): boolean;
  universal(p: P): boolean;
  /** The same text, read the same way (so a variable in both takes the same value). */
  same(a: P, b: P): boolean;
}

/** `Action: [...]` is `in`; `NotAction: [...]` is `notIn` (every request none of the items match). */
export interface PatternSet<P> {
  readonly mode: 'in' | 'notIn';
  readonly items: readonly P[];
  /**
   * NotResource with a policy variable: the engine does not apply the statement when the variable has
   * no value, so the set is smaller than the complement. Such a set never contains anything here.
   */
  readonly unresolvable: boolean;
}

export function inSet<P>(items: readonly P[]): PatternSet<P> {
  return { mode: 'in', items, unresolvable: false };
}

/** Every request (an element the statement does not have: a trust policy's Resource). */
export function everything<P>(): PatternSet<P> {
  return { mode: 'notIn', items: [], unresolvable: false };
}

export function setContains<P>(ops: PatternOps<P>, sup: PatternSet<P>, sub: PatternSet<P>): boolean {
  if (sup.mode === 'in') {
    if (sub.mode === 'notIn') return sup.items.some((p) => ops.universal(p));
    return sub.items.every((s) => sup.items.some((p) => ops.contains(p, s)));
  }
  // A NotResource with a variable does not apply while the variable has no value: neither does one
  // that lists the same patterns, and more.
  if (sup.unresolvable) return sub.mode === 'notIn' && sup.items.every((n) => sub.items.some((m) => ops.same(n, m)));
  // sub ⊆ complement(N): sub misses every n.
  if (sub.mode === 'in') return sub.items.every((s) => sup.items.every((n) => !ops.intersects(s, n)));
  // complement(M) ⊆ complement(N) when N ⊆ M.
  return sup.items.every((n) => sub.items.some((m) => ops.contains(m, n)));
}

export function setsDisjoint<P>(ops: PatternOps<P>, a: PatternSet<P>, b: PatternSet<P>): boolean {
  if (a.mode === 'in' && b.mode === 'in') return a.items.every((x) => b.items.every((y) => !ops.intersects(x, y)));
  if (a.mode === 'in') return a.items.every((x) => b.items.some((n) => ops.contains(n, x)));
  if (b.mode === 'in') return b.items.every((y) => a.items.some((n) => ops.contains(n, y)));
  // Two complements of finitely many patterns always share a request.
  return false;
}

/**
 * The part of `sub` (one pattern) that `sup` does not contain, as patterns: [] when `sup` contains all of
 * it; for `sup = NotAction N`, the items of N that lie inside `sub` (provided every other item of N misses
 * `sub`); undefined when it cannot be said that simply.
 */
export function setRemainder<P>(ops: PatternOps<P>, sup: PatternSet<P>, sub: P): readonly P[] | undefined {
  if (setContains(ops, sup, inSet([sub]))) return [];
  if (sup.mode === 'in' || sup.unresolvable) return undefined;
  const rest: P[] = [];
  for (const n of sup.items) {
    if (ops.contains(sub, n)) rest.push(n);
    else if (ops.intersects(sub, n)) return undefined;
  }
  return rest;
}

/** The requests in both: the narrower set when one contains the other, else undefined. */
export function setMeet<P>(ops: PatternOps<P>, a: PatternSet<P>, b: PatternSet<P>): PatternSet<P> | undefined {
  if (setContains(ops, a, b)) return b;
  if (setContains(ops, b, a)) return a;
  return undefined;
}

// ---- actions ----

/**
 * What was decided about a pattern against others. Patterns are created per check, and a statement's
 * cells share their patterns, so each pair is decided once per check.
 */
interface PatternMemo {
  readonly contains: Map<object, boolean>;
  readonly intersects: Map<object, boolean>;
}

function newMemo(): PatternMemo {
  return { contains: new Map(), intersects: new Map() };
}

function remember(memo: Map<object, boolean>, key: object, decide: () => boolean): boolean {
  const known = memo.get(key);
  if (known !== undefined) return known;
  const answer = decide();
  memo.set(key, answer);
  return answer;
}

export interface ActionPattern {
  readonly glob: Glob;
  readonly memo: PatternMemo;
}

export function actionPattern(raw: string): ActionPattern {
  // Actions have no policy variables (action-matcher.ts reads them as 2008-10-17 text).
  return { glob: toGlob(raw, { version: '2008-10-17', ignoreCase: true }), memo: newMemo() };
}

export const ACTION_OPS: PatternOps<ActionPattern> = {
  contains: (sup, sub) => remember(sup.memo.contains, sub, () => globContains(sup.glob, sub.glob)),
  intersects: (a, b) => remember(a.memo.intersects, b, () => globIntersects(a.glob, b.glob)),
  universal: (p) => isUniversalGlob(p.glob),
  same: (a, b) => a.glob.raw.toLowerCase() === b.glob.raw.toLowerCase(),
};

// ---- resources ----

export interface ResourcePattern {
  readonly raw: string;
  /** `*`; an ARN pattern (six parts or more); a pattern matched against the whole string. */
  readonly kind: 'any' | 'arn' | 'whole';
  readonly whole: Glob;
  /** ARN patterns: `arn`, partition, service, region, account and the resource part. */
  readonly parts: readonly Glob[];
  /** Does the pattern match the request resource `*`? 'maybe' when a variable decides. */
  readonly matchesStar: boolean | 'maybe';
  readonly hasVariables: boolean;
  readonly memo: PatternMemo;
}

const STAR_RESOURCE = literalGlob('*');

export function resourcePattern(raw: string, version: PolicyVersion): ResourcePattern {
  const whole = toGlob(raw, { version });
  const base = { raw, whole, hasVariables: whole.hasVariables, memo: newMemo() };
  if (raw === '*') return { ...base, kind: 'any', parts: [], matchesStar: true };
  const pieces = splitOutsideVariables(raw);
  if (pieces.length < 6) {
    const matchesStar = whole.hasVariables ? 'maybe' : globContains(whole, STAR_RESOURCE);
    return { ...base, kind: 'whole', parts: [], matchesStar };
  }
  const resource = pieces.slice(5).join(':');
  const parts = [...pieces.slice(0, 5), resource].map((p) => toGlob(p, { version }));
  // arn-pattern.ts: an ARN pattern matches the request resource `*` when its resource part is `*`.
  return { ...base, kind: 'arn', parts, matchesStar: resource === '*' };
}

function resourceContains(sup: ResourcePattern, sub: ResourcePattern): boolean {
  if (sup.kind === 'any') return true;
  if (sub.kind === 'any') return false;
  if (sub.matchesStar !== false && sup.matchesStar !== true) return false;
  if (sub.kind === 'arn' && sup.kind === 'arn') return sup.parts.every((g, i) => globContains(g, sub.parts[i]));
  // A pattern matched against the whole string may match strings that are not ARNs.
  if (sup.kind === 'arn') return false;
  // An ARN-shaped match is also a match of the same text against the whole string.
  return globContains(sup.whole, sub.whole);
}

function resourceIntersects(a: ResourcePattern, b: ResourcePattern): boolean {
  if (a.kind === 'any' || b.kind === 'any') return true;
  if (a.matchesStar !== false && b.matchesStar !== false) return true;
  if (a.kind === 'arn' && b.kind === 'arn') return a.parts.every((g, i) => globIntersects(g, b.parts[i]));
  return globIntersects(a.whole, b.whole);
}

export const RESOURCE_OPS: PatternOps<ResourcePattern> = {
  contains: (sup, sub) => remember(sup.memo.contains, sub, () => resourceContains(sup, sub)),
  intersects: (a, b) => remember(a.memo.intersects, b, () => resourceIntersects(a, b)),
  universal: (p) => p.kind === 'any',
  same: (a, b) => a.raw === b.raw && a.hasVariables === b.hasVariables,
};
