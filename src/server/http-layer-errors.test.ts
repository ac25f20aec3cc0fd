import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpLayerError, parserRefusal, rawHttpResponse } from './http-layer-errors.js';

const err = (code: string) => Object.assign(new Error(code), { code });

test('parser errors map to S3 codes; socket errors to none', () => {
  assert.equal(parserRefusal(err('HPE_HEADER_OVERFLOW'), { midBody: false })?.code, 'RequestHeaderSectionTooLarge');
  assert.equal(parserRefusal(err('HPE_INVALID_METHOD'), { midBody: false })?.code, 'BadRequest');
  assert.equal(parserRefusal(err('HPE_UNEXPECTED_CONTENT_LENGTH'), { midBody: false })?.code, 'BadRequest');
  assert.equal(parserRefusal(err('HPE_INVALID_EOF_STATE'), { midBody: true })?.code, 'IncompleteBody');
  assert.equal(parserRefusal(err('HPE_INVALID_EOF_STATE'), { midBody: false })?.code, 'BadRequest');
  assert.equal(parserRefusal(err('ERR_HTTP_REQUEST_TIMEOUT'), { midBody: false })?.code, 'RequestTimeout');
  assert.equal(parserRefusal(err('ECONNRESET'), { midBody: false }), undefined);
  assert.equal(parserRefusal(new Error('no code'), { midBody: false }), undefined);
});

test('statuses and messages are AWS\'s', () => {
  const timeout = httpLayerError('RequestTimeout');
  assert.equal(timeout.status, 400);
  assert.equal(
    timeout.message,
    'Your socket connection to the server was not read from or written to within the timeout period. ' +
      'Idle connections will be closed.',
  );
  assert.equal(httpLayerError('SlowDown').status, 503);
  assert.equal(httpLayerError('SlowDown').message, 'Please reduce your request rate.');
  const tooLarge = httpLayerError('RequestHeaderSectionTooLarge');
  assert.equal(tooLarge.message, 'Your request header section exceeds the maximum allowed size.');
});

test('a raw response: status line, headers once, its own length, connection close', () => {
  const bytes = rawHttpResponse({
    status: 400,
    leadingHeaders: ['x-amz-request-id', 'ABC'],
    headers: {
      'content-type': 'application/xml',
      'content-length': '999',
      connection: 'keep-alive',
      skipped: undefined,
    },
    body: '<Error/>',
  });
  const text = bytes.toString('latin1');
  assert.match(text, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.match(text, /\r\nx-amz-request-id: ABC\r\n/);
  assert.match(text, /\r\ncontent-type: application\/xml\r\n/);
  assert.match(text, /\r\ncontent-length: 8\r\nconnection: close\r\n\r\n<Error\/>$/);
  assert.doesNotMatch(text, /999|keep-alive|skipped/);
});
