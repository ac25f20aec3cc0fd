import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { publicKeyFingerprint } from './trail-digest.js';
import { buildTestChain, CHAIN_START, rsaKeyPair, TRAIL, TRAIL_ARN, type TestChain } from './trail-test-chain.js';
import { validateLogs, type FileResult, type ValidateLogsResult } from './validate-logs.js';
import { formatValidationReport } from './validate-logs-report.js';

const KEYS = rsaKeyPair();
const OTHER_KEYS = rsaKeyPair();
const END = new Date(CHAIN_START.getTime() + 3 * 3_600_000);

function keysOf(...keys: KeyObject[]): Map<string, KeyObject> {
  return new Map(keys.map((k) => [publicKeyFingerprint(k), k]));
}

function run(chain: TestChain, publicKeys = keysOf(KEYS.publicKey)): Promise<ValidateLogsResult> {
  return validateLogs(chain.store, { trailArn: TRAIL_ARN, bucket: TRAIL.bucket, startTime: CHAIN_START,
    endTime: END, publicKeys });
}

function invalid(result: ValidateLogsResult): FileResult[] {
  return result.entries.filter((e): e is FileResult => e.kind !== 'gap' && e.status !== 'valid');
}

test('a chain of 3 digests over 5 log files validates', async () => {
  const chain = await buildTestChain(KEYS.privateKey);
  const result = await run(chain);
  assert.deepEqual(result.digests, { valid: 3, invalid: 0 });
  assert.deepEqual(result.logs, { valid: 5, invalid: 0 });
  const digestOrder = result.entries.filter((e) => e.kind === 'Digest file').map((e) => (e as FileResult).key);
  assert.deepEqual(digestOrder, chain.digests.map((d) => d.key).reverse(), 'walked newest first');
  const report = formatValidationReport(result, { verbose: false });
  assert.equal(report.exitCode, 0);
  assert.equal(report.stderr, '');
  assert.match(report.stdout, /Results requested for 2026-03-01T10:00:07Z to 2026-03-01T13:00:07Z\n/);
  assert.match(report.stdout, /Results found for 2026-03-01T10:00:07Z to 2026-03-01T13:00:07Z:\n/);
  assert.match(report.stdout, /\n3\/3 digest files valid\n5\/5 log files valid\n$/);
});

test('one altered byte of a log file is detected and the file named', async () => {
  const chain = await buildTestChain(KEYS.privateKey);
  const target = chain.logs[2];
  chain.store.alterContent(target.bucket, target.key, '"PutObject"', '"PutObjecu"');
  const result = await run(chain);
  assert.deepEqual(invalid(result).map((e) => [e.kind, e.key, e.status]),
    [['Log file', target.key, "INVALID: hash value doesn't match"]]);
  const report = formatValidationReport(result, { verbose: false });
  assert.equal(report.exitCode, 1);
  assert.equal(report.stderr,
    `Log file\ts3://${target.bucket}/${target.key}\tINVALID: hash value doesn't match\n\n`);
  assert.match(report.stdout, /4\/5 log files valid, 1\/5 log files INVALID/);
});

test('a raw byte flip in a stored log file or digest breaks its gzip CRC: named as invalid format', async () => {
  const chain = await buildTestChain(KEYS.privateKey);
  const log = chain.logs[0];
  const digest = chain.digests[2];
  chain.store.alter(log.bucket, log.key, log.body.length - 12);
  chain.store.alter(digest.bucket, digest.key, digest.body.length - 12);
  const result = await run(chain);
  assert.deepEqual(invalid(result).map((e) => [e.kind, e.key, e.status]),
    [['Digest file', digest.key, 'INVALID: invalid format'], ['Log file', log.key, 'INVALID: invalid format']]);
});

test('a deleted log file is reported not found', async () => {
  const chain = await buildTestChain(KEYS.privateKey);
  const target = chain.logs[4];
  chain.store.delete(target.bucket, target.key);
  const result = await run(chain);
  assert.deepEqual(invalid(result).map((e) => [e.kind, e.key, e.status]), [['Log file', target.key, 'INVALID: not found']]);
  assert.deepEqual(result.logs, { valid: 4, invalid: 1 });
});

test('one altered byte of a digest fails its signature and the walk resumes at the older digest', async () => {
  const chain = await buildTestChain(KEYS.privateKey);
  const target = chain.digests[1];
  chain.store.alterContent(target.bucket, target.key, '"SHA-256"', '"SHA-257"');
  const result = await run(chain);
  assert.deepEqual(invalid(result).map((e) => [e.kind, e.key, e.status]),
    [['Digest file', target.key, 'INVALID: signature verification failed']]);
  assert.deepEqual(result.digests, { valid: 2, invalid: 1 });
  assert.deepEqual(result.logs, { valid: 3, invalid: 0 }, "the altered digest's log files cannot be vouched for");
});

