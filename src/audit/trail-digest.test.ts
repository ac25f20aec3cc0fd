import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import {
  buildDigest, buildLogFile, logFileRecord, digestStringToSign, publicKeyDer, publicKeyFingerprint, sha256Hex,
  verifyDigestSignature,
} from './trail-digest.js';
import { digestFileKey, digestKeyPattern, logFileKey } from './trail-keys.js';
import { validateLogs } from './validate-logs.js';
import { statusLine } from './validate-logs-report.js';
import { buildTestChain, CHAIN_START, MemoryTrailStore, rsaKeyPair, TRAIL, TRAIL_ARN } from './trail-test-chain.js';

const KEYS = rsaKeyPair();

test('log and digest keys follow CloudTrail layout (the digest doc sample key)', () => {
  const loc = { bucket: 'b', accountId: '111122223333', region: 'us-east-2' };
  assert.equal(digestFileKey({ ...loc, trailName: 'your-trail-name' }, new Date('2015-08-17T15:01:31Z')),
    'AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/'
    + '111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T150131Z.json.gz');
  assert.equal(logFileKey({ ...loc, prefix: 'p/q' }, new Date('2015-08-17T09:05:59Z'), 'Ab12Cd34Ef56Gh78'),
    'p/q/AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/17/'
    + '111122223333_CloudTrail_us-east-2_20150817T0905Z_Ab12Cd34Ef56Gh78.json.gz');
  const pattern = digestKeyPattern({ ...loc, trailName: 'your-trail-name' });
  assert.ok(pattern.test(digestFileKey({ ...loc, trailName: 'your-trail-name' }, new Date())));
  assert.ok(!pattern.test(digestFileKey({ ...loc, trailName: 'other' }, new Date())));
});

test('a log file is gzip JSON {"Records":[...]} with its event time range', async () => {
  const log = await buildLogFile({ location: TRAIL, deliveredAt: CHAIN_START, uniqueString: 'u',
    records: [{ eventTime: '2026-03-01T10:00:02Z' }, { eventTime: '2026-03-01T09:59:01Z' }].map(logFileRecord) });
  assert.deepEqual(JSON.parse(gunzipSync(log.body).toString()), { Records: [
    { eventTime: '2026-03-01T10:00:02Z' }, { eventTime: '2026-03-01T09:59:01Z' }] });
  assert.equal(log.newestEventTime, '2026-03-01T10:00:02Z');
  assert.equal(log.oldestEventTime, '2026-03-01T09:59:01Z');
});

test('digest fields are CloudTrail\'s, in its order, linked to the previous digest', async () => {
  const { digests, logs } = await buildTestChain(KEYS.privateKey);
  const [first, second] = digests;
  assert.deepEqual(Object.keys(second.document), ['awsAccountId', 'digestStartTime', 'digestEndTime',
    'digestS3Bucket', 'digestS3Object', 'digestPublicKeyFingerprint', 'digestSignatureAlgorithm',
    'newestEventTime', 'oldestEventTime', 'previousDigestS3Bucket', 'previousDigestS3Object',
    'previousDigestHashValue', 'previousDigestHashAlgorithm', 'previousDigestSignature', 'logFiles']);
  assert.equal(second.document.digestSignatureAlgorithm, 'SHA256withRSA');
  assert.equal(second.document.digestStartTime, '2026-03-01T11:00:07Z');
  assert.equal(second.document.previousDigestS3Object, first.key);
  assert.equal(second.document.previousDigestHashValue, sha256Hex(gunzipSync(first.body)));
  assert.equal(second.document.previousDigestSignature, first.signature);
  assert.equal(first.document.previousDigestSignature, null);
  assert.equal(second.document.logFiles[0].hashValue, sha256Hex(gunzipSync(logs[2].body)), 'hash of the inflated log');
  assert.equal(second.document.logFiles[0].hashAlgorithm, 'SHA-256');
  assert.deepEqual(second.metadata, { signature: second.signature, 'signature-algorithm': 'SHA256withRSA' });
  assert.match(second.document.digestPublicKeyFingerprint, /^[0-9a-f]{32}$/);
  assert.equal(second.document.digestPublicKeyFingerprint, publicKeyFingerprint(KEYS.publicKey));
});

test('the signature covers end time, bucket/key, content hash and previous signature', async () => {
  const { digests } = await buildTestChain(KEYS.privateKey);
  const d = digests[0];
  assert.equal(digestStringToSign(d.document, d.content), `2026-03-01T11:00:07Z\ntrail-bucket/${d.key}\n`
    + `${sha256Hex(d.content)}\nnull`);
  const ok = (content: Buffer, publicKey = KEYS.publicKey) =>
    verifyDigestSignature({ document: d.document, content, signatureHex: d.signature, publicKey });
  assert.equal(ok(d.content), true);
  assert.equal(ok(Buffer.concat([d.content, Buffer.from(' ')])), false);
  assert.equal(ok(d.content, rsaKeyPair().publicKey), false);
});

