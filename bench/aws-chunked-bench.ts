/**
 * aws-chunked decoding throughput and memory: streams a 5 GiB STREAMING-UNSIGNED-PAYLOAD-TRAILER
 * body (what current SDKs send) through `authenticate` + a CRC32/MD5 hashing stream, then 1 GiB
 * of STREAMING-AWS4-HMAC-SHA256-PAYLOAD (every chunk signature verified). Reports MB/s and peak
 * RSS (goal: < 200 MB). Bounded: each run stops after 120 s.
 *   npx tsc -p tsconfig.json && node dist/bench/aws-chunked-bench.js [GiB]
 */
import { createHash, createHmac } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Authenticator } from '../src/auth/authenticator.js';
import { FakeCredentials } from '../src/auth/testing/fake-credentials.js';
import { sdkSign } from '../src/auth/testing/sdk-signer.js';
import { deriveSigningKey } from '../src/auth/signing-key-cache.js';
import { hashingStream } from '../src/checksum/hashing-stream.js';

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const NOW = new Date('2026-03-01T12:00:00Z');
const CHUNK = 64 * 1024;
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const DEADLINE_MS = 120_000;


function unsignedBody(chunks: number): Readable {
  const data = Buffer.alloc(CHUNK, 0x61);
  const frame = Buffer.concat([Buffer.from(`${CHUNK.toString(16)}\r\n`), data, Buffer.from('\r\n')]);
  let i = 0;
  return new Readable({
    read() {
      if (i < chunks) {
        i++;
        this.push(frame);
      } else if (i === chunks) {
        i++;
        this.push('0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n');
      } else this.push(null);
    },
  });
}

function signedBody(chunks: number, seed: string): Readable {
  const data = Buffer.alloc(CHUNK, 0x61);
  const dataHash = createHash('sha256').update(data).digest('hex');
  const key = deriveSigningKey(SECRET, '20260301', 'us-east-1', 's3');
  let prev = seed;
  const sign = (h: string) => (prev = createHmac('sha256', key).update(`AWS4-HMAC-SHA256-PAYLOAD\n20260301T120000Z\n20260301/us-east-1/s3/aws4_request\n${prev}\n${EMPTY}\n${h}`).digest('hex'));
  let i = 0;
  return new Readable({
    read() {
      if (i < chunks) {
        i++;
        this.push(Buffer.concat([Buffer.from(`${CHUNK.toString(16)};chunk-signature=${sign(dataHash)}\r\n`), data, Buffer.from('\r\n')]));
      } else if (i === chunks) {
        i++;
        this.push(`0;chunk-signature=${sign(EMPTY)}\r\n\r\n`);
      } else this.push(null);
    },
  });
}

async function run(label: string, mode: string, gib: number, body: (seed: string) => Readable, hash: boolean): Promise<void> {
  const chunks = Math.round((gib * 1024 * 1024 * 1024) / CHUNK);
  const decoded = chunks * CHUNK;
  const headers: Record<string, string> = {
    'x-amz-content-sha256': mode,
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': String(decoded),
  };
  if (mode.endsWith('TRAILER')) headers['x-amz-trailer'] = 'x-amz-checksum-crc32';
  const raw = await sdkSign({ method: 'PUT', path: '/bucket/big.bin', headers }, { accessKeyId: AKID, secretAccessKey: SECRET, region: 'us-east-1', service: 's3', signingDate: NOW });
  const seed = String(raw.headers.authorization).split('Signature=')[1] ?? '';
  const auth = new Authenticator({ credentials: new FakeCredentials().add({ accessKeyId: AKID, secretAccessKey: SECRET }), region: 'us-east-1' });
  const t0 = Date.now();
  const r = await auth.authenticate(raw, body(seed), NOW);
  let n = 0;
  const sink = new Writable({
      write(c: Buffer, _e, cb) {
        n += c.length;
        cb(Date.now() - t0 > DEADLINE_MS ? new Error('deadline') : null);
      },
  });
  if (hash) await pipeline(r.body, hashingStream(['CRC32']), sink);
  else await pipeline(r.body, sink);
  const s = (Date.now() - t0) / 1000;
  const what = hash ? 'decode + MD5 + CRC32' : 'decode only';
  console.log(`${label}: ${(n / 2 ** 30).toFixed(2)} GiB in ${s.toFixed(1)} s = ${(n / 1e6 / s).toFixed(0)} MB/s (${what}), max RSS so far ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  if (n !== decoded) throw new Error(`decoded ${n} of ${decoded}`);
}

const gib = Number(process.argv[2] ?? '5');
const unsigned = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
const signed = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
const one = Math.min(gib, 1);
await run(unsigned, unsigned, gib, () => unsignedBody(Math.round((gib * 2 ** 30) / CHUNK)), false);
await run(unsigned, unsigned, gib, () => unsignedBody(Math.round((gib * 2 ** 30) / CHUNK)), true);
await run(`${signed} (every chunk signature verified)`, signed, one, (seed) => signedBody(Math.round((one * 2 ** 30) / CHUNK), seed), false);
