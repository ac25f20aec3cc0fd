/** SigV4 timestamps: `X-Amz-Date` is ISO 8601 basic format, `YYYYMMDD'T'HHMMSS'Z'`. */

/**
 * Parsed by hand (no regex match array, no Date round trip to detect roll-overs): it runs on every
 * signed request. Years before 100 are refused, as Date.UTC would map them to 19xx.
 */
export function parseAmzDate(value: string): Date | undefined {
  if (value.length !== 16 || value.charCodeAt(8) !== 84 /* T */ || value.charCodeAt(15) !== 90 /* Z */) return undefined;
  const y = digits(value, 0, 4);
  const mo = digits(value, 4, 2);
  const d = digits(value, 6, 2);
  const h = digits(value, 9, 2);
  const mi = digits(value, 11, 2);
  const s = digits(value, 13, 2);
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return undefined;
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

/** The decimal number in `value[start, start + count)`, or -1 if any character is not a digit. */
function digits(value: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function daysInMonth(y: number, mo: number): number {
  if (mo === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
}

/** The HTTP `Date` header (RFC 7231 IMF-fixdate, also the obsolete forms Date.parse understands). */
export function parseHttpDate(value: string): Date | undefined {
  if (!/GMT|UTC|[+-]\d{4}$/.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t);
}

export function formatAmzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** `2015-08-30T12:36:00Z`, the form S3 uses for ServerTime / Expires in error bodies. */
export function formatIsoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
