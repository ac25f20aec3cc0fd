import { resolveVariable, type Template, type VariableSource } from './template.js';

/**
 * `*` / `?` wildcard matching, compiled once per policy string. Matchers work on a range of the
 * subject string so an ARN is never split into substrings at evaluation time, and use no regular
 * expressions. Patterns with policy variables are resolved at evaluation (values are literal text,
 * never wildcards) and then matched with the general algorithm.
 */

/** true / false, or undefined when a policy variable had no value (the element then does not match). */
export type MatchOutcome = boolean | undefined;

export interface WildcardMatcher {
  readonly source: string;
  test(s: string, start: number, end: number, vars: VariableSource | undefined): MatchOutcome;
}

const LIT = 0;
const STAR = 1;
const QMARK = 2;

/** Compiles a template for wildcard matching; `ignoreCase` expects callers to pass lower-cased subjects. */
export function compileWildcard(t: Template, options: { ignoreCase?: boolean } = {}): WildcardMatcher {
  const ignoreCase = options.ignoreCase === true;
  if (t.hasVariables) return new TemplateMatcher(t, ignoreCase);
  let chars = '';
  const flags: number[] = [];
  for (const p of t.parts) {
    if (p.kind === 'var') continue;
    const text = ignoreCase ? p.text.toLowerCase() : p.text;
    for (const ch of text) {
      // A surrogate pair is one character for '?'.
      chars += ch;
      const f = p.kind === 'pattern' && ch === '*' ? STAR : p.kind === 'pattern' && ch === '?' ? QMARK : LIT;
      for (let k = 0; k < ch.length; k++) flags.push(k === 0 ? f : LIT);
    }
  }
  return specialise(t.raw, chars, flags);
}

function specialise(source: string, chars: string, flags: readonly number[]): WildcardMatcher {
  const stars = flags.filter((f) => f === STAR).length;
  const qmarks = flags.filter((f) => f === QMARK).length;
  if (stars === 0 && qmarks === 0) return new ExactMatcher(source, chars);
  if (qmarks === 0 && stars === 1) {
    if (chars.length === 1) return new AnyMatcher(source);
    const at = flags.indexOf(STAR);
    return new AffixMatcher(source, chars.slice(0, at), chars.slice(at + 1));
  }
  return new GeneralMatcher(source, chars, Uint8Array.from(flags));
}

class AnyMatcher implements WildcardMatcher {
  constructor(readonly source: string) {}
  test(): MatchOutcome {
    return true;
  }
}

class ExactMatcher implements WildcardMatcher {
  constructor(readonly source: string, private readonly text: string) {}
  test(s: string, start: number, end: number): MatchOutcome {
    return end - start === this.text.length && s.startsWith(this.text, start);
  }
}

/** `prefix*suffix` (either may be empty): the common shape of Resource and Action patterns. */
class AffixMatcher implements WildcardMatcher {
  private readonly minLength: number;
  constructor(readonly source: string, private readonly prefix: string, private readonly suffix: string) {
    this.minLength = prefix.length + suffix.length;
  }
  test(s: string, start: number, end: number): MatchOutcome {
    return end - start >= this.minLength && s.startsWith(this.prefix, start) && s.endsWith(this.suffix, end);
  }
}

class GeneralMatcher implements WildcardMatcher {
  constructor(readonly source: string, private readonly chars: string, private readonly flags: Uint8Array) {}
  test(s: string, start: number, end: number): MatchOutcome {
    return globMatch(this.chars, this.flags, s, start, end);
  }
}

class TemplateMatcher implements WildcardMatcher {
  readonly source: string;
  constructor(private readonly template: Template, private readonly ignoreCase: boolean) {
    this.source = template.raw;
  }
  test(s: string, start: number, end: number, vars: VariableSource | undefined): MatchOutcome {
    if (!vars) return undefined;
    let chars = '';
    const flags: number[] = [];
    for (const p of this.template.parts) {
      let text: string | undefined = p.kind === 'var' ? resolveVariable(p, vars) : p.text;
      if (text === undefined) return undefined;
      if (this.ignoreCase) text = text.toLowerCase();
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        chars += c;
        flags.push(p.kind === 'pattern' && c === '*' ? STAR : p.kind === 'pattern' && c === '?' ? QMARK : LIT);
      }
    }
    return globMatch(chars, flags, s, start, end);
  }
}

/**
 * Iterative glob match with single-star backtracking: linear in practice, O(n·m) worst case, no
 * recursion. `flags[i]` says whether `chars[i]` is a literal, `*` or `?`.
 */
function globMatch(chars: string, flags: ArrayLike<number>, s: string, start: number, end: number): boolean {
  const pl = chars.length;
  let pi = 0;
  let si = start;
  let starP = -1;
  let starS = 0;
  while (si < end) {
    if (pi < pl) {
      const f = flags[pi];
      if (f === QMARK) {
        // '?' is one character: step over a whole surrogate pair.
        const c = s.charCodeAt(si);
        si += c >= 0xd800 && c <= 0xdbff && si + 1 < end ? 2 : 1;
        pi++;
        continue;
      }
      if (f === LIT && chars.charCodeAt(pi) === s.charCodeAt(si)) {
        pi++;
        si++;
        continue;
      }
      if (f === STAR) {
        starP = pi++;
        starS = si;
        continue;
      }
    }
    if (starP < 0) return false;
    pi = starP + 1;
    si = ++starS;
  }
  while (pi < pl && flags[pi] === STAR) pi++;
  return pi === pl;
}
