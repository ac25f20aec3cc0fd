import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  discoveryUrl,
  fetchableUrl,
  JwksCache,
  JwksError,
  ttlFromCacheControl,
  type FetchFunction,
  type JwksFailure,
} from './jwks-cache.js';

const ISSUER = 'https://idp.example.com/realm';
const JWKS_URI = 'https://keys.example.com/jwks';

/** A scripted issuer behind an injected fetch: records every URL asked for. */
function fakeIssuer(initialKids: string[], options: { cacheControl?: string; delayMs?: number } = {}) {
  const calls: string[] = [];
  let kids = initialKids;
  const fetchFn: FetchFunction = async (input) => {
    const url = String(input);
    calls.push(url);
    if (options.delayMs !== undefined) await new Promise((r) => setTimeout(r, options.delayMs));
    if (url === `${ISSUER}/.well-known/openid-configuration`) {
      return Response.json({ issuer: ISSUER, jwks_uri: JWKS_URI });
    }
    if (url === JWKS_URI) {
      const headers = options.cacheControl === undefined ? undefined : { 'cache-control': options.cacheControl };
      return Response.json({ keys: kids.map((kid) => ({ kty: 'RSA', kid, n: 'AQAB', e: 'AQAB' })) }, { headers });
    }
    return new Response('nope', { status: 404 });
  };
  return { fetchFn, calls, rotate: (next: string[]) => { kids = next; } };
}

function clock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

async function failureOf(p: Promise<unknown>): Promise<JwksFailure> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof JwksError, String(e));
    return e.failure;
  }
  assert.fail('expected a JwksError');
}

const kidsOf = (keys: readonly { kid?: string }[]) => keys.map((k) => k.kid);

test('discovery then JWKS; served from cache within the TTL, refetched after it', async () => {
  const idp = fakeIssuer(['a']);
  const c = clock();
  const cache = new JwksCache({ fetch: idp.fetchFn, now: c.now });
  assert.deepEqual(kidsOf(await cache.keysFor(ISSUER, { kid: 'a' })), ['a']);
  assert.deepEqual(idp.calls, [`${ISSUER}/.well-known/openid-configuration`, JWKS_URI]);
  c.advance(59 * 60_000);
  await cache.keysFor(ISSUER, { kid: 'a' });
  assert.equal(idp.calls.length, 2);
  c.advance(2 * 60_000); // past the default 1 h
  await cache.keysFor(ISSUER, { kid: 'a' });
  assert.equal(idp.calls.length, 4);
});

test('Cache-Control max-age sets the TTL within bounds', async () => {
  const bounds = { min: 60_000, max: 86_400_000, fallback: 3_600_000 };
  assert.equal(ttlFromCacheControl(null, bounds), 3_600_000);
  assert.equal(ttlFromCacheControl('public, max-age=600', bounds), 600_000);
  assert.equal(ttlFromCacheControl('max-age=5', bounds), 60_000);
  assert.equal(ttlFromCacheControl('max-age=99999999', bounds), 86_400_000);
  assert.equal(ttlFromCacheControl('no-store', bounds), 60_000);
  assert.equal(ttlFromCacheControl('private', bounds), 3_600_000);

  const idp = fakeIssuer(['a'], { cacheControl: 'max-age=300' });
  const c = clock();
  const cache = new JwksCache({ fetch: idp.fetchFn, now: c.now });
  await cache.keysFor(ISSUER, {});
  c.advance(301_000);
  await cache.keysFor(ISSUER, {});
  assert.equal(idp.calls.length, 4);
});

test('an unknown kid triggers one refetch, which finds a rotated key', async () => {
  const idp = fakeIssuer(['old']);
  const c = clock();
  const cache = new JwksCache({ fetch: idp.fetchFn, now: c.now, refetchCooldownMs: 30_000 });
  await cache.keysFor(ISSUER, { kid: 'old' });
  idp.rotate(['old', 'new']);
  c.advance(31_000);
  assert.deepEqual(kidsOf(await cache.keysFor(ISSUER, { kid: 'new' })), ['old', 'new']);
  assert.equal(idp.calls.length, 4);
  await cache.keysFor(ISSUER, { kid: 'new' }); // now cached
  assert.equal(idp.calls.length, 4);
});

test('a flood of unknown kids refetches at most once per cooldown', async () => {
  const idp = fakeIssuer(['a']);
  const c = clock();
  const cache = new JwksCache({ fetch: idp.fetchFn, now: c.now, refetchCooldownMs: 30_000 });
  await cache.keysFor(ISSUER, {});
  c.advance(31_000);
  for (let i = 0; i < 50; i++) assert.deepEqual(kidsOf(await cache.keysFor(ISSUER, { kid: `bogus-${i}` })), ['a']);
  assert.equal(idp.calls.length, 4, 'one refetch for fifty bad kids');
  c.advance(10_000);
  await cache.keysFor(ISSUER, { kid: 'bogus-x' });
  assert.equal(idp.calls.length, 4, 'still inside the cooldown');
  c.advance(21_000);
  await cache.keysFor(ISSUER, { kid: 'bogus-y' });
  assert.equal(idp.calls.length, 6);
});

test('concurrent callers share one in-flight fetch', async () => {
  const idp = fakeIssuer(['a'], { delayMs: 20 });
  const cache = new JwksCache({ fetch: idp.fetchFn });
  const results = await Promise.all(Array.from({ length: 20 }, () => cache.keysFor(ISSUER, { kid: 'a' })));
  assert.equal(results.length, 20);
  assert.equal(idp.calls.length, 2);
});

