import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { parseContentHeaders, parseUserMetadata, storedHeaderValue, stripAwsChunked } from './headers.js';

/** What node hands over for these raw header lines: repeats joined with ', ' (as node joins them). */
function source(raw: readonly (readonly [string, string])[]) {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of raw) {
    const n = name.toLowerCase();
    const prev = headers[n];
    headers[n] = prev === undefined ? value : `${prev as string}, ${value}`;
  }
  return { headers, rawHeaders: raw.flat() };
}

test('header values are stored as sent', () => {
  const s = source([
    ['Content-Encoding', 'deflate, gzip'],
    ['Cache-Control', 'max-age=60,  public'],
    ['x-amz-meta-Note', 'a, b'],
  ]);
  assert.equal(storedHeaderValue(s, 'content-encoding'), 'deflate, gzip');
  assert.equal(parseContentHeaders(s).contentEncoding, 'deflate, gzip');
  assert.equal(parseContentHeaders(s).cacheControl, 'max-age=60,  public');
  assert.deepEqual(parseUserMetadata(s), { note: 'a, b' });
});

test('a header sent several times is joined with "," as S3 joins them', () => {
  const s = source([
    ['x-amz-meta-tag', 'one'],
    ['X-Amz-Meta-Tag', 'two'],
    ['Content-Language', 'en'],
    ['content-language', 'fr'],
  ]);
  assert.deepEqual(parseUserMetadata(s), { tag: 'one,two' });
  assert.equal(parseContentHeaders(s).contentLanguage, 'en,fr');
});

test('aws-chunked is dropped from Content-Encoding, the rest kept as sent', () => {
  assert.equal(stripAwsChunked('aws-chunked'), undefined);
  assert.equal(stripAwsChunked('aws-chunked,gzip'), 'gzip');
  assert.equal(stripAwsChunked('aws-chunked, gzip'), 'gzip');
  assert.equal(stripAwsChunked('deflate, AWS-CHUNKED, gzip'), 'deflate, gzip');
  assert.equal(stripAwsChunked('deflate, gzip'), 'deflate, gzip');
  assert.equal(stripAwsChunked(undefined), undefined);
});