const CLI_VALIDATE = String.raw`import base64, json, sys
from datetime import datetime
from botocore.exceptions import ClientError
from awscli.customizations.cloudtrail import validation as v

data = json.load(sys.stdin)
objects = {(o['bucket'], o['key']): o for o in data['objects']}

class Body:
    def __init__(self, raw): self.raw, self.pos = raw, 0
    def read(self, n=-1):
        chunk = self.raw[self.pos:] if n < 0 else self.raw[self.pos:self.pos + n]
        self.pos += len(chunk); return chunk

class Pages:
    def __init__(self, keys): self.keys = keys
    def search(self, _expr): return iter(self.keys)

class FakeS3:
    def __init__(self, bucket): self.bucket = bucket
    def get_paginator(self, _name): return self
    def paginate(self, Bucket, Marker, Prefix):
        return Pages(sorted(k for (b, k) in objects if b == Bucket and k.startswith(Prefix) and k > Marker))
    def get_object(self, Bucket, Key):
        o = objects.get((Bucket, Key))
        if o is None:
            raise ClientError({'Error': {'Code': 'NoSuchKey', 'Message': 'not found'}}, 'GetObject')
        return {'Body': Body(base64.b64decode(o['body'])), 'Metadata': o['metadata']}

class FakeProvider:
    def get_client(self, bucket): return FakeS3(bucket)

class FakeKeys:
    def get_public_keys(self, start, end):
        return {fp: {'Fingerprint': fp, 'Value': der} for fp, der in data['publicKeys'].items()}

events = []
arn = data['trailArn']
provider = v.DigestProvider(s3_client_provider=FakeProvider(), account_id=arn.split(':')[4],
    trail_name=arn.split('/')[-1], trail_home_region=arn.split(':')[3])
traverser = v.DigestTraverser(digest_provider=provider, starting_bucket=data['bucket'], starting_prefix=None,
    public_key_provider=FakeKeys(),
    on_invalid=lambda **kw: events.append(['invalid', kw['message']]),
    on_missing=lambda **kw: events.append(['missing', kw['last_key']]),
    on_gap=lambda **kw: events.append(['gap', kw['last_key']]))
command = v.CloudTrailValidateLogs(None)
command.s3_client_provider = FakeProvider()
command._write_status = lambda message, is_error=False: events.append(['status', message])
start = v.normalize_date(v.parse_date(data['start']))
end = v.normalize_date(v.parse_date(data['end']))
for digest in traverser.traverse_digests(start, end):
    events.append(['valid', digest['digestS3Object']])
    for log in digest['logFiles']:
        command._download_log(log)
print(json.dumps(events))
`;

function runCliValidation(store: MemoryTrailStore): { status: number | null; events: string[][]; stderr: string } {
  const input = JSON.stringify({
    trailArn: TRAIL_ARN, bucket: TRAIL.bucket, start: '2026-03-01T10:00:07Z', end: '2026-03-01T13:00:07Z',
    publicKeys: { [publicKeyFingerprint(KEYS.publicKey)]: publicKeyDer(KEYS.publicKey).toString('base64') },
    objects: [...store.objects].map(([path, o]) => ({ bucket: path.split('/')[0], key: path.slice(path.indexOf('/') + 1),
      body: o.body.toString('base64'), metadata: o.metadata })),
  });
  const child = spawnSync('python3', ['-c', CLI_VALIDATE], { input, encoding: 'utf8', timeout: 60_000 });
  return { status: child.status, events: child.status === 0 ? JSON.parse(child.stdout) : [], stderr: child.stderr };
}

const awscliAvailable = spawnSync('python3', ['-c', 'import awscli.customizations.cloudtrail.validation'])
  .status === 0;

test('the aws CLI\'s own validation code accepts our chain and names a tampered log file', {
  skip: awscliAvailable ? false : 'python3 with awscli is not installed',
}, async () => {
  const chain = await buildTestChain(KEYS.privateKey);
  const clean = runCliValidation(chain.store);
  assert.equal(clean.status, 0, clean.stderr);
  assert.deepEqual(clean.events.filter((e) => e[0] === 'valid').map((e) => e[1]),
    chain.digests.map((d) => d.key).reverse());
  assert.equal(clean.events.filter((e) => e[0] === 'status' && e[1].endsWith('\tvalid')).length, 5);
  assert.deepEqual(clean.events.filter((e) => e[0] !== 'valid' && e[0] !== 'status'), []);

  chain.store.alterContent(chain.logs[1].bucket, chain.logs[1].key, '"PutObject"', '"PutObjecu"');
  chain.store.alterContent(chain.digests[2].bucket, chain.digests[2].key, '"SHA-256"', '"SHA-257"');
  chain.store.delete(chain.logs[3].bucket, chain.logs[3].key);
  const tampered = runCliValidation(chain.store);
  assert.equal(tampered.status, 0, tampered.stderr);
  const problems = tampered.events.filter((e) => e[0] !== 'valid' && !e[1].endsWith('\tvalid')).map((e) => e[1]);
  const s3 = (key: string) => `s3://${TRAIL.bucket}/${key}`;
  assert.deepEqual(problems, [
    `Digest file\t${s3(chain.digests[2].key)}\tINVALID: signature verification failed`,
    `Log file\t${s3(chain.logs[3].key)}\tINVALID: not found`,
    `Log file\t${s3(chain.logs[1].key)}\tINVALID: hash value doesn't match`,
  ]);
  // Our validator reports the same files with the same words, in the same order.
  const ours = await validateLogs(chain.store, { trailArn: TRAIL_ARN, bucket: TRAIL.bucket, startTime: CHAIN_START,
    endTime: new Date('2026-03-01T13:00:07Z'), publicKeys: new Map([[publicKeyFingerprint(KEYS.publicKey), KEYS.publicKey]]) });
  assert.deepEqual(ours.entries.filter((e) => e.kind !== 'gap' && e.status !== 'valid').map(statusLine), problems);
});
