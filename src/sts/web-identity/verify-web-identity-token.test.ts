import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHmac } from 'node:crypto';
import { isServiceError } from '../../errors/service-error.js';
import { JwksCache, type FetchFunction } from './jwks-cache.js';
import type { Jwk } from './jwt.js';
import { base64urlJson, signJws, testKey, type TestKey } from './testing/jws-signer.js';
import {
  verifyWebIdentityToken,
  type OidcProviderLookup,
  type VerifyWebIdentityTokenOptions,
} from './verify-web-identity-token.js';

const ACCOUNT = '111122223333';
const ISS = 'https://idp.example.com/realm';
const PROVIDER_URL = 'idp.example.com/realm';
const PROVIDER: OidcProviderLookup = {
  arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${PROVIDER_URL}`,
  accountId: ACCOUNT,
  url: PROVIDER_URL,
  clientIds: ['sts.amazonaws.com', 'my-app'],
};
const NOW = new Date('2030-01-01T00:00:00Z');
const NOW_S = NOW.getTime() / 1000;

const rsa = testKey('rsa', 'rsa-1');
const p256 = testKey('P-256', 'ec-256');
const p384 = testKey('P-384', 'ec-384');

/** An issuer served through an injected fetch, behind the real JwksCache; `keys` can be swapped to rotate. */
function setup(options: { keys?: TestKey[]; down?: boolean; providers?: Record<string, OidcProviderLookup> } = {}) {
  const state = { keys: (options.keys ?? [rsa, p256, p384]).map((k) => k.jwk) as Jwk[], fetches: 0 };
  const fetchFn: FetchFunction = async (input) => {
    state.fetches++;
    if (options.down === true) throw new TypeError('connect ECONNREFUSED');
    const url = String(input);
    if (url === `${ISS}/.well-known/openid-configuration`) {
      return Response.json({ issuer: ISS, jwks_uri: `${ISS}/certs` });
    }
    if (url === `${ISS}/certs`) return Response.json({ keys: state.keys });
    return new Response('not found', { status: 404 });
  };
  let clock = NOW.getTime();
  const jwks = new JwksCache({ fetch: fetchFn, now: () => clock, refetchCooldownMs: 30_000 });
  const providers = options.providers ?? { [PROVIDER_URL]: PROVIDER };
  const verifyOptions: VerifyWebIdentityTokenOptions = {
    findProvider: async (url) => providers[url],
    jwks,
    now: NOW,
    roleAccountId: ACCOUNT,
  };
  return { state, verifyOptions, advanceCache: (ms: number) => { clock += ms; } };
}

const claims = (overrides: Record<string, unknown> = {}) => ({
  iss: ISS, aud: 'sts.amazonaws.com', sub: 'user-42', iat: NOW_S - 10, exp: NOW_S + 600, ...overrides,
});

/** An RS256 token with `claims(overrides)`, verified with `options`. */
const verifyRs256 = (overrides: Record<string, unknown>, options: VerifyWebIdentityTokenOptions) =>
  verifyWebIdentityToken(signJws('RS256', claims(overrides), rsa), options);

async function rejectsWith(p: Promise<unknown>, code: string): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(isServiceError(e), `not a ServiceError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e.message;
  }
  assert.fail(`expected ${code}`);
}

test('RS256, ES256 and ES384 tokens verify; the result carries what AssumeRoleWithWebIdentity returns', async () => {
  const { verifyOptions } = setup();
  for (const [alg, key] of [['RS256', rsa], ['ES256', p256], ['ES384', p384]] as const) {
    const r = await verifyWebIdentityToken(signJws(alg, claims(), key), verifyOptions);
    assert.equal(r.providerArn, PROVIDER.arn);
    assert.equal(r.provider, PROVIDER.arn);
    assert.equal(r.issuer, PROVIDER_URL);
    assert.equal(r.subject, 'user-42');
    assert.equal(r.audience, 'sts.amazonaws.com');
    assert.equal(r.expiresAt.getTime(), (NOW_S + 600) * 1000);
    assert.deepEqual(r.conditionKeys, {
      'aws:FederatedProvider': PROVIDER.arn,
      [`${PROVIDER_URL}:aud`]: 'sts.amazonaws.com',
      [`${PROVIDER_URL}:oaud`]: 'sts.amazonaws.com',
      [`${PROVIDER_URL}:sub`]: 'user-42',
    });
  }
});