test('a changed digest signature in the metadata fails verification', async () => {
  const chain = await buildTestChain(KEYS.privateKey);
  const target = chain.digests[2];
  const stored = chain.store.objects.get(`${target.bucket}/${target.key}`);
  assert.ok(stored);
  stored.metadata.signature = `${stored.metadata.signature.slice(0, -1)}${stored.metadata.signature.endsWith('0') ? '1' : '0'}`;
  const result = await run(chain);
  assert.deepEqual(invalid(result).map((e) => [e.key, e.status]), [[target.key, 'INVALID: signature verification failed']]);
});

test('a deleted digest is reported not found and the older digests still validate', async () => {
  const chain = await buildTestChain(KEYS.privateKey);
  const target = chain.digests[1];
  chain.store.delete(target.bucket, target.key);
  const result = await run(chain);
  assert.deepEqual(invalid(result).map((e) => [e.kind, e.key, e.status]),
    [['Digest file', target.key, 'INVALID: not found']]);
  assert.deepEqual(result.digests, { valid: 2, invalid: 1 });
  const report = formatValidationReport(result, { verbose: false });
  assert.equal(report.stderr, `Digest file\ts3://${target.bucket}/${target.key}\tINVALID: not found\n\n`);
  assert.match(report.stdout, /2\/3 digest files valid, 1\/3 digest files INVALID/);
});

test('a digest signed by another key fails verification', async () => {
  const chain = await buildTestChain(OTHER_KEYS.privateKey);
  // The verifier trusts the real key only, filed under the other key's fingerprint (a key swap).
  const result = await run(chain, new Map([[publicKeyFingerprint(OTHER_KEYS.publicKey), KEYS.publicKey]]));
  assert.deepEqual(result.digests, { valid: 0, invalid: 3 });
  assert.ok(invalid(result).every((e) => e.status === 'INVALID: signature verification failed'));
  const report = formatValidationReport(result, { verbose: false });
  assert.match(report.stdout, /No valid digests found in range/);
});

test('a digest whose key is unknown names the fingerprint', async () => {
  const chain = await buildTestChain(OTHER_KEYS.privateKey);
  const result = await run(chain);
  const fingerprint = publicKeyFingerprint(OTHER_KEYS.publicKey);
  assert.equal(invalid(result)[0].status, `INVALID: public key not found in region us-east-1 for fingerprint ${fingerprint}`);
});

test('a validly signed digest copied to another key is reported as moved', async () => {
  const chain = await buildTestChain(KEYS.privateKey);
  const [oldest, middle] = chain.digests;
  const stored = chain.store.objects.get(`${oldest.bucket}/${oldest.key}`);
  assert.ok(stored);
  chain.store.objects.set(`${middle.bucket}/${middle.key}`, stored);
  const result = await run(chain);
  assert.deepEqual(invalid(result).map((e) => [e.key, e.status]),
    [[middle.key, 'INVALID: has been moved from its original location']]);
});

test('verbose output lists every valid file, tab-separated as the CLI', async () => {
  const chain = await buildTestChain(KEYS.privateKey);
  const report = formatValidationReport(await run(chain), { verbose: true });
  const newest = chain.digests[2];
  assert.ok(report.stdout.includes(`Digest file\ts3://${newest.bucket}/${newest.key}\tvalid\n`));
  assert.equal(report.stdout.split('\tvalid\n').length - 1, 8);
});

test('a range before the chain finds no digests', async () => {
  const chain = await buildTestChain(KEYS.privateKey);
  const result = await validateLogs(chain.store, { trailArn: TRAIL_ARN, bucket: TRAIL.bucket,
    startTime: new Date('2026-02-01T00:00:00Z'), endTime: new Date('2026-02-02T00:00:00Z'),
    publicKeys: keysOf(KEYS.publicKey) });
  assert.equal(result.entries.length, 0);
  assert.match(formatValidationReport(result, { verbose: false }).stdout, /No digests found\n$/);
});

test('an invalid trail ARN is refused', async () => {
  const chain = await buildTestChain(KEYS.privateKey);
  await assert.rejects(validateLogs(chain.store, { trailArn: 'arn:aws:s3:::x', bucket: TRAIL.bucket,
    startTime: CHAIN_START, endTime: END, publicKeys: keysOf(KEYS.publicKey) }), /Invalid trail ARN/);
});
