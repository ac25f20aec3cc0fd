import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, write as fsWrite } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pino } from 'pino';
import { LogDestination } from './log-destination.js';

const dir = mkdtempSync(join(tmpdir(), 'log-destination-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function logFile(): { path: string; fd: number } {
  const path = join(dir, `log-${n++}`);
  return { path, fd: openSync(path, 'w') };
}

const flushed = (d: LogDestination) => new Promise<void>((resolve) => d.flush(() => resolve()));

async function eventually(check: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) assert.fail('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('LogDestination', () => {
  test('a quiet server\'s line is written after the delay, without anyone flushing', async () => {
    const { path, fd } = logFile();
    const d = new LogDestination(fd, { maxDelayMs: 20 });
    d.write('{"msg":"one"}\n');
    assert.equal(readFileSync(path, 'utf8'), '', 'nothing is written synchronously');
    await eventually(() => readFileSync(path, 'utf8') === '{"msg":"one"}\n');
    closeSync(fd);
  });

  test('many lines go out in order, in a few batched writes', async () => {
    const { path, fd } = logFile();
    let writes = 0;
    const counting = ((...args: Parameters<typeof fsWrite>) => {
      writes++;
      return (fsWrite as (...a: unknown[]) => void)(...args);
    }) as typeof fsWrite;
    const d = new LogDestination(fd, { batchChars: 1000, maxDelayMs: 1000, write: counting });
    const lines = Array.from({ length: 500 }, (_, i) => `{"i":${i},"pad":"${'x'.repeat(40)}"}\n`);
    for (const l of lines) d.write(l);
    await flushed(d);
    assert.equal(readFileSync(path, 'utf8'), lines.join(''));
    assert.ok(writes >= 2 && writes <= 40, `${writes} writes for 500 lines`);
    closeSync(fd);
  });

  test('with maxWriteBytes, every write is whole lines and no longer, except a longer line alone', async () => {
    const { path, fd } = logFile();
    const sizes: string[] = [];
    const recording = ((fdArg: number, buf: Buffer, offset: number, length: number, position: null, cb: (err: NodeJS.ErrnoException | null, written: number) => void) => {
      sizes.push(buf.subarray(offset, offset + length).toString());
      fsWrite(fdArg, buf, offset, length, position, cb);
    }) as unknown as typeof fsWrite;
    const d = new LogDestination(fd, { batchChars: 100_000, maxDelayMs: 1000, write: recording, maxWriteBytes: 100 });
    const lines = Array.from({ length: 50 }, (_, i) => `{"i":${i},"k":"日本${'x'.repeat(i % 7 === 0 ? 150 : 10)}"}\n`);
    for (const l of lines) d.write(l);
    await flushed(d);
    assert.equal(readFileSync(path, 'utf8'), lines.join(''));
    assert.ok(sizes.length > 5);
    for (const piece of sizes) {
      assert.ok(piece.endsWith('\n'), 'a write ends at the end of a line');
      const bytes = Buffer.byteLength(piece);
      assert.ok(bytes <= 100 || !piece.slice(0, -1).includes('\n'), `a ${bytes}-byte write of several lines`);
    }
    closeSync(fd);
  });

  test('a full non-blocking pipe (EAGAIN) and short writes are retried without losing or reordering bytes', async () => {
    const { path, fd } = logFile();
    let calls = 0;
    const flaky = ((fdArg: number, buf: Buffer, offset: number, length: number, position: null, cb: (err: NodeJS.ErrnoException | null, written: number) => void) => {
      calls++;
      if (calls === 1) {
        setImmediate(() => cb(Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' }), 0));
        return;
      }
      // At most 5 bytes at a time: every multi-byte character gets split somewhere.
      fsWrite(fdArg, buf, offset, Math.min(length, 5), position, cb);
    }) as unknown as typeof fsWrite;
    const d = new LogDestination(fd, { write: flaky });
    const text = '{"key":"ü/日本/🙂"}\n{"next":1}\n';
    for (const line of text.split(/(?<=\n)/)) d.write(line);
    await flushed(d);
    assert.equal(readFileSync(path, 'utf8'), text);
    closeSync(fd);
  });

  test('a failing descriptor drops lines, says so once, and never throws into the request path', async () => {
    const errors: string[] = [];
    const { path, fd: writable } = logFile();
    closeSync(writable);
    const fd = openSync(path, 'r'); // a descriptor the kernel refuses writes on: EBADF
    const d = new LogDestination(fd, { maxDelayMs: 1, onError: (e) => errors.push(e.code ?? '') });
    d.write('a\n');
    await flushed(d);
    d.write('b\n');
    await flushed(d);
    assert.deepEqual(errors, ['EBADF']);
    closeSync(fd);
  });

  test('flushSync writes what is pending at once (the exit handler)', () => {
    const { path, fd } = logFile();
    const d = new LogDestination(fd, { maxDelayMs: 10_000 });
    d.write('last words\n');
    d.flushSync();
    assert.equal(readFileSync(path, 'utf8'), 'last words\n');
    closeSync(fd);
  });

  test('as pino\'s destination: JSON lines, and logger.flush(cb) waits until they are written', async () => {
    const { path, fd } = logFile();
    const logger = pino({ base: undefined }, new LogDestination(fd, { maxDelayMs: 10_000 }));
    logger.info({ requestId: 'R1', status: 200 }, 'done');
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    const line = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    assert.equal(line.requestId, 'R1');
    assert.equal(line.msg, 'done');
    closeSync(fd);
  });
});
