/**
 * Byte ranges. GetObject follows RFC 9110 §14 for a single range; "Amazon S3 doesn't support
 * retrieving multiple ranges of data per GET request", so a multi-range or syntactically invalid
 * Range header is ignored and the whole object is returned, as RFC 9110 lets a server do.
 * UploadPartCopy's `x-amz-copy-source-range` is stricter: only `bytes=first-last`.
 */
import { invalidArgument, s3Error } from './errors.js';

export interface ByteRange {
  /** Inclusive offsets. */
  readonly start: number;
  readonly end: number;
}

const SINGLE = /^bytes=(\d*)-(\d*)$/;

/** The range to serve, undefined for the whole object; InvalidRange (416) when unsatisfiable. */
export function parseRangeHeader(value: string | undefined, size: number): ByteRange | undefined {
  if (value === undefined) return undefined;
  const m = SINGLE.exec(value.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const unsatisfiable = () => s3Error('InvalidRange', { fields: { RangeRequested: value, ActualObjectSize: String(size) } });
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? Infinity : Number(m[2]);
  if (!Number.isSafeInteger(start) || last < start) return undefined;
  if (start >= size) throw unsatisfiable();
  return { start, end: Math.min(last, size - 1) };
}

export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}

/** `x-amz-copy-source-range: bytes=first-last`, both offsets required and within the source. */
export function parseCopySourceRange(value: string | undefined, size: number): ByteRange | undefined {
  if (value === undefined) return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(value);
  const start = m ? Number(m[1]) : NaN;
  const end = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) {
    throw invalidArgument(
      'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
      'x-amz-copy-source-range',
      value,
    );
  }
  if (end >= size) throw s3Error('InvalidRange', { fields: { RangeRequested: value, ActualObjectSize: String(size) } });
  return { start, end };
}
