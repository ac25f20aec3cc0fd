import type { Jwk } from './jwt.js';

/**
 * Fetches and caches an OpenID issuer's signing keys: `<issuer>/.well-known/openid-configuration` →
 * `jwks_uri` → JWKS (OpenID Connect Discovery 1.0 §4; RFC 7517 §5), as STS does before it verifies a
 * web identity token (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html).
 *
 * - HTTPS to any host; plain HTTP only to a loopback host (tests and a local issuer). Redirects are not
 *   followed, so a redirect cannot downgrade the scheme or leave the loopback host.
 * - Each document: 5 s timeout, 256 KiB cap.
 * - Per-issuer TTL: the JWKS response's `Cache-Control: max-age` clamped to [1 min, 24 h], else 1 h.
 * - A token naming a `kid` the cached set lacks triggers one refetch (key rotation), at most once per
 *   cooldown per issuer, so a flood of made-up kids cannot make us hammer the issuer.
 * - Concurrent callers share one in-flight fetch per issuer; a failed fetch is remembered for a few
 *   seconds, so an unreachable issuer is not retried by every request.
 *
 * Deviation from AWS: AWS trusts the JWKS endpoint's TLS certificate through its library of trusted root
 * CAs and falls back to the provider's thumbprints; we use Node's trust store only and ignore thumbprints.
 * Deviation from AWS: a redirect answer is refused (BadResponse) rather than followed, and the discovery
 * document's `issuer` is not compared with `iss` (the issuer URL was registered by the account already).
 */

/** How fetching the keys failed: the issuer could not be reached, or answered something unusable. */
export type JwksFailure = 'Unreachable' | 'BadResponse' | 'RefusedUrl';

export class JwksError extends Error {
  readonly failure: JwksFailure;
  constructor(failure: JwksFailure, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'JwksError';
    this.failure = failure;
  }
}

/** What the verifier needs: the issuer's current key set, refreshed once if `kid` is not in it. */
export interface JwksSource {
  keysFor(issuerUrl: string, want: { readonly kid?: string }): Promise<readonly Jwk[]>;
}

export type FetchFunction = typeof fetch;

export interface JwksCacheOptions {
  /** Injected for tests; Node's global fetch by default. */
  readonly fetch?: FetchFunction;
  /** Milliseconds since the epoch; Date.now by default. */
  readonly now?: () => number;
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
  readonly defaultTtlMs?: number;
  readonly minTtlMs?: number;
  readonly maxTtlMs?: number;
  /** Minimum time between two fetches for one issuer caused by an unknown kid. */
  readonly refetchCooldownMs?: number;
  /** How long a failed fetch is answered from memory. */
  readonly failureTtlMs?: number;
  /** Issuers kept; the least recently fetched is dropped beyond this. */
  readonly maxIssuers?: number;
}

interface CachedKeys {
  readonly keys: readonly Jwk[];
  readonly fetchedAt: number;
  readonly expiresAt: number;
}

const DEFAULTS = {
  timeoutMs: 5_000,
  maxResponseBytes: 256 * 1024,
  defaultTtlMs: 60 * 60_000,
  minTtlMs: 60_000,
  maxTtlMs: 24 * 60 * 60_000,
  refetchCooldownMs: 30_000,
  failureTtlMs: 5_000,
  maxIssuers: 1_000,
};

/** Keys a JWKS may carry beyond which the document is refused as unreasonable. */
const MAX_KEYS = 100;

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Parses a URL we are about to fetch; https anywhere, http only on loopback, no credentials. */
export function fetchableUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new JwksError('RefusedUrl', `not a URL: ${raw}`);
  }
  if (url.username !== '' || url.password !== '') throw new JwksError('RefusedUrl', 'URL carries credentials');
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new JwksError('RefusedUrl', `refusing to fetch ${url.protocol}//${url.host}: only https, or http on loopback`);
}

/** The discovery URL of an `iss` value; an `iss` without a scheme is taken as https (e.g. Google's). */
export function discoveryUrl(issuer: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(issuer) ? issuer : `https://${issuer}`;
  const base = fetchableUrl(withScheme);
  if (base.search !== '' || base.hash !== '') throw new JwksError('RefusedUrl', 'an issuer has no query or fragment');
  // OpenID Connect Discovery §4: remove a trailing `/` from the issuer, then append the well-known path.
  return new URL(`${base.href.replace(/\/$/, '')}/.well-known/openid-configuration`);
}

/** `Cache-Control: max-age`, clamped; `no-store`/`no-cache` mean the shortest TTL we allow. */
export function ttlFromCacheControl(
  header: string | null,
  bounds: { min: number; max: number; fallback: number },
): number {
  if (header === null) return bounds.fallback;
  if (/(^|[\s,])no-(store|cache)([\s,=]|$)/i.test(header)) return bounds.min;
  const match = /(?:^|[\s,])max-age\s*=\s*"?(\d+)"?/i.exec(header);
  if (match === null) return bounds.fallback;
  return Math.min(bounds.max, Math.max(bounds.min, Number(match[1]) * 1000));
}

/** Keeps the entries of `keys` that are objects with a string `kty`; refuses a document without them. */
export function parseJwks(doc: unknown): Jwk[] {
  const keys = typeof doc === 'object' && doc !== null ? (doc as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) throw new JwksError('BadResponse', 'the JWKS has no keys array');
  if (keys.length > MAX_KEYS) throw new JwksError('BadResponse', `the JWKS has more than ${MAX_KEYS} keys`);
  return keys.filter(
    (k): k is Jwk => typeof k === 'object' && k !== null && typeof (k as { kty?: unknown }).kty === 'string',
  );
}

