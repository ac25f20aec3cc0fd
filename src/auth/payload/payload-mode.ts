import { Readable } from 'node:stream';
import { AuthFailure, s3AuthError } from '../auth-errors.js';
import {
  EMPTY_SHA256,
  STREAMING_ECDSA_PAYLOAD,
  STREAMING_ECDSA_PAYLOAD_TRAILER,
  STREAMING_SIGNED_PAYLOAD,
  STREAMING_SIGNED_PAYLOAD_TRAILER,
  STREAMING_UNSIGNED_PAYLOAD_TRAILER,
  UNSIGNED_PAYLOAD,
} from '../sigv4-constants.js';
import type { RawRequest } from '../types.js';
import { AwsChunkedDecoder, type ChunkSigningContext } from './aws-chunked-decoder.js';
import { Sha256VerifyingStream } from './sha256-verifying-stream.js';

/** What `x-amz-content-sha256` announces about the body. */
export type PayloadMode =
  | { readonly kind: 'sha256'; readonly hex: string }
  | { readonly kind: 'unsigned' }
  | { readonly kind: 'aws-chunked'; readonly signed: boolean; readonly trailer: boolean };

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

export function classifyContentSha256(value: string, service: string): PayloadMode {
  switch (value) {
    case UNSIGNED_PAYLOAD:
      return { kind: 'unsigned' };
    case STREAMING_UNSIGNED_PAYLOAD_TRAILER:
      return { kind: 'aws-chunked', signed: false, trailer: true };
    case STREAMING_SIGNED_PAYLOAD:
      return { kind: 'aws-chunked', signed: true, trailer: false };
    case STREAMING_SIGNED_PAYLOAD_TRAILER:
      return { kind: 'aws-chunked', signed: true, trailer: true };
    case STREAMING_ECDSA_PAYLOAD:
    case STREAMING_ECDSA_PAYLOAD_TRAILER:
      // Deviation from AWS: SigV4a (ECDSA) streaming signatures are not supported.
      throw s3AuthError('InvalidRequest', new AuthFailure('unsupported-algorithm', { service }), {
        message: 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
      });
  }
  if (SHA256_HEX.test(value)) return { kind: 'sha256', hex: value };
  throw s3AuthError('InvalidArgument', new AuthFailure('invalid-content-sha256', { service }), {
    message:
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
    fields: { ArgumentName: 'x-amz-content-sha256', ArgumentValue: value },
  });
}

function headerValue(raw: RawRequest, name: string): string | undefined {
  const v = raw.headers[name];
  return v === undefined ? undefined : Array.isArray(v) ? v[0] : String(v);
}

function contentLength(raw: RawRequest): number | undefined {
  const v = headerValue(raw, 'content-length');
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** A body that node's parser guarantees to be empty (no Content-Length > 0, no Transfer-Encoding). */
function bodyIsEmpty(raw: RawRequest): boolean {
  return (contentLength(raw) ?? 0) === 0 && headerValue(raw, 'transfer-encoding') === undefined;
}

export interface DecodedPayload {
  readonly body: Readable;
  readonly trailers: () => Readonly<Record<string, string>>;
  readonly decodedContentLength: number | undefined;
}

const NO_TRAILERS: Readonly<Record<string, string>> = Object.freeze({});
const noTrailers = (): Readonly<Record<string, string>> => NO_TRAILERS;

/**
 * `source.pipe(target)` plus error forwarding. Deliberately not `pipeline()`: a verification
 * failure must not destroy the request (that would close the socket before the error response).
 */
function attach<T extends NodeJS.WritableStream & Readable>(source: Readable, target: T): T {
  source.on('error', (err) => target.destroy(err));
  source.pipe(target);
  return target;
}

/** Wraps the raw body in the verifier / decoder its payload mode calls for. */
export function decodePayload(
  raw: RawRequest,
  body: Readable,
  mode: PayloadMode,
  ctx: { readonly service: string; readonly signing: ChunkSigningContext | undefined },
): DecodedPayload {
  if (mode.kind === 'unsigned') return { body, trailers: noTrailers, decodedContentLength: contentLength(raw) };
  if (mode.kind === 'sha256') {
    // Nothing to verify on an empty body with the empty hash; skip the Transform on the hot GET path.
    const verified =
      mode.hex.toLowerCase() === EMPTY_SHA256 && bodyIsEmpty(raw) ? body : attach(body, new Sha256VerifyingStream(mode.hex, ctx.service));
    return { body: verified, trailers: noTrailers, decodedContentLength: contentLength(raw) };
  }
  const decodedText = headerValue(raw, 'x-amz-decoded-content-length');
  if (decodedText === undefined || !/^\d+$/.test(decodedText)) {
    throw s3AuthError('MissingContentLength', new AuthFailure('missing-decoded-length', { service: ctx.service }));
  }
  const decodedContentLength = Number(decodedText);
  const declaredTrailers = (headerValue(raw, 'x-amz-trailer') ?? '')
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '');
  const decoder = attach(
    body,
    new AwsChunkedDecoder({
      signing: mode.signed ? ctx.signing : undefined,
      trailer: mode.trailer,
      decodedContentLength,
      declaredTrailers,
      service: ctx.service,
    }),
  );
  return { body: decoder, trailers: () => decoder.trailers(), decodedContentLength };
}
