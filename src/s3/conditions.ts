/**
 * Conditional requests. Reads (GetObject, HeadObject) follow RFC 9110 §13.2.2's order, which gives the
 * two outcomes the S3 API reference documents: If-Match true + If-Unmodified-Since false → 200, and
 * If-None-Match false + If-Modified-Since true → 304. Copy sources use the same order with the
 * `x-amz-copy-source-if-*` headers, but every failure is 412 (CopyObject API reference).
 */
import { parseHttpDate } from './headers.js';

export interface ConditionHeaders {
  readonly ifMatch: string | undefined;
  readonly ifNoneMatch: string | undefined;
  readonly ifModifiedSince: string | undefined;
  readonly ifUnmodifiedSince: string | undefined;
}

export type ConditionOutcome = 'Proceed' | 'NotModified' | 'PreconditionFailed';

/** True when an If-Match / If-None-Match list (`"a", "b"`, `*`, unquoted or weak) names `etag`. */
export function etagListMatches(list: string, etag: string): boolean {
  return list.split(',').some((item) => {
    const t = item.trim();
    if (t === '*') return true;
    return normalizeEtag(t) === etag;
  });
}

/** `W/"abc"` / `"abc"` / `abc` → `abc`. */
export function normalizeEtag(value: string): string {
  let v = value.trim();
  if (v.startsWith('W/')) v = v.slice(2);
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
  return v;
}

/** Compares at whole seconds: HTTP dates cannot express more, and S3 keeps times to the second. */
function modifiedAfter(lastModified: Date, since: Date): boolean {
  return Math.floor(lastModified.getTime() / 1000) > Math.floor(since.getTime() / 1000);
}

export function evaluateConditions(h: ConditionHeaders, obj: { etag: string; lastModified: Date }): ConditionOutcome {
  if (h.ifMatch !== undefined) {
    if (!etagListMatches(h.ifMatch, obj.etag)) return 'PreconditionFailed';
  } else {
    const since = parseHttpDate(h.ifUnmodifiedSince);
    if (since !== undefined && modifiedAfter(obj.lastModified, since)) return 'PreconditionFailed';
  }
  if (h.ifNoneMatch !== undefined) {
    if (etagListMatches(h.ifNoneMatch, obj.etag)) return 'NotModified';
  } else {
    const since = parseHttpDate(h.ifModifiedSince);
    if (since !== undefined && !modifiedAfter(obj.lastModified, since)) return 'NotModified';
  }
  return 'Proceed';
}

export function readConditionHeaders(header: (name: string) => string | undefined, prefix = ''): ConditionHeaders {
  return {
    ifMatch: header(`${prefix}if-match`),
    ifNoneMatch: header(`${prefix}if-none-match`),
    ifModifiedSince: header(`${prefix}if-modified-since`),
    ifUnmodifiedSince: header(`${prefix}if-unmodified-since`),
  };
}