export class JwksCache implements JwksSource {
  private readonly fetchFn: FetchFunction;
  private readonly now: () => number;
  private readonly opts: typeof DEFAULTS;
  private readonly entries = new Map<string, CachedKeys>();
  private readonly inflight = new Map<string, Promise<CachedKeys>>();
  private readonly failures = new Map<string, { readonly error: JwksError; readonly until: number }>();
  /** When an unknown kid last caused a fetch, per issuer. */
  private readonly lastKidRefetch = new Map<string, number>();

  constructor(options: JwksCacheOptions = {}) {
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? Date.now;
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => typeof v === 'number'));
    this.opts = { ...DEFAULTS, ...given };
  }

  async keysFor(issuerUrl: string, want: { readonly kid?: string } = {}): Promise<readonly Jwk[]> {
    let entry = this.entries.get(issuerUrl);
    if (entry === undefined || this.now() >= entry.expiresAt) entry = await this.refresh(issuerUrl);
    if (want.kid === undefined || entry.keys.some((k) => k.kid === want.kid)) return entry.keys;
    // Unknown kid: the issuer may have rotated its keys since we fetched them. A fetch already under way
    // (another caller's) is awaited rather than answered from the old set.
    if (this.inflight.has(issuerUrl)) return (await this.refresh(issuerUrl)).keys;
    const now = this.now();
    const last = Math.max(entry.fetchedAt, this.lastKidRefetch.get(issuerUrl) ?? -Infinity);
    if (now - last < this.opts.refetchCooldownMs) return entry.keys;
    this.lastKidRefetch.set(issuerUrl, now);
    return (await this.refresh(issuerUrl)).keys;
  }

  /** One fetch per issuer at a time; callers arriving meanwhile share its result. */
  private refresh(issuerUrl: string): Promise<CachedKeys> {
    const running = this.inflight.get(issuerUrl);
    if (running !== undefined) return running;
    const failure = this.failures.get(issuerUrl);
    if (failure !== undefined && this.now() < failure.until) return Promise.reject(failure.error);
    const started = this.load(issuerUrl).then(
      (entry) => {
        this.failures.delete(issuerUrl);
        this.store(issuerUrl, entry);
        return entry;
      },
      (e: unknown) => {
        const error = e instanceof JwksError
          ? e
          : new JwksError('Unreachable', 'fetching the keys failed', { cause: e });
        this.failures.set(issuerUrl, { error, until: this.now() + this.opts.failureTtlMs });
        throw error;
      },
    );
    const tracked = started.finally(() => this.inflight.delete(issuerUrl));
    this.inflight.set(issuerUrl, tracked);
    return tracked;
  }

  private store(issuerUrl: string, entry: CachedKeys): void {
    this.entries.delete(issuerUrl); // re-insert: Map order is then least recently fetched first
    this.entries.set(issuerUrl, entry);
    while (this.entries.size > this.opts.maxIssuers) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.lastKidRefetch.delete(oldest);
    }
    while (this.failures.size > this.opts.maxIssuers) this.failures.delete(this.failures.keys().next().value as string);
  }

  private async load(issuerUrl: string): Promise<CachedKeys> {
    const discovery = await this.getJson(discoveryUrl(issuerUrl));
    const jwksUri = typeof discovery.body === 'object' && discovery.body !== null
      ? (discovery.body as { jwks_uri?: unknown }).jwks_uri
      : undefined;
    if (typeof jwksUri !== 'string') throw new JwksError('BadResponse', 'the discovery document has no jwks_uri');
    const jwks = await this.getJson(fetchableUrl(jwksUri));
    const keys = parseJwks(jwks.body);
    const { minTtlMs: min, maxTtlMs: max, defaultTtlMs: fallback } = this.opts;
    const ttl = ttlFromCacheControl(jwks.cacheControl, { min, max, fallback });
    const fetchedAt = this.now();
    return { keys, fetchedAt, expiresAt: fetchedAt + ttl };
  }

  private async getJson(url: URL): Promise<{ body: unknown; cacheControl: string | null }> {
    let response: Response;
    try {
      response = await this.fetchFn(url.href, {
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        redirect: 'manual',
        headers: { accept: 'application/json' },
      });
    } catch (e) {
      throw new JwksError('Unreachable', `${url.href} could not be reached`, { cause: e });
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      // A server error, a throttle or a timeout is transient: the issuer is there but not answering.
      const transient = response.status >= 500 || response.status === 429 || response.status === 408;
      throw new JwksError(transient ? 'Unreachable' : 'BadResponse', `${url.href} answered ${response.status}`);
    }
    const text = await this.readCapped(response, url);
    try {
      return { body: JSON.parse(text) as unknown, cacheControl: response.headers.get('cache-control') };
    } catch {
      throw new JwksError('BadResponse', `${url.href} did not answer JSON`);
    }
  }

  private async readCapped(response: Response, url: URL): Promise<string> {
    const cap = this.opts.maxResponseBytes;
    const tooLarge = () => new JwksError('BadResponse', `${url.href} answered more than ${cap} bytes`);
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > cap) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    if (response.body === null) return '';
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > cap) {
          await reader.cancel().catch(() => undefined);
          throw tooLarge();
        }
        chunks.push(value);
      }
    } catch (e) {
      if (e instanceof JwksError) throw e;
      throw new JwksError('Unreachable', `reading ${url.href} failed`, { cause: e });
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}
