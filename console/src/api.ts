/**
 * The console's only way to the server: the public AWS APIs, sent as the requests an SDK sends to
 * `/console/api/<service>/...`, where the server signs them with the session's credentials
 * (src/console/api-proxy.ts). Errors come back as AWS error documents and are thrown as ApiError
 * with AWS's code and message, for the page to show as they are.
 */

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

let csrfToken = '';
/** What every call must carry (from GET /console/session). */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when the server says the session has ended. */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(f: () => void): void {
  onSignedOut = f;
}

export interface CallOptions {
  readonly method?: string;
  readonly query?: Readonly<Record<string, string | undefined>> | string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: BodyInit;
  /** The region to sign for (a bucket's own region); default: the server's. */
  readonly region?: string;
}

function queryString(q: CallOptions['query']): string {
  if (q === undefined) return '';
  if (typeof q === 'string') return q === '' ? '' : `?${q}`;
  const parts = Object.entries(q)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => (v === '' ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`));
  return parts.length ? `?${parts.join('&')}` : '';
}

/** One call; throws ApiError unless the answer is 2xx. */
export async function call(service: string, path: string, o: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { 'x-strongbox-csrf': csrfToken, ...(o.headers ?? {}) };
  if (o.region) headers['x-strongbox-region'] = o.region;
  const res = await fetch(`/console/api/${service}${path}${queryString(o.query)}`, {
    method: o.method ?? 'GET',
    headers,
    body: o.body,
    credentials: 'same-origin',
  });
  if (res.ok) return res;
  throw await errorOf(res);
}

export async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  if (res.status === 401 && /NotSignedIn/.test(text)) onSignedOut();
  if (text.trimStart().startsWith('<')) {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    const code = doc.getElementsByTagName('Code')[0]?.textContent ?? `HTTP ${res.status}`;
    const message = doc.getElementsByTagName('Message')[0]?.textContent ?? res.statusText;
    return new ApiError(code, message, res.status);
  }
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const code = String(j.code ?? j.__type ?? j.Code ?? `HTTP ${res.status}`).replace(/^.*#/, '');
    const message = String(j.message ?? j.Message ?? res.statusText);
    return new ApiError(code, message, res.status);
  } catch {
    return new ApiError(`HTTP ${res.status}`, text || res.statusText, res.status);
  }
}

/** An XML element as plain data: repeated child names become arrays, leaves become strings. */
export type Xml = { [name: string]: XmlValue };
export type XmlValue = string | Xml | XmlValue[];

export function xmlToObject(el: Element): Xml {
  const out: Xml = {};
  for (const child of Array.from(el.children)) {
    const value: XmlValue = child.children.length === 0 ? (child.textContent ?? '') : xmlToObject(child);
    const name = child.localName;
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[name] = [prev, value];
  }
  return out;
}

/** A value that may be one element or several, as a list (absent: empty). */
export function many<T = Xml>(v: XmlValue | undefined): T[] {
  if (v === undefined || v === '') return [];
  return (Array.isArray(v) ? v : [v]) as T[];
}

/** Query-protocol `member` lists (IAM, STS): `<Users><member>…</member></Users>`. */
export function members<T = Xml>(v: XmlValue | undefined): T[] {
  if (v === undefined || typeof v === 'string' || Array.isArray(v)) return [];
  return many<T>(v.member);
}

export function str(v: XmlValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

export async function parseXml(res: Response): Promise<Xml> {
  const text = await res.text();
  if (text.trim() === '') return {};
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  return xmlToObject(doc.documentElement);
}

/** An IAM or STS action (Query protocol): its `<ActionResult>` element as data. */
export async function query(
  service: 'iam' | 'sts',
  action: string,
  params: Readonly<Record<string, string | undefined>> = {},
): Promise<Xml> {
  const body = new URLSearchParams({ Action: action, Version: service === 'iam' ? '2010-05-08' : '2011-06-15' });
  for (const [k, v] of Object.entries(params)) if (v !== undefined) body.set(k, v);
  const res = await call(service, '/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: body.toString(),
  });
  const doc = await parseXml(res);
  const result = doc[`${action}Result`];
  return typeof result === 'object' && !Array.isArray(result) ? result : {};
}

export const iam = (action: string, params?: Readonly<Record<string, string | undefined>>) =>
  query('iam', action, params);

/** Every page of an IAM list (Marker / IsTruncated), concatenated. */
export async function iamAll(
  action: string,
  listName: string,
  params: Readonly<Record<string, string | undefined>> = {},
): Promise<Xml[]> {
  const out: Xml[] = [];
  let marker: string | undefined;
  do {
    const page = await iam(action, { ...params, Marker: marker });
    out.push(...members(page[listName]));
    marker = str(page.IsTruncated) === 'true' ? str(page.Marker) : undefined;
  } while (marker);
  return out;
}

/** A JSON 1.1 service call (Organizations, CloudTrail, KMS, Config): `X-Amz-Target: <prefix>.<operation>`. */
export async function jsonCall<T = Record<string, unknown>>(
  service: string,
  target: string,
  body: unknown = {},
): Promise<T> {
  const res = await call(service, '/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return (text ? JSON.parse(text) : {}) as T;
}

/** A REST-JSON call (IAM Access Analyzer). */
export async function restJson<T = Record<string, unknown>>(
  service: string,
  method: string,
  path: string,
  body?: unknown,
  query?: Record<string, string | undefined>,
): Promise<T> {
  const res = await call(service, path, {
    method,
    query,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return (text ? JSON.parse(text) : {}) as T;
}

/** `/bucket/key` with each part percent-encoded as S3 expects. */
export function s3Path(bucket: string, key = ''): string {
  const k = key === '' ? '' : `/${key.split('/').map(encodeURIComponent).join('/')}`;
  return `/${encodeURIComponent(bucket)}${k}`;
}

/** An S3 REST call; `parse` reads its XML answer. */
export async function s3(
  method: string,
  bucket: string,
  key: string,
  o: Omit<CallOptions, 'method'> = {},
): Promise<Response> {
  return call('s3', s3Path(bucket, key), { ...o, method });
}

export async function s3Xml(
  method: string,
  bucket: string,
  key: string,
  o: Omit<CallOptions, 'method'> = {},
): Promise<Xml> {
  return parseXml(await s3(method, bucket, key, o));
}

/**
 * An upload with progress (fetch reports none): XMLHttpRequest, same signing path. Resolves to the
 * response's headers (ETag for multipart parts).
 */
export function uploadWithProgress(
  path: string,
  body: Blob,
  o: {
    method?: string;
    query?: CallOptions['query'];
    headers?: Record<string, string>;
    region?: string;
    onProgress?: (sent: number) => void;
  },
): Promise<{ etag: string; text: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(o.method ?? 'PUT', `/console/api/s3${path}${queryString(o.query)}`);
    xhr.setRequestHeader('x-strongbox-csrf', csrfToken);
    if (o.region) xhr.setRequestHeader('x-strongbox-region', o.region);
    for (const [k, v] of Object.entries(o.headers ?? {})) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => o.onProgress?.(e.loaded);
    xhr.onerror = () => reject(new ApiError('NetworkError', 'The upload was interrupted.', 0));
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300)
        resolve({ etag: xhr.getResponseHeader('etag') ?? '', text: xhr.responseText });
      else void errorOf(new Response(xhr.responseText, { status: xhr.status })).then(reject);
    };
    xhr.send(body);
  });
}

/** A presigned GET link to an object, made with the session's credentials (it ends with the session). */
export async function presign(
  bucket: string,
  key: string,
  expiresSeconds: number,
  region?: string,
): Promise<{ url: string; expiresSeconds: number }> {
  const res = await fetch('/console/presign', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-strongbox-csrf': csrfToken,
      ...(region ? { 'x-strongbox-region': region } : {}),
    },
    body: JSON.stringify({ bucket, key, expiresSeconds }),
  });
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as { url: string; expiresSeconds: number };
}

export interface SessionInfo {
  readonly csrf: string;
  readonly accountId: string;
  readonly kind: 'Root' | 'User' | 'AssumedRole';
  readonly arn: string;
  readonly userName?: string;
  readonly mfa: boolean;
  readonly expiresAt: string;
  readonly passwordResetRequired: boolean;
  /** After switch role: the role, as the header shows it. */
  readonly role?: { accountId: string; roleName: string; display: string; color: string };
  readonly region: string;
  readonly regions: string[];
}

export async function getSession(): Promise<SessionInfo | undefined> {
  const res = await fetch('/console/session', { credentials: 'same-origin' });
  if (res.status === 401) return undefined;
  if (!res.ok) throw await errorOf(res);
  const s = (await res.json()) as SessionInfo;
  setCsrfToken(s.csrf);
  return s;
}

export async function signIn(body: {
  account: string;
  userName?: string;
  password: string;
  mfaCode?: string;
}): Promise<void> {
  const res = await fetch('/console/signin', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await errorOf(res);
}

async function postJson(path: string, body: unknown): Promise<void> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-strongbox-csrf': csrfToken },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await errorOf(res);
}

/** Switch role (sts:AssumeRole on the server, as the signed-in principal). */
export function switchRole(body: {
  account: string;
  role: string;
  display?: string;
  color?: string;
  mfaCode?: string;
}): Promise<void> {
  return postJson('/console/switch-role', body);
}

export function switchBack(): Promise<void> {
  return postJson('/console/switch-back', {});
}

export async function signOut(): Promise<void> {
  await fetch('/console/signout', { method: 'POST', headers: { 'x-strongbox-csrf': csrfToken } });
}
