/**
 * The test OpenID issuer, checked against the real verifier and key cache over HTTP on 127.0.0.1:
 * discovery → JWKS → signature, caching, rotation, injected outages, and the tokens that must be refused.
 * (STS's AssumeRoleWithWebIdentity tests drive the server; this file keeps the issuer itself honest.)
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isServiceError } from '../../src/errors/service-error.js';
import { JwksCache } from '../../src/sts/web-identity/jwks-cache.js';
import {
  verifyWebIdentityToken,
  type VerifyWebIdentityTokenOptions,
} from '../../src/sts/web-identity/verify-web-identity-token.js';
import { OidcIssuer } from './oidc-issuer.js';

const ACCOUNT = '111122223333';
const issuer = new OidcIssuer();

before(async () => {
  await issuer.start();
});
after(async () => {
  await issuer.stop();
});

function options(overrides: Partial<VerifyWebIdentityTokenOptions> = {}): VerifyWebIdentityTokenOptions {
  const provider = {
    arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer.providerUrl}`,
    accountId: ACCOUNT,
    url: issuer.providerUrl,
    clientIds: ['sts.amazonaws.com'],
  };
  return {
    findProvider: (url) => (url === issuer.providerUrl ? provider : undefined),
    jwks: new JwksCache({ refetchCooldownMs: 0, failureTtlMs: 0 }),
    now: new Date(),
    roleAccountId: ACCOUNT,
    ...overrides,
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(isServiceError(e), String(e));
    return e.code;
  }
  return 'no error';
}

test('RS256 and ES256 tokens from the issuer verify over HTTP; keys are fetched once', async () => {
  const opts = options();
  const before = { ...issuer.hits };
  const rs = await verifyWebIdentityToken(issuer.sign(issuer.claims({ sub: 'alice' })), opts);
  const es = await verifyWebIdentityToken(issuer.sign(issuer.claims({ sub: 'bob' }), { alg: 'ES256' }), opts);
  assert.equal(rs.subject, 'alice');
  assert.equal(es.subject, 'bob');
  assert.equal(rs.issuer, issuer.providerUrl);
  assert.equal(rs.provider, `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer.providerUrl}`);
  assert.deepEqual(issuer.hits, { discovery: before.discovery + 1, jwks: before.jwks + 1 });
});

test('HS256, alg none and PS256 tokens are refused', async () => {
  const opts = options();
  assert.equal(await codeOf(verifyWebIdentityToken(issuer.hs256Token(issuer.claims()), opts)), 'InvalidIdentityToken');
  assert.equal(await codeOf(verifyWebIdentityToken(issuer.noneToken(issuer.claims()), opts)), 'InvalidIdentityToken');
  const ps = issuer.sign(issuer.claims(), { alg: 'PS256' });
  assert.equal(await codeOf(verifyWebIdentityToken(ps, opts)), 'InvalidIdentityToken');
});

test('a rotated key is found by one refetch; an unknown kid is refused', async () => {
  const opts = options();
  await verifyWebIdentityToken(issuer.sign(issuer.claims()), opts);
  const jwksHits = issuer.hits.jwks;
  issuer.rotateRsaKey();
  const r = await verifyWebIdentityToken(issuer.sign(issuer.claims({ sub: 'rotated' })), opts);
  assert.equal(r.subject, 'rotated');
  assert.equal(issuer.hits.jwks, jwksHits + 1);
  const bogus = issuer.sign(issuer.claims(), { kid: 'no-such-kid' });
  assert.equal(await codeOf(verifyWebIdentityToken(bogus, opts)), 'InvalidIdentityToken');
});

test('an issuer answering 500 is IDPCommunicationError; 404 is InvalidIdentityToken', async () => {
  issuer.faults.jwksStatus = 500;
  try {
    const token = issuer.sign(issuer.claims());
    assert.equal(await codeOf(verifyWebIdentityToken(token, options())), 'IDPCommunicationError');
    issuer.faults.jwksStatus = 404;
    assert.equal(await codeOf(verifyWebIdentityToken(token, options())), 'InvalidIdentityToken');
  } finally {
    delete issuer.faults.jwksStatus;
  }
});

test('expired and wrong-audience tokens carry AWS codes', async () => {
  const now = new Date();
  const exp = Math.floor(now.getTime() / 1000) - 1;
  const expired = issuer.sign(issuer.claims({ exp }));
  assert.equal(await codeOf(verifyWebIdentityToken(expired, options({ now }))), 'ExpiredTokenException');
  const wrongAud = issuer.sign(issuer.claims({ aud: 'not-a-client' }));
  assert.equal(await codeOf(verifyWebIdentityToken(wrongAud, options())), 'InvalidIdentityToken');
});

test('a stopped issuer is unreachable: IDPCommunicationError', async () => {
  const lone = await new OidcIssuer('/lone').start();
  const token = lone.sign(lone.claims());
  const arn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${lone.providerUrl}`;
  const provider = { arn, accountId: ACCOUNT, url: lone.providerUrl, clientIds: ['sts.amazonaws.com'] };
  await lone.stop();
  const opts = options({ findProvider: () => provider });
  assert.equal(await codeOf(verifyWebIdentityToken(token, opts)), 'IDPCommunicationError');
});
