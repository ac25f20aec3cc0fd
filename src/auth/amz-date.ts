/** SigV4 timestamps: `X-Amz-Date` is ISO 8601 basic format, `YYYYMMDD'T'HHMMSS'Z'`. */
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const date = new Date(t);
  // Reject values Date.UTC silently rolls over (month 13, Feb 30, hour 24 ...).
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  if (date.getUTCHours() !== h || date.getUTCMinutes() !== mi || date.getUTCSeconds() !== s) return undefined;
  return date;
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
