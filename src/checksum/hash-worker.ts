/**
 * Worker-thread side of OffThreadHasher: hashes the batches it is sent, hands each batch's buffer back
 * for reuse, and answers `end` with the digests. Started per large upload (off-thread-hasher.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { HashAlgorithm } from './algorithms.js';
import { createHasher } from './hasher.js';
import type { HashWorkerReply, HashWorkerRequest } from './off-thread-hasher.js';

const port = parentPort;
if (port === null) throw new Error('hash-worker must run in a worker thread');
const hashers = (workerData as { algorithms: HashAlgorithm[] }).algorithms.map((a) => createHasher(a));

port.on('message', (msg: HashWorkerRequest) => {
  if (msg.kind === 'end') {
    const digests: Partial<Record<HashAlgorithm, Uint8Array>> = {};
    for (const h of hashers) digests[h.algorithm] = h.digest();
    port.postMessage({ kind: 'digests', digests } satisfies HashWorkerReply);
    return;
  }
  const view = new Uint8Array(msg.buffer, 0, msg.length);
  for (const h of hashers) h.update(view);
  port.postMessage({ kind: 'done', buffer: msg.buffer } satisfies HashWorkerReply, [msg.buffer]);
});
