/**
 * Null: `"true"` holds when the key is absent from the request (or is an empty list), `"false"`
 * when it is present. It tests presence only, so `IfExists` and set qualifiers do not change it.
 */
export function compileNullValue(raw: string): boolean | undefined {
  const v = raw.trim().toLowerCase();
  return v === 'true' ? true : v === 'false' ? false : undefined;
}

export function evaluateNull(expectAbsent: readonly (boolean | undefined)[], present: boolean): boolean {
  for (const e of expectAbsent) if (e !== undefined && e === !present) return true;
  return false;
}
