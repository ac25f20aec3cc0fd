/**
 * Checksum throughput (MB/s) on this machine: `npx tsc -p tsconfig.json && node dist/bench/checksum-bench.js`.
 * Bounded: each algorithm hashes a fixed 256 MiB (64 × 4 MiB buffers).
 */
import { randomBytes } from 'node:crypto';
import { createHasher } from '../src/checksum/hasher.js';
import type { HashAlgorithm } from '../src/checksum/algorithms.js';

const BUF = randomBytes(4 * 1024 * 1024);
const ROUNDS = 64;

function bench(alg: HashAlgorithm): number {
  // Warm up so the JIT has compiled the inner loops.
  const warm = createHasher(alg);
  for (let i = 0; i < 4; i++) warm.update(BUF);
  warm.digest();
  const h = createHasher(alg);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) h.update(BUF);
  h.digest();
  const ns = Number(process.hrtime.bigint() - t0);
  return (BUF.length * ROUNDS) / 1e6 / (ns / 1e9);
}

const results: Record<string, string> = {};
for (const alg of ['CRC32', 'CRC32C', 'CRC64NVME', 'MD5', 'SHA1', 'SHA256'] as const) {
  results[alg] = `${bench(alg).toFixed(0)} MB/s`;
}
console.log(JSON.stringify(results, null, 2));
