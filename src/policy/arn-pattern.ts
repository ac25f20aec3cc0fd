import type { PolicyVersion } from './policy-document.js';
import { parseTemplate, type VariableSource } from './template.js';
import { compileWildcard, type MatchOutcome, type WildcardMatcher } from './wildcard.js';

/**
 * ARN matching as IAM does it for Resource / NotResource and the Arn* condition operators: the six
 * colon-separated parts (`arn:partition:service:region:account:resource`) are matched one by one, so
 * a wildcard never spans a colon — except inside the resource part, which is everything after the
 * fifth colon and may itself contain colons. Case-sensitive.
 */

/** A subject ARN with the offsets of its first five colons (computed once per request). */
export interface SplitArn {
  readonly text: string;
  /** Offsets of colons 1..5, or undefined when the string is not ARN-shaped. */
  readonly colons: readonly number[] | undefined;
}

export function splitArn(text: string): SplitArn {
  const colons: number[] = [];
  let from = 0;
  for (let i = 0; i < 5; i++) {
    const c = text.indexOf(':', from);
    if (c < 0) return { text, colons: undefined };
    colons.push(c);
    from = c + 1;
  }
  return { text, colons };
}

export interface ArnPattern {
  readonly source: string;
  /** True when the pattern is `*` or ends in a resource part of `*` (`arn:aws:s3:::*`). */
  readonly matchesWildcardResource: boolean;
  test(subject: SplitArn, vars: VariableSource | undefined): MatchOutcome;
}

export function compileArnPattern(raw: string, version: PolicyVersion): ArnPattern {
  if (raw === '*') return ANY_ARN;
  const pieces = splitOutsideVariables(raw);
  if (pieces.length < 6) return new WholeStringPattern(raw, compileWildcard(parseTemplate(raw, version)));
  const resource = pieces.slice(5).join(':');
  const head = pieces.slice(0, 5);
  const resourceMatcher = compileWildcard(parseTemplate(resource, version));
  // The usual case, `arn:aws:s3:::…`: the five first parts are plain text, one startsWith() call.
  if (head.every((p) => !/[*?]|\$\{/.test(p))) return new LiteralHeadPattern(raw, `${head.join(':')}:`, resourceMatcher, resource === '*');
  return new SegmentedPattern(raw, head.map((p) => compileSegment(p, version)), resourceMatcher, resource === '*');
}

class LiteralHeadPattern implements ArnPattern {
  constructor(
    readonly source: string,
    private readonly head: string,
    private readonly resource: WildcardMatcher,
    readonly matchesWildcardResource: boolean,
  ) {}

  test(subject: SplitArn, vars: VariableSource | undefined): MatchOutcome {
    const c = subject.colons;
    if (!c) return subject.text === '*' ? this.matchesWildcardResource : false;
    const s = subject.text;
    if (c[4] + 1 !== this.head.length || !s.startsWith(this.head)) return false;
    return this.resource.test(s, this.head.length, s.length, vars);
  }
}

const ANY_ARN: ArnPattern = {
  source: '*',
  matchesWildcardResource: true,
  test: () => true,
};

/** One of the five first ARN parts: `*`, plain text, or a wildcard pattern. */
type Segment = { readonly any: true } | { readonly text: string } | { readonly matcher: WildcardMatcher };

function compileSegment(raw: string, version: PolicyVersion): Segment {
  if (raw === '*') return { any: true };
  if (!/[*?]|\$\{/.test(raw)) return { text: raw };
  return { matcher: compileWildcard(parseTemplate(raw, version)) };
}

class SegmentedPattern implements ArnPattern {
  constructor(
    readonly source: string,
    private readonly segments: readonly Segment[],
    private readonly resource: WildcardMatcher,
    readonly matchesWildcardResource: boolean,
  ) {}

  test(subject: SplitArn, vars: VariableSource | undefined): MatchOutcome {
    const c = subject.colons;
    if (!c) return subject.text === '*' ? this.matchesWildcardResource : false;
    const s = subject.text;
    let unresolved = false;
    let start = 0;
    for (let i = 0; i < 5; i++) {
      const seg = this.segments[i];
      const end = c[i];
      if ('text' in seg) {
        if (end - start !== seg.text.length || !s.startsWith(seg.text, start)) return false;
      } else if ('matcher' in seg) {
        const r = seg.matcher.test(s, start, end, vars);
        if (r === false) return false;
        if (r === undefined) unresolved = true;
      }
      start = end + 1;
    }
    const r = this.resource.test(s, start, s.length, vars);
    if (r === false) return false;
    return unresolved || r === undefined ? undefined : true;
  }
}

/** A pattern that is not ARN-shaped (fewer than five colons): matched against the whole subject. */
class WholeStringPattern implements ArnPattern {
  readonly matchesWildcardResource = false;
  constructor(readonly source: string, private readonly matcher: WildcardMatcher) {}
  test(subject: SplitArn, vars: VariableSource | undefined): MatchOutcome {
    return this.matcher.test(subject.text, 0, subject.text.length, vars);
  }
}

/** Splits on ':' except inside `${...}` (variable names such as `aws:username` contain colons). */
export function splitOutsideVariables(raw: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '$' && raw[i + 1] === '{') {
      depth++;
      cur += '${';
      i++;
      continue;
    }
    if (ch === '}' && depth > 0) depth--;
    if (ch === ':' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}