test('PS256 is outside the algorithms AWS documents; accepted only when the caller allows it', async () => {
  const { verifyOptions } = setup();
  const token = signJws('PS256', claims(), rsa);
  await rejectsWith(verifyWebIdentityToken(token, verifyOptions), 'InvalidIdentityToken');
  const r = await verifyWebIdentityToken(token, { ...verifyOptions, algorithms: ['RS256', 'PS256'] });
  assert.equal(r.subject, 'user-42');
});

test('HS256 (MACed with the public key) and alg none are refused before any fetch', async () => {
  const { verifyOptions, state } = setup();
  const input = `${base64urlJson({ alg: 'HS256', kid: 'rsa-1' })}.${base64urlJson(claims())}`;
  const hs256 = `${input}.${createHmac('sha256', String(rsa.jwk.n)).update(input).digest('base64url')}`;
  const none = `${base64urlJson({ alg: 'none' })}.${base64urlJson(claims())}.`;
  const noneWithSig = `${base64urlJson({ alg: 'none' })}.${base64urlJson(claims())}.AAAA`;
  for (const token of [hs256, none, noneWithSig]) {
    await rejectsWith(verifyWebIdentityToken(token, verifyOptions), 'InvalidIdentityToken');
  }
  assert.equal(state.fetches, 0);
});

test('a malformed token is InvalidIdentityToken; one over the model length is ValidationError', async () => {
  const { verifyOptions } = setup();
  for (const token of ['abcd', 'a.b.c', 'eyJhbGciOiJSUzI1NiJ9.e30', signJws('RS256', claims(), rsa) + 'x.y']) {
    await rejectsWith(verifyWebIdentityToken(token, verifyOptions), 'InvalidIdentityToken');
  }
  const huge = signJws('RS256', claims({ pad: 'x'.repeat(20_000) }), rsa);
  await rejectsWith(verifyWebIdentityToken(huge, verifyOptions), 'ValidationError');
  await rejectsWith(verifyWebIdentityToken('abc', verifyOptions), 'ValidationError');
});

test('an iss without a provider in the role account is InvalidIdentityToken, checked before the keys', async () => {
  const { verifyOptions, state } = setup();
  const other = signJws('RS256', claims({ iss: 'https://other.example.com' }), rsa);
  const msg = await rejectsWith(verifyWebIdentityToken(other, verifyOptions), 'InvalidIdentityToken');
  assert.match(msg, /No OpenIDConnect provider found in your account for https:\/\/other\.example\.com/);
  const noIss = signJws('RS256', claims({ iss: undefined }), rsa);
  await rejectsWith(verifyWebIdentityToken(noIss, verifyOptions), 'InvalidIdentityToken');
  // The provider exists, but in another account than the role's.
  const foreign = setup({ providers: { [PROVIDER_URL]: { ...PROVIDER, accountId: '999999999999' } } });
  await rejectsWith(verifyRs256({}, foreign.verifyOptions), 'InvalidIdentityToken');
  assert.equal(state.fetches + foreign.state.fetches, 0);
});

test('an iss with a trailing slash names the provider stored without it', async () => {
  const { verifyOptions } = setup();
  const r = await verifyRs256({ iss: `${ISS}/` }, verifyOptions);
  assert.equal(r.issuer, PROVIDER_URL);
  assert.equal(r.conditionKeys[`${PROVIDER_URL}:sub`], 'user-42');
});

