import type { PolicyVersion } from '../policy/policy-document.js';
import { parseTemplate } from '../policy/template.js';

/**
 * Reasoning over `*` / `?` patterns as languages rather than by matching one string: does every string
 * one pattern matches also match another (containment), and may two patterns match a common string
 * (intersection)? The custom policy checks are built on these two questions.
 *
 * Policy variables (`${aws:username}`) stand for a value known only at request time. For intersection
 * a variable could be anything; for containment it is covered only by a `*` or by the same variable
 * (which takes the same value in the same request).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */

export type GlobToken =
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'star' }
  | { readonly kind: 'var'; readonly id: string };

export interface Glob {
  readonly raw: string;
  readonly tokens: readonly GlobToken[];
  readonly hasVariables: boolean;
  /** No wildcard and no variable: the pattern matches exactly one string. */
  readonly literal: string | undefined;
}

const STAR: GlobToken = { kind: 'star' };
const ANY: GlobToken = { kind: 'any' };

export interface GlobOptions {
  readonly version: PolicyVersion;
  /** Action names compare case-insensitively: both sides are lower-cased. */
  readonly ignoreCase?: boolean;
}

export function toGlob(raw: string, options: GlobOptions): Glob {
  const text = options.ignoreCase === true ? raw.toLowerCase() : raw;
  const tokens: GlobToken[] = [];
  let hasVariables = false;
  for (const part of parseTemplate(text, options.version).parts) {
    if (part.kind === 'var') {
      hasVariables = true;
      tokens.push({ kind: 'var', id: `${part.key}\u0000${part.defaultValue ?? ''}` });
      continue;
    }
    for (const ch of part.text) {
      if (part.kind === 'pattern' && ch === '*') {
        // Consecutive stars are one star.
        if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push(STAR);
      } else if (part.kind === 'pattern' && ch === '?') tokens.push(ANY);
      else tokens.push({ kind: 'char', char: ch });
    }
  }
  let literal: string | undefined = '';
  for (const t of tokens) literal = t.kind === 'char' && literal !== undefined ? literal + t.char : undefined;
  return { raw, tokens, hasVariables, literal };
}

/** `*` alone: matches every string. */
export function isUniversalGlob(g: Glob): boolean {
  return g.tokens.length === 1 && g.tokens[0].kind === 'star';
}

/**
 * L(sub) ⊆ L(sup), decided symbolically: `sup` must match `sub`'s tokens, where a `*` of `sup` absorbs any
 * run of `sub`'s tokens, a `?` of `sup` matches one character or `?` of `sub`, and a `*` or variable of
 * `sub` can only be absorbed by a `*` (or, for a variable, the same variable). Sound (every answer
 * `true` is right).
 * Deviation from AWS: it can answer `false` for equal languages written differently (`?*` against `*?`),
 * where AWS's solver proves containment; the check then answers FAIL where AWS answers PASS.
 */
export function globContains(sup: Glob, sub: Glob): boolean {
  const q = sup.tokens;
  const p = sub.tokens;
  const width = p.length + 1;
  // ok[i * width + j]: q[i..] matches p[j..]. Filled from the end.
  const ok = new Uint8Array((q.length + 1) * width);
  ok[q.length * width + p.length] = 1;
  for (let i = q.length - 1; i >= 0; i--) {
    const t = q[i];
    for (let j = p.length; j >= 0; j--) {
      let r = false;
      if (t.kind === 'star') r = ok[(i + 1) * width + j] === 1 || (j < p.length && ok[i * width + j + 1] === 1);
      else if (j < p.length && ok[(i + 1) * width + j + 1] === 1) r = tokenCovers(t, p[j]);
      ok[i * width + j] = r ? 1 : 0;
    }
  }
  return ok[0] === 1;
}

/** One non-star token of the containing pattern against one token of the contained one. */
function tokenCovers(t: GlobToken, s: GlobToken): boolean {
  switch (t.kind) {
    case 'any':
      return s.kind === 'char' || s.kind === 'any';
    case 'char':
      return s.kind === 'char' && s.char === t.char;
    case 'var':
      return s.kind === 'var' && s.id === t.id;
    default:
      return false;
  }
}

/**
 * May L(a) and L(b) share a string? The emptiness test of the product of the two patterns' automata
 * (variables read as `*`). Exact for patterns without variables, an over-approximation with them.
 */
export function globIntersects(a: Glob, b: Glob): boolean {
  const x = a.tokens;
  const y = b.tokens;
  if (!endsCompatible(x, y)) return false;
  const width = y.length + 1;
  const seen = new Uint8Array((x.length + 1) * width);
  const stack: number[] = [0];
  seen[0] = 1;
  const push = (i: number, j: number) => {
    const k = i * width + j;
    if (seen[k] === 0) {
      seen[k] = 1;
      stack.push(k);
    }
  };
  while (stack.length > 0) {
    const k = stack.pop() as number;
    const i = Math.floor(k / width);
    const j = k % width;
    if (i === x.length && j === y.length) return true;
    const s = i < x.length ? starLike(x[i]) : false;
    const t = j < y.length ? starLike(y[j]) : false;
    // A star may match nothing.
    if (s) push(i + 1, j);
    if (t) push(i, j + 1);
    // Or both sides read one common character.
    if (i < x.length && j < y.length && charsCompatible(x[i], y[j])) push(s ? i : i + 1, t ? j : j + 1);
  }
  return false;
}

/** The fixed characters both patterns start (and end) with must agree: a quick answer for most pairs. */
function endsCompatible(x: readonly GlobToken[], y: readonly GlobToken[]): boolean {
  for (let i = 0; i < x.length && i < y.length; i++) {
    if (starLike(x[i]) || starLike(y[i])) break;
    if (!charsCompatible(x[i], y[i])) return false;
  }
  for (let i = x.length - 1, j = y.length - 1; i >= 0 && j >= 0; i--, j--) {
    if (starLike(x[i]) || starLike(y[j])) break;
    if (!charsCompatible(x[i], y[j])) return false;
  }
  return true;
}

function starLike(t: GlobToken): boolean {
  return t.kind === 'star' || t.kind === 'var';
}

function charsCompatible(a: GlobToken, b: GlobToken): boolean {
  return a.kind !== 'char' || b.kind !== 'char' || a.char === b.char;
}

/** The pattern that matches exactly `s` (its `*`, `?` and `${` are plain characters). */
export function literalGlob(s: string): Glob {
  const tokens = Array.from(s, (char): GlobToken => ({ kind: 'char', char }));
  return { raw: s, tokens, hasVariables: false, literal: s };
}
