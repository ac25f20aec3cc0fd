/**
 * Date values of the Date* operators: ISO 8601 (`2019-07-01T13:20:15Z`, `2016-12-13t2:00:00.593194+23`,
 * `2020-01-01`) or epoch seconds (`1704067200`), as IAM accepts them. Returns milliseconds since the
 * epoch as a plain number (years outside JS Date's range still compare correctly), or undefined.
 */

const MAX_EPOCH_SECONDS = 9223372036854775807n;

const ISO = /^(-?\d{1,9})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[tT](?:(\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?)?([zZ]|[+-]\d{2}(?::?\d{2})?)?)?$/;

export function parseDateValue(raw: string): number | undefined {
  const s = raw.trim();
  if (s === '') return undefined;
  if (!/[tT-]/.test(s)) return parseEpochSeconds(s);
  const m = ISO.exec(s);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = m[2] === undefined ? 1 : Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  const hour = m[4] === undefined || m[4] === '' ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const fraction = m[7] === undefined ? 0 : Number(`0.${m[7]}`);
  if (year < -292275054 || year > 292278993) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offsetMinutes = parseOffset(m[8]);
  if (offsetMinutes === undefined) return undefined;
  const days = daysFromCivil(year, month, day);
  return ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + (second + fraction) * 1000;
}

function parseEpochSeconds(s: string): number | undefined {
  if (!/^\d+$/.test(s)) return undefined;
  if (BigInt(s) > MAX_EPOCH_SECONDS) return undefined;
  return Number(s) * 1000;
}

function parseOffset(z: string | undefined): number | undefined {
  if (z === undefined || z === 'Z' || z === 'z') return 0;
  const sign = z[0] === '-' ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
