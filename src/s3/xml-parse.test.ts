import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { isServiceError } from '../errors/service-error.js';
import { childText, children, parseXml, readSmallBody } from './xml-parse.js';

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return isServiceError(e) ? e.code : String(e);
  }
}

describe('xml-parse', () => {
  it('refuses a body by its declared length before reading a byte', async () => {
    const body = new PassThrough();
    body.end(Buffer.alloc(10));
    assert.equal(await code(readSmallBody(body, 5, 10)), 'MaxMessageLengthExceeded');
    assert.equal(body.readableLength, 10);
  });

  it('refuses a streamed body once it passes the limit, without destroying the request', async () => {
    const body = new PassThrough();
    body.write(Buffer.alloc(4));
    body.write(Buffer.alloc(4));
    assert.equal(await code(readSmallBody(body, 6)), 'MaxMessageLengthExceeded');
    // Destroying the request would close the socket before the error answer is written.
    assert.equal(body.destroyed, false);
    const ok = new PassThrough();
    ok.end(Buffer.from('<a/>'));
    assert.equal((await readSmallBody(ok, 4, 4)).toString(), '<a/>');
  });

  it('elements named like Object members are plain members', () => {
    const root = parseXml('<R><__proto__>p</__proto__><constructor/><toString>t</toString><Key>k</Key></R>', 'R');
    assert.deepEqual(Object.keys(root), ['__proto__', 'constructor', 'toString', 'Key']);
    assert.equal(childText(root, '__proto__'), 'p');
    assert.equal(childText(root, 'toString'), 't');
    assert.equal(childText(root, 'hasOwnProperty'), undefined);
    assert.deepEqual(children(root, 'valueOf'), []);
  });

  it('repeated elements become arrays; listed ones always are; the root must match', () => {
    const root = parseXml('<R><A>1</A><A>2</A><B>x</B><C><D>d</D></C></R>', 'R', ['B']);
    assert.deepEqual({ ...root }, { A: ['1', '2'], B: ['x'], C: root.C });
    assert.equal(childText(children(root, 'C')[0], 'D'), 'd');
    assert.throws(() => parseXml('<Other/>', 'R'), (e: unknown) => isServiceError(e) && e.code === 'MalformedXML');
  });
});
