/**
 * authenticate() on the hot path: requests/s for a header-signed S3 GET (signing key cached per
 * Authenticator), a presigned GET, and an IAM form POST. Bounded: 50,000 requests per case.
 *   npx tsc -p tsconfig.json && node dist/bench/auth-bench.js
 */
import { Readable } from 'node:stream';
import { Authenticator } from '../src/auth/authenticator.js';
import { FakeCredentials } from '../src/auth/testing/fake-credentials.js';
import { sdkPresign, sdkSign, type SdkSignerOptions } from '../src/auth/testing/sdk-signer.js';
import type { RawRequest } from '../src/auth/types.js';

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const NOW = new Date('2026-03-01T12:00:00Z');
const N = 50_000;
const opts = (service: string): SdkSignerOptions => ({ accessKeyId: AKID, secretAccessKey: SECRET, region: 'us-east-1', service, signingDate: NOW });
const auth = new Authenticator({ credentials: new FakeCredentials().add({ accessKeyId: AKID, secretAccessKey: SECRET }), region: 'us-east-1' });

async function bench(label: string, raw: RawRequest, body: () => Readable): Promise<void> {
  for (let i = 0; i < 2000; i++) await auth.authenticate(raw, body(), NOW);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await auth.authenticate(raw, body(), NOW);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${label}: ${(N / s).toFixed(0)} req/s (${((s / N) * 1e6).toFixed(1)} µs each)`);
}

const empty = () => Readable.from([]);
const get = await sdkSign(
  { method: 'GET', path: '/bucket/photos/2026/cat.jpg', headers: { 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'user-agent': 'aws-sdk-js/3' } },
  opts('s3'),
);
await bench('S3 GET, Authorization header', get, empty);
await bench('S3 GET, presigned URL', await sdkPresign({ method: 'GET', path: '/bucket/photos/2026/cat.jpg' }, { ...opts('s3'), expiresIn: 3600 }), empty);
const form = 'Action=ListUsers&Version=2010-05-08';
const iam = await sdkSign({ method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: form }, opts('iam'));
await bench('IAM POST (form body buffered and hashed)', iam, () => Readable.from([Buffer.from(form)]));
