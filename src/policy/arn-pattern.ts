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
  if (head.every(isPlain)) return new LiteralHeadPattern(raw, `${head.join(':')}:`, resourceMatcher, resource === '*');
  return new SegmentedPattern(raw, head, version, resourceMatcher, resource === '*');
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

/**
 * A pattern whose first five parts are not all plain text (`arn:aws:ec2:*:123456789012:…`): the plain
 * parts in front are checked with one startsWith(), the rest part by part.
 */
class SegmentedPattern implements ArnPattern {
  /** Plain-text head (`arn:aws:ec2:`) and how many parts it covers. */
  private readonly head: string;
  private readonly headParts: number;
  /** Per remaining part: undefined for `*`, a string for plain text, else a matcher. */
  private readonly rest: readonly (string | WildcardMatcher | undefined)[];

  constructor(
    readonly source: string,
    parts: readonly string[],
    version: PolicyVersion,
    private readonly resource: WildcardMatcher,
    readonly matchesWildcardResource: boolean,
  ) {
    let n = 0;
    while (n < 5 && isPlain(parts[n])) n++;
    this.headParts = n;
    this.head = n === 0 ? '' : `${parts.slice(0, n).join(':')}:`;
    this.rest = parts.slice(n, 5).map((p) => (p === '*' ? undefined : isPlain(p) ? p : compileWildcard(parseTemplate(p, version))));
  }

  test(subject: SplitArn, vars: VariableSource | undefined): MatchOutcome {
    const c = subject.colons;
    if (!c) return subject.text === '*' ? this.matchesWildcardResource : false;
    const s = subject.text;
    const n = this.headParts;
    if (n > 0 && (c[n - 1] + 1 !== this.head.length || !s.startsWith(this.head))) return false;
    let unresolved = false;
    let start = this.head.length;
    for (let i = n; i < 5; i++) {
      const seg = this.rest[i - n];
      const end = c[i];
      if (typeof seg === 'string') {
        if (end - start !== seg.length || !s.startsWith(seg, start)) return false;
      } else if (seg !== undefined) {
        const r = seg.test(s, start, end, vars);
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

function isPlain(part: string): boolean {
  return !/[*?]|\$\{/.test(part);
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
