/**
 * Small helpers on policy strings: wildcards, policy variables, and whether one `*` / `?` pattern
 * covers another (for REDUNDANT_ACTION / REDUNDANT_RESOURCE).
 */

export function hasWildcard(v: string): boolean {
  return v.includes('*') || v.includes('?');
}

export function hasVariable(v: string): boolean {
  return v.includes('${');
}

/**
 * Whether every string `narrow` matches is matched by `wide` (`*` any run, `?` one character): `s3:*`
 * covers `s3:Get*`, `s3:Get*` covers `s3:GetObject`; `s3:Get?` does not cover `s3:Get*`. Decided on the
 * patterns themselves: a `*` of `wide` may absorb anything of `narrow`, a `?` one literal character or
 * `?`, a literal only the same literal.
 */
export function patternCovers(wide: string, narrow: string, options: { ignoreCase: boolean }): boolean {
  const a = options.ignoreCase ? wide.toLowerCase() : wide;
  const b = options.ignoreCase ? narrow.toLowerCase() : narrow;
  if (a === b) return true;
  // Every literal of `wide` before its first wildcard must start `narrow`.
  const firstWildcard = a.search(/[*?]/);
  if (firstWildcard < 0 || !b.startsWith(a.slice(0, firstWildcard))) return false;
  if (a.length * b.length > MAX_CELLS) return false;
  // next[j] / row[j]: whether a[i..] covers b[j..], computed from the last row of a up.
  let next = new Uint8Array(b.length + 1);
  next[b.length] = 1;
  for (let i = a.length - 1; i >= 0; i--) {
    const row = new Uint8Array(b.length + 1);
    for (let j = b.length; j >= 0; j--) {
      if (a[i] === '*') row[j] = next[j] === 1 || (j < b.length && row[j + 1] === 1) ? 1 : 0;
      else if (j === b.length) row[j] = 0;
      else if (a[i] === '?') row[j] = b[j] !== '*' && next[j + 1] === 1 ? 1 : 0;
      else row[j] = b[j] !== '*' && b[j] !== '?' && a[i] === b[j] && next[j + 1] === 1 ? 1 : 0;
    }
    next = row;
  }
  return next[0] === 1;
}

/** Beyond this many pattern × subject characters, a pattern is not compared (it is not reported redundant). */
const MAX_CELLS = 1_000_000;

/**
 * The items covered by another item of the same list: a duplicate counts once (the later one is
 * redundant), a pattern covered by a different, wider one is redundant.
 */
export function redundantItems<T extends { readonly value: string }>(
  items: readonly T[],
  options: { ignoreCase: boolean },
): T[] {
  // Lists longer than any policy quota allows are not compared (the comparison is quadratic).
  if (items.length > MAX_LIST) return [];
  const norm = (v: string): string => (options.ignoreCase ? v.toLowerCase() : v);
  return items.filter((item, j) =>
    items.some((other, i) => {
      if (i === j) return false;
      if (norm(other.value) === norm(item.value)) return i < j;
      return patternCovers(other.value, item.value, options);
    }),
  );
}

const MAX_LIST = 1000;

/** Levenshtein distance, for "Did you mean …?". */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
