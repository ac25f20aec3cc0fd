import { Readable } from 'node:stream';

/**
 * A byte stream returned synchronously whose chunks come from an async iterable, with backpressure:
 * the iterable is only pulled when the consumer wants more. Errors thrown by the iterable become stream
 * errors; destroying the stream returns the iterable, which runs its `finally` blocks.
 */
export function readableFromChunks(chunks: AsyncIterable<Buffer>, highWaterMark = 512 * 1024): Readable {
  return Readable.from(chunks, { objectMode: false, highWaterMark });
}

/** A byte stream whose source is only known asynchronously; a rejection of `make` becomes a stream error. */
export function lazyReadable(make: () => Promise<Readable>): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    yield* (await make()) as AsyncIterable<Buffer>;
  }
  return readableFromChunks(chunks());
}