test('a tampered payload, or a key the issuer does not publish, fails the signature check', async () => {
  const { verifyOptions } = setup();
  const [h, , s] = signJws('RS256', claims(), rsa).split('.');
  const tampered = `${h}.${base64urlJson(claims({ sub: 'admin' }))}.${s}`;
  await rejectsWith(verifyWebIdentityToken(tampered, verifyOptions), 'InvalidIdentityToken');
  const impostor = testKey('rsa', 'rsa-1'); // same kid, different key
  const forged = signJws('RS256', claims(), impostor);
  await rejectsWith(verifyWebIdentityToken(forged, verifyOptions), 'InvalidIdentityToken');
  // kid naming an EC key, alg RS256: the key cannot verify that algorithm.
  const mismatch = signJws('RS256', claims(), rsa, { kid: 'ec-256' });
  await rejectsWith(verifyWebIdentityToken(mismatch, verifyOptions), 'InvalidIdentityToken');
});

test('a token without kid is checked against the keys that fit its algorithm', async () => {
  const { verifyOptions } = setup();
  const r = await verifyWebIdentityToken(signJws('ES256', claims(), p256, { kid: undefined }), verifyOptions);
  assert.equal(r.subject, 'user-42');
});

test('an unknown kid refetches the JWKS once: a rotated key verifies, a bogus kid does not', async () => {
  const env = setup({ keys: [rsa] });
  await verifyWebIdentityToken(signJws('RS256', claims(), rsa), env.verifyOptions);
  assert.equal(env.state.fetches, 2);
  const next = testKey('rsa', 'rsa-2');
  env.state.keys = [rsa.jwk, next.jwk];
  env.advanceCache(31_000);
  const r = await verifyWebIdentityToken(signJws('RS256', claims(), next), env.verifyOptions);
  assert.equal(r.subject, 'user-42');
  assert.equal(env.state.fetches, 4, 'one refetch for the new kid');
  const msg = await rejectsWith(
    verifyWebIdentityToken(signJws('RS256', claims(), testKey('rsa', 'nope')), env.verifyOptions),
    'InvalidIdentityToken',
  );
  assert.match(msg, /Couldn't retrieve verification key/);
  assert.equal(env.state.fetches, 4, 'inside the cooldown: no second refetch');
});

test('unreachable issuer: IDPCommunicationError; issuer without discovery: InvalidIdentityToken', async () => {
  const down = setup({ down: true });
  await rejectsWith(verifyRs256({}, down.verifyOptions), 'IDPCommunicationError');
  const wrongPath = setup({ providers: { 'idp.example.com/other': { ...PROVIDER, url: 'idp.example.com/other' } } });
  const token = signJws('RS256', claims({ iss: 'https://idp.example.com/other' }), rsa);
  await rejectsWith(verifyWebIdentityToken(token, wrongPath.verifyOptions), 'InvalidIdentityToken');
});

test('a plain-http issuer on a non-loopback host is refused without being fetched', async () => {
  const env = setup();
  const token = signJws('RS256', claims({ iss: 'http://idp.example.com/realm' }), rsa);
  await rejectsWith(verifyWebIdentityToken(token, env.verifyOptions), 'InvalidIdentityToken');
  assert.equal(env.state.fetches, 0);
});

test('exp: now at or after it is ExpiredTokenException; exp is required and an integer', async () => {
  const { verifyOptions } = setup();
  const expired = signJws('RS256', claims({ exp: NOW_S - 1 }), rsa);
  const msg = await rejectsWith(verifyWebIdentityToken(expired, verifyOptions), 'ExpiredTokenException');
  assert.equal(msg, `Token expired: current date/time ${NOW_S} must be before the expiration date/time ${NOW_S - 1}`);
  await rejectsWith(verifyRs256({ exp: NOW_S }, verifyOptions), 'ExpiredTokenException');
  for (const exp of [undefined, NOW_S + 600.5, String(NOW_S + 600)]) {
    await rejectsWith(verifyRs256({ exp }, verifyOptions), 'InvalidIdentityToken');
  }
});

test('nbf and iat in the future beyond the skew are InvalidIdentityToken; within it they pass', async () => {
  const { verifyOptions } = setup();
  const v = (c: Record<string, unknown>) => verifyWebIdentityToken(signJws('RS256', claims(c), rsa), verifyOptions);
  await rejectsWith(v({ nbf: NOW_S + 301 }), 'InvalidIdentityToken');
  await rejectsWith(v({ iat: NOW_S + 301 }), 'InvalidIdentityToken');
  await v({ nbf: NOW_S + 60, iat: NOW_S + 60 });
  const strict = { ...verifyOptions, clockSkewSeconds: 0 };
  await rejectsWith(verifyRs256({ nbf: NOW_S + 60 }, strict), 'InvalidIdentityToken');
});

test('audience: aud (string or list) must hold a client id; azp, when present, is the audience', async () => {
  const { verifyOptions } = setup();
  const v = (c: Record<string, unknown>) => verifyWebIdentityToken(signJws('RS256', claims(c), rsa), verifyOptions);
  assert.equal(await rejectsWith(v({ aud: 'someone-else' }), 'InvalidIdentityToken'), 'Incorrect token audience');
  await rejectsWith(v({ aud: undefined }), 'InvalidIdentityToken');
  await rejectsWith(v({ aud: [] }), 'InvalidIdentityToken');
  const listed = await v({ aud: ['https://api.example.com', 'my-app'] });
  assert.equal(listed.audience, 'my-app');
  assert.deepEqual(listed.conditionKeys[`${PROVIDER_URL}:oaud`], ['https://api.example.com', 'my-app']);
  const hybrid = await v({ aud: 'https://api.example.com', azp: 'my-app' });
  assert.equal(hybrid.audience, 'my-app');
  assert.equal(hybrid.conditionKeys[`${PROVIDER_URL}:aud`], 'my-app');
  assert.equal(hybrid.conditionKeys[`${PROVIDER_URL}:oaud`], 'https://api.example.com');
  await rejectsWith(v({ aud: 'my-app', azp: 'another-client' }), 'InvalidIdentityToken');
});

test('sub is required', async () => {
  const { verifyOptions } = setup();
  for (const sub of [undefined, '', 42]) {
    await rejectsWith(verifyRs256({ sub }, verifyOptions), 'InvalidIdentityToken');
  }
});

test('checks run in AWS order: an expired token for a wrong audience is ExpiredTokenException', async () => {
  const { verifyOptions } = setup();
  const token = signJws('RS256', claims({ exp: NOW_S - 5, aud: 'nobody', sub: undefined }), rsa);
  await rejectsWith(verifyWebIdentityToken(token, verifyOptions), 'ExpiredTokenException');
});

test('amr, email and GitHub claims become condition keys', async () => {
  const gh = 'token.actions.githubusercontent.com';
  const provider = { ...PROVIDER, arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${gh}`, url: gh };
  const jwks = { keysFor: async () => [rsa.jwk] };
  const options = { findProvider: async () => provider, jwks, now: NOW, roleAccountId: ACCOUNT };
  const token = signJws('RS256', claims({
    iss: `https://${gh}`, sub: 'repo:acme/app:ref:refs/heads/main', amr: ['pwd', 'mfa'], email: 'a@example.com',
    repository: 'acme/app', repository_owner_id: '2020', ref: 'refs/heads/main', run_id: '77',
  }), rsa);
  const r = await verifyWebIdentityToken(token, options);
  assert.deepEqual(r.amr, ['pwd', 'mfa']);
  assert.deepEqual(r.conditionKeys, {
    'aws:FederatedProvider': provider.arn,
    [`${gh}:aud`]: 'sts.amazonaws.com',
    [`${gh}:oaud`]: 'sts.amazonaws.com',
    [`${gh}:sub`]: 'repo:acme/app:ref:refs/heads/main',
    [`${gh}:amr`]: ['pwd', 'mfa'],
    [`${gh}:email`]: 'a@example.com',
    [`${gh}:repository`]: 'acme/app',
    [`${gh}:repository_owner_id`]: '2020',
    [`${gh}:ref`]: 'refs/heads/main',
  });
});
