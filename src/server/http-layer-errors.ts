/**
 * What the HTTP layer refuses, in AWS's words: the errors S3 answers before (or instead of) an operation
 * — a request Node's parser cannot read, a header section too large, a client that stopped sending, a
 * server at its bound — and the raw bytes of an answer written on a socket that has no request object.
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList)
 */
import { STATUS_CODES } from 'node:http';
import { errorFactory, type ServiceError } from '../errors/service-error.js';
import type { HttpResponse } from './protocol.js';

export const HTTP_LAYER_ERRORS = {
  /**
   * S3's answer to a request its front end cannot parse (a malformed request line, header or chunk, a
   * duplicate or malformed Content-Length, Content-Length beside Transfer-Encoding).
   */
  BadRequest: { status: 400, message: 'An error occurred when parsing the HTTP request.' },
  /** The connection ended before the body its Content-Length announced. */
  IncompleteBody: {
    status: 400,
    message: 'You did not provide the number of bytes specified by the Content-Length HTTP header',
  },
  RequestHeaderSectionTooLarge: {
    status: 400,
    message: 'Your request header section exceeds the maximum allowed size.',
  },
  RequestTimeout: {
    status: 400,
    message:
      'Your socket connection to the server was not read from or written to within the timeout period. ' +
      'Idle connections will be closed.',
  },
  SlowDown: { status: 503, message: 'Please reduce your request rate.' },
} as const;

export type HttpLayerErrorCode = keyof typeof HTTP_LAYER_ERRORS;

export const httpLayerError = errorFactory(HTTP_LAYER_ERRORS);

/**
 * The AWS error for an error Node's HTTP server reports (`clientError`): llhttp's `HPE_*` parse errors
 * and the header-section timeout. Undefined for a socket error (reset, broken pipe): nobody is left to
 * answer. `midBody`: the error came while a request's body was being read.
 */
export function parserRefusal(
  err: Error & { code?: string },
  o: { readonly midBody: boolean },
): ServiceError | undefined {
  const code = err.code ?? '';
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return httpLayerError('RequestTimeout');
  if (!code.startsWith('HPE_')) return undefined;
  if (code === 'HPE_HEADER_OVERFLOW') return httpLayerError('RequestHeaderSectionTooLarge');
  // The client closed its side before the message ended: mid-body, that is a short body.
  if (code === 'HPE_INVALID_EOF_STATE' && o.midBody) return httpLayerError('IncompleteBody');
  return httpLayerError('BadRequest');
}

/**
 * An answer as bytes, for a socket the HTTP server has no response object for (the request line or
 * headers never parsed). Always `Connection: close`: the parser's state is unknown, so the connection
 * cannot carry another request. The body must be text or bytes.
 */
export function rawHttpResponse(response: HttpResponse): Buffer {
  const body = response.body;
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body ?? Buffer.alloc(0);
  if (!(bytes instanceof Uint8Array)) throw new TypeError('a raw HTTP response needs a text or byte body');
  let head = `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}\r\n`;
  const lead = response.leadingHeaders ?? [];
  for (let i = 0; i + 1 < lead.length; i += 2) head += headerLine(lead[i], lead[i + 1]);
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined || name === 'content-length' || name === 'connection') continue;
    for (const v of Array.isArray(value) ? value : [value]) head += headerLine(name, String(v));
  }
  head += `date: ${new Date().toUTCString()}\r\ncontent-length: ${bytes.length}\r\nconnection: close\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
}

function headerLine(name: string, value: string): string {
  // Header values here are ours (request ids, a content type), never the client's: still, no line breaks.
  return `${name}: ${value.replace(/[\r\n]/g, ' ')}\r\n`;
}
