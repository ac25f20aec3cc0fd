import { resolveVariable, type Template, type TemplatePart, type VariableSource } from './template.js';

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

/** A compiled pattern: literal runs, `*` and `?`. Variables are resolved to literal runs at match time. */
const STAR = 0;
const QMARK = 1;
type Token = string | typeof STAR | typeof QMARK;

/** Compiles a template for wildcard matching; `ignoreCase` expects callers to pass lower-cased subjects. */
export function compileWildcard(t: Template, options: { ignoreCase?: boolean } = {}): WildcardMatcher {
  const ignoreCase = options.ignoreCase === true;
  if (t.hasVariables) return new TemplateMatcher(t, ignoreCase);
  const tokens: Token[] = [];
  for (const p of t.parts) {
    if (p.kind === 'var') continue;
    const text = ignoreCase ? p.text.toLowerCase() : p.text;
    if (p.kind === 'literal') pushLiteral(tokens, text);
    else pushPattern(tokens, text);
  }
  return specialise(t.raw, tokens);
}

function pushLiteral(tokens: Token[], text: string): void {
  if (text === '') return;
  const last = tokens[tokens.length - 1];
  if (typeof last === 'string') tokens[tokens.length - 1] = last + text;
  else tokens.push(text);
}

function pushPattern(tokens: Token[], text: string): void {
  let run = '';
  for (const ch of text) {
    if (ch === '*' || ch === '?') {
      pushLiteral(tokens, run);
      run = '';
      // Consecutive stars are one star.
      if (ch === '?' || tokens[tokens.length - 1] !== STAR) tokens.push(ch === '*' ? STAR : QMARK);
    } else run += ch;
  }
  pushLiteral(tokens, run);
}

function specialise(source: string, tokens: readonly Token[]): WildcardMatcher {
  if (tokens.length === 0) return new ExactMatcher(source, '');
  if (tokens.length === 1 && typeof tokens[0] === 'string') return new ExactMatcher(source, tokens[0]);
  if (tokens.length === 1 && tokens[0] === STAR) return new AnyMatcher(source);
  const stars = tokens.filter((t) => t === STAR).length;
  const qmarks = tokens.filter((t) => t === QMARK).length;
  if (stars === 1 && qmarks === 0 && tokens.length <= 3) {
    const at = tokens.indexOf(STAR);
    const prefix = at > 0 ? (tokens[0] as string) : '';
    const suffix = at < tokens.length - 1 ? (tokens[tokens.length - 1] as string) : '';
    return new AffixMatcher(source, prefix, suffix);
  }
  return new GeneralMatcher(source, tokens);
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
  constructor(readonly source: string, private readonly tokens: readonly Token[]) {}
  test(s: string, start: number, end: number): MatchOutcome {
    return globMatch(this.tokens, s, start, end);
  }
}

type TemplateToken = Token | Extract<TemplatePart, { kind: 'var' }>;

/** A pattern with variables: tokenised once; at match time only the variables are substituted. */
class TemplateMatcher implements WildcardMatcher {
  readonly source: string;
  private readonly tokens: readonly TemplateToken[];
  constructor(template: Template, private readonly ignoreCase: boolean) {
    this.source = template.raw;
    const tokens: TemplateToken[] = [];
    for (const p of template.parts) {
      if (p.kind === 'var') {
        tokens.push(p);
        continue;
      }
      const text = ignoreCase ? p.text.toLowerCase() : p.text;
      // Literal runs are kept apart from the variables around them; globMatch takes adjacent runs.
      const run: Token[] = [];
      if (p.kind === 'literal') pushLiteral(run, text);
      else pushPattern(run, text);
      tokens.push(...run);
    }
    this.tokens = tokens;
  }

  test(s: string, start: number, end: number, vars: VariableSource | undefined): MatchOutcome {
    if (!vars) return undefined;
    const resolved: Token[] = new Array<Token>(this.tokens.length);
    for (let i = 0; i < this.tokens.length; i++) {
      const t = this.tokens[i];
      if (typeof t === 'object') {
        // A substituted value is literal text: its * and ? are not wildcards.
        const v = resolveVariable(t, vars);
        if (v === undefined) return undefined;
        resolved[i] = this.ignoreCase ? v.toLowerCase() : v;
      } else resolved[i] = t;
    }
    return globMatch(resolved, s, start, end);
  }
}

/**
 * Glob match over tokens (literal runs, `*`, `?`) with last-star backtracking: no recursion, no
 * regular expression, O(n·m) worst case. Equivalent to the character-level algorithm because a
 * literal run fails or succeeds as its characters would one by one.
 */
function globMatch(tokens: readonly Token[], s: string, start: number, end: number): boolean {
  const n = tokens.length;
  let ti = 0;
  let si = start;
  let starT = -1;
  let starS = 0;
  while (si < end) {
    if (ti < n) {
      const tok = tokens[ti];
      if (tok === STAR) {
        starT = ti++;
        starS = si;
        continue;
      }
      if (tok === QMARK) {
        // '?' is one character: step over a whole surrogate pair.
        const c = s.charCodeAt(si);
        si += c >= 0xd800 && c <= 0xdbff && si + 1 < end ? 2 : 1;
        ti++;
        continue;
      }
      if (tok.length === 0 || (si + tok.length <= end && s.startsWith(tok, si))) {
        si += tok.length;
        ti++;
        continue;
      }
    }
    if (starT < 0) return false;
    ti = starT + 1;
    si = ++starS;
  }
  while (ti < n && (tokens[ti] === STAR || tokens[ti] === '')) ti++;
  return ti === n;
}
