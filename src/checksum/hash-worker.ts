/**
 * Worker-thread side of OffThreadHasher: keeps the shared buffers it is sent, hashes each batch it is
 * told of with one algorithm, answers with the batch's id (the buffer may then be reused), and answers
 * `end` with the digest. One is started per algorithm of a large upload (off-thread-hasher.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { HashAlgorithm } from './algorithms.js';
import { createHasher } from './hasher.js';
import type { HashWorkerReply, HashWorkerRequest } from './off-thread-hasher.js';

const port = parentPort;
if (port === null) throw new Error('hash-worker must run in a worker thread');
const hasher = createHasher((workerData as { algorithm: HashAlgorithm }).algorithm);
const buffers: Uint8Array[] = [];

port.on('message', (msg: HashWorkerRequest) => {
  switch (msg.kind) {
    case 'buffer':
      buffers[msg.id] = new Uint8Array(msg.buffer);
      return;
    case 'batch':
      hasher.update(buffers[msg.id].subarray(0, msg.length));
      port.postMessage({ kind: 'done', id: msg.id } satisfies HashWorkerReply);
      return;
    case 'end':
      port.postMessage({ kind: 'digest', digest: hasher.digest() } satisfies HashWorkerReply);
  }
});
