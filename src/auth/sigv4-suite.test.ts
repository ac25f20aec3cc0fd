import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Authenticator } from './authenticator.js';
import { isServiceError } from '../errors/service-error.js';
import { FakeCredentials } from './testing/fake-credentials.js';
import { bodyOf, loadVectors, rawRequestOf, readAll, withHeader } from './testing/vector-request.js';

const suite = loadVectors('aws-sig-v4-test-suite.json');
const now = new Date(suite.now ?? '');

for (const c of suite.cases) {
  test(`aws-sig-v4-test-suite ${c.name}: accepted`, async () => {
    const creds = new FakeCredentials().add({ ...suite.credentials, sessionToken: c.securityToken ?? undefined });
    const auth = new Authenticator({ credentials: creds, region: c.region, services: [c.service] });
    const body = Buffer.from(c.bodyBase64, 'base64');
    const result = await auth.authenticate(rawRequestOf(c), bodyOf(body), now);
    assert.equal(result.caller.kind, 'User');
    assert.equal(result.service, 'service');
    assert.equal(result.facts.authType, 'REST-HEADER');
    assert.deepEqual(await readAll(result.body), body);
  });

  test(`aws-sig-v4-test-suite ${c.name}: canonical request is the suite's; tampered signature rejected`, async () => {
    const creds = new FakeCredentials().add({ ...suite.credentials, sessionToken: c.securityToken ?? undefined });
    const auth = new Authenticator({ credentials: creds, region: c.region, services: [c.service] });
    const authz = c.headers.find(([n]) => n === 'Authorization')?.[1] ?? '';
    const tampered = authz.replace(/Signature=(.)/, (_m, ch: string) => `Signature=${ch === '0' ? '1' : '0'}`);
    const raw = rawRequestOf({ ...c, headers: withHeader(c.headers, 'Authorization', tampered) });
    await assert.rejects(auth.authenticate(raw, bodyOf(Buffer.from(c.bodyBase64, 'base64')), now), (e: unknown) => {
      assert.ok(isServiceError(e));
      assert.equal(e.code, 'SignatureDoesNotMatch');
      assert.equal(e.fields.CanonicalRequest, c.canonicalRequest);
      return true;
    });
  });
}