test('concurrent callers with a new kid wait for the refetch under way', async () => {
  const idp = fakeIssuer(['a'], { delayMs: 20 });
  const c = clock();
  const cache = new JwksCache({ fetch: idp.fetchFn, now: c.now, refetchCooldownMs: 1_000 });
  await cache.keysFor(ISSUER, {});
  idp.rotate(['a', 'b']);
  c.advance(2_000);
  const results = await Promise.all(Array.from({ length: 5 }, () => cache.keysFor(ISSUER, { kid: 'b' })));
  for (const keys of results) assert.deepEqual(kidsOf(keys), ['a', 'b']);
  assert.equal(idp.calls.length, 4);
});

test('network failures and server errors are Unreachable; unusable answers are BadResponse', async () => {
  const answer = (make: () => Response | Promise<Response>): FetchFunction => async () => make();
  const cases: Array<[FetchFunction, JwksFailure]> = [
    [async () => { throw new TypeError('fetch failed'); }, 'Unreachable'],
    [answer(() => new Response('down', { status: 503 })), 'Unreachable'],
    [answer(() => new Response('slow down', { status: 429 })), 'Unreachable'],
    [answer(() => new Response('missing', { status: 404 })), 'BadResponse'],
    [answer(() => new Response(null, { status: 302, headers: { location: 'http://evil.example/' } })), 'BadResponse'],
    [answer(() => new Response('<html>')), 'BadResponse'],
    [answer(() => Response.json({ issuer: ISSUER })), 'BadResponse'],
    [answer(() => Response.json({ jwks_uri: 'http://keys.example.com/jwks' })), 'RefusedUrl'],
  ];
  for (const [fetchFn, expected] of cases) {
    assert.equal(await failureOf(new JwksCache({ fetch: fetchFn }).keysFor(ISSUER, {})), expected);
  }
});

test('a JWKS without a keys array, or a response over the size cap, is BadResponse', async () => {
  const respond = (jwks: () => Response): FetchFunction => async (input) =>
    String(input).endsWith('openid-configuration') ? Response.json({ jwks_uri: JWKS_URI }) : jwks();
  const big = JSON.stringify({ keys: [{ kty: 'RSA', n: 'x'.repeat(300 * 1024) }] });
  const streamed = () => new Response(new Blob([big]).stream()); // no content-length: cap enforced while reading
  const cases = [
    () => Response.json({ nokeys: [] }),
    () => Response.json({ keys: 'x' }),
    () => new Response(big, { headers: { 'content-length': String(big.length) } }),
    streamed,
  ];
  for (const jwks of cases) {
    assert.equal(await failureOf(new JwksCache({ fetch: respond(jwks) }).keysFor(ISSUER, {})), 'BadResponse');
  }
});

test('a fetch that outlives the timeout is Unreachable', async () => {
  const hang: FetchFunction = (_input, init) => new Promise((_resolve, reject) => {
    // AbortSignal.timeout's timer is unref'd; this one keeps the test's event loop alive meanwhile.
    const keepAlive = setTimeout(() => reject(new Error('the timeout never fired')), 5_000);
    init?.signal?.addEventListener('abort', () => {
      clearTimeout(keepAlive);
      reject(init.signal?.reason);
    });
  });
  assert.equal(await failureOf(new JwksCache({ fetch: hang, timeoutMs: 30 }).keysFor(ISSUER, {})), 'Unreachable');
});

test('a failure is remembered briefly, then the issuer is asked again', async () => {
  let calls = 0;
  const down: FetchFunction = async () => {
    calls++;
    throw new TypeError('ECONNREFUSED');
  };
  const c = clock();
  const cache = new JwksCache({ fetch: down, now: c.now, failureTtlMs: 5_000 });
  assert.equal(await failureOf(cache.keysFor(ISSUER, {})), 'Unreachable');
  assert.equal(await failureOf(cache.keysFor(ISSUER, {})), 'Unreachable');
  assert.equal(calls, 1);
  c.advance(5_001);
  assert.equal(await failureOf(cache.keysFor(ISSUER, {})), 'Unreachable');
  assert.equal(calls, 2);
});

test('plain http only to loopback hosts; https anywhere; never credentials in the URL', async () => {
  for (const ok of ['https://idp.example.com', 'http://127.0.0.1:4567/realm', 'http://127.9.8.7', 'http://localhost:1',
    'http://[::1]:80/x']) {
    assert.doesNotThrow(() => fetchableUrl(ok), ok);
  }
  for (const bad of ['http://idp.example.com', 'http://10.0.0.1', 'http://[::ffff:127.0.0.1]', 'ftp://x',
    'https://user:pw@idp.example.com', 'file:///etc/passwd', 'not a url']) {
    assert.throws(() => fetchableUrl(bad), (e: unknown) => e instanceof JwksError && e.failure === 'RefusedUrl', bad);
  }
  let called = false;
  const spy: FetchFunction = async () => {
    called = true;
    return new Response('{}');
  };
  assert.equal(await failureOf(new JwksCache({ fetch: spy }).keysFor('http://idp.example.com', {})), 'RefusedUrl');
  assert.equal(called, false, 'a refused issuer is never fetched');
});

test('discovery URL: trailing slash removed, a scheme-less iss is https', () => {
  assert.equal(discoveryUrl('https://a.example/r/').href, 'https://a.example/r/.well-known/openid-configuration');
  const google = 'https://accounts.google.com/.well-known/openid-configuration';
  assert.equal(discoveryUrl('accounts.google.com').href, google);
  assert.throws(() => discoveryUrl('https://a.example/?q=1'), JwksError);
});
