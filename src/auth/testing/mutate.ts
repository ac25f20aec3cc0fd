import type { RawRequest } from '../types.js';

/** Returns a copy of the request with one header replaced, added (value string) or removed (undefined). */
export function setHeader(raw: RawRequest, name: string, value: string | undefined): RawRequest {
  const lower = name.toLowerCase();
  const headers = { ...raw.headers };
  delete headers[lower];
  const rawHeaders: string[] = [];
  for (let i = 0; i + 1 < raw.rawHeaders.length; i += 2) {
    if (raw.rawHeaders[i].toLowerCase() !== lower) rawHeaders.push(raw.rawHeaders[i], raw.rawHeaders[i + 1]);
  }
  if (value !== undefined) {
    headers[lower] = value;
    rawHeaders.push(name, value);
  }
  return { ...raw, headers, rawHeaders };
}

export function headerOf(raw: RawRequest, name: string): string {
  const v = raw.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : String(v ?? '');
}

/** Rewrites the Authorization header with a function of its current value. */
export function editAuthorization(raw: RawRequest, edit: (value: string) => string): RawRequest {
  return setHeader(raw, 'Authorization', edit(headerOf(raw, 'authorization')));
}

/** Replaces (or removes, with undefined) one query parameter, keeping the others as sent. */
export function setQueryParam(raw: RawRequest, name: string, value: string | undefined): RawRequest {
  const parts = raw.rawQuery.split('&').filter((p) => p !== '' && p.split('=')[0] !== name);
  if (value !== undefined) parts.push(`${name}=${encodeURIComponent(value)}`);
  return { ...raw, rawQuery: parts.join('&') };
}
