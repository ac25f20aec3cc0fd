/**
 * Giving a body chunk's memory back the moment it has been written, instead of at the next garbage
 * collection.
 *
 * A Buffer's bytes live outside V8's heap, and V8 counts the external memory allocated since its last
 * full collection toward the old generation's limit: in a server whose heap holds ~16 MB, a few MB of
 * dead-but-uncollected chunks are enough to start a full mark-compact. An upload allocates two chunks
 * per 64 KiB (node:http copies each socket read into a new Buffer, and the cipher returns a new one),
 * which young-generation scavenges free too rarely to matter: 8 concurrent 128 MiB PUTs to a
 * one-process server ran 80–90 full collections per GiB, about 2 s of CPU (--trace-gc, perf). Detaching
 * each chunk's ArrayBuffer once it is used frees its bytes and their accounting at once: 4–7 full
 * collections per GiB.
 *
 * Only chunks nobody else can still read may be released: a stream says so of its chunks with
 * `markDisposableChunks` (its consumer then releases each once used), and a chunk is released only
 * when it is the whole of its ArrayBuffer (never a slice of a shared, pooled or reused buffer).
 */
import { MessageChannel } from 'node:worker_threads';

const DISPOSABLE_CHUNKS = Symbol('strongbox.disposableChunks');

/** Chunks smaller than this are left to the collector: releasing one costs a few microseconds. */
const MIN_RELEASE_BYTES = 16 * 1024;
/** Released buffers queue on an unread port until it closes: a fresh channel every this many. */
const RELEASES_PER_CHANNEL = 64;

type Marked = { [DISPOSABLE_CHUNKS]?: true };
type TransferableBuffer = ArrayBuffer & { transfer?: (length?: number) => ArrayBuffer };

/** Declares that every chunk `stream` emits is its consumer's alone, to release once used. */
export function markDisposableChunks<T extends object>(stream: T): T {
  (stream as Marked)[DISPOSABLE_CHUNKS] = true;
  return stream;
}

export function hasDisposableChunks(stream: object): boolean {
  return (stream as Marked)[DISPOSABLE_CHUNKS] === true;
}

// A scratch channel, like the CRC engine's scratch memory: it holds nothing between releases that
// anyone reads (what is posted to it is dropped when it closes).
let channel: MessageChannel | undefined;
let posted = 0;

/**
 * Frees `chunk`'s memory now (its ArrayBuffer is detached: `chunk` reads as empty afterwards) when it
 * spans its whole ArrayBuffer and is large enough to matter; otherwise does nothing.
 */
export function releaseChunk(chunk: Uint8Array): void {
  const buffer = chunk.buffer as TransferableBuffer;
  if (chunk.byteLength < MIN_RELEASE_BYTES || chunk.byteOffset !== 0 || chunk.byteLength !== buffer.byteLength) return;
  if (!(buffer instanceof ArrayBuffer)) return; // shared memory is never detached
  try {
    // ES2024 ArrayBuffer#transfer (node 22): the old buffer is detached and its memory freed.
    if (typeof buffer.transfer === 'function') {
      buffer.transfer(0);
      return;
    }
    // Node 20: transferring the buffer in a message detaches it; the message is dropped unread.
    channel ??= newChannel();
    channel.port1.postMessage(null, [buffer]);
  } catch {
    return; // an untransferable buffer (node's pool): the collector frees it
  }
  posted += 1;
  if (posted % RELEASES_PER_CHANNEL === 0) {
    channel.port1.close();
    channel.port2.close();
    channel = undefined;
  }
}

function newChannel(): MessageChannel {
  const c = new MessageChannel();
  c.port1.unref();
  c.port2.unref();
  return c;
}
