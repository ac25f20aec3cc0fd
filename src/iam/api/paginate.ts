import { optionalInt, optionalString, validationError, type QueryParams } from '../../query/params.js';

export interface Page<T> {
  readonly items: T[];
  readonly IsTruncated: boolean;
  readonly Marker: string | undefined;
}

/**
 * Marker/MaxItems pagination (default 100 items, at most 1000). `items` must be sorted by `keyOf`;
 * the marker is the (opaque, base64) key of the last item returned, so a page boundary survives
 * inserts and deletes between calls.
 */
export function paginate<T>(items: readonly T[], keyOf: (t: T) => string, params: QueryParams): Page<T> {
  const maxItems = optionalInt(params, 'MaxItems', { min: 1, max: 1000 }) ?? 100;
  const marker = optionalString(params, 'Marker', { min: 1, max: 320, pattern: '[\\u0020-\\u00FF]+' });
  let start = 0;
  if (marker !== undefined) {
    const after = Buffer.from(marker, 'base64').toString('utf8');
    if (after.length === 0) throw validationError('Invalid Marker');
    start = items.findIndex((t) => keyOf(t) > after);
    if (start === -1) start = items.length;
  }
  const page = items.slice(start, start + maxItems);
  const truncated = start + maxItems < items.length;
  return { items: page, IsTruncated: truncated, Marker: truncated ? Buffer.from(keyOf(page[page.length - 1])).toString('base64') : undefined };
}
