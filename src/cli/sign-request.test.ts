import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Authenticator } from '../auth/authenticator.js';
import { FakeCredentials } from '../auth/testing/fake-credentials.js';
import { sdkSign } from '../auth/testing/sdk-signer.js';
import { signRequest } from './sign-request.js';

const CREDS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const NOW = new Date('2026-05-06T07:08:09Z');
const BODY = '{"InstanceProfileName":"web"}';
const HEADERS = {
  'Content-Type': 'application/x-amz-json-1.1',
  'X-Amz-Target': 'StrongboxWorkloads_20261201.CreateWorkloadToken',
};

test('signs exactly as the AWS SDK for JavaScript v3 signs the same request', async () => {
  const credentials = { ...CREDS, sessionToken: 'FQoGZXIvYXdzEXAMPLE' };
  const ours = signRequest(
    { method: 'POST', url: new URL('http://127.0.0.1:9000/'), headers: HEADERS, body: BODY },
    { credentials, region: 'us-east-1', service: 'workloads', now: NOW },
  );
  assert.equal(ours['x-amz-content-sha256'], createHash('sha256').update(BODY).digest('hex'));
  // Given the payload hash header, the SDK signs that; without a body it adds no content-length
  // (which node's fetch sets, unsigned, for us).
  const sdk = await sdkSign(
    { method: 'POST', path: '/', headers: { ...HEADERS, 'x-amz-content-sha256': ours['x-amz-content-sha256'] } },
    { ...credentials, region: 'us-east-1', service: 'workloads', signingDate: NOW },
  );
  assert.equal(ours.authorization, sdk.headers.authorization);
  assert.equal(ours['x-amz-security-token'], 'FQoGZXIvYXdzEXAMPLE');
});

test('the server-side authenticator accepts what it signs, and refuses a changed body', async () => {
  const creds = new FakeCredentials().add(CREDS);
  const auth = new Authenticator({ credentials: creds, region: 'eu-west-1' });
  const url = new URL('http://127.0.0.1:9000/');
  const headers = signRequest(
    { method: 'POST', url, headers: HEADERS, body: BODY },
    { credentials: CREDS, region: 'us-east-1', service: 'workloads', now: NOW },
  );
  const raw = { method: 'POST', rawPath: '/', rawQuery: '', headers, rawHeaders: Object.entries(headers).flat() };
  const ok = await auth.authenticate(raw, Readable.from([Buffer.from(BODY)]), NOW);
  assert.equal(ok.caller.kind, 'User');
  assert.equal(ok.service, 'workloads');
  await assert.rejects(auth.authenticate(raw, Readable.from([Buffer.from('{}')]), NOW));
});
