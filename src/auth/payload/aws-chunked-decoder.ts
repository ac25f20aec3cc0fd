import { createHash, createHmac, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AuthFailure, s3AuthError } from '../auth-errors.js';
import { signaturesEqual } from '../signing-key-cache.js';
import { EMPTY_SHA256 } from '../sigv4-constants.js';

/** What a signed aws-chunked body needs to verify its chunk signatures. */
export interface ChunkSigningContext {
  readonly signingKey: Buffer;
  readonly amzDate: string;
  /** `date/region/service/aws4_request` */
  readonly scope: string;
  /** The request's own signature: the "previous signature" of the first chunk. */
  readonly seedSignature: string;
  readonly accessKeyId: string;
}

export interface AwsChunkedDecoderOptions {
  /** Present for STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER); absent for STREAMING-UNSIGNED-PAYLOAD-TRAILER. */
  readonly signing: ChunkSigningContext | undefined;
  /** The body ends with trailing headers (…-TRAILER variants). */
  readonly trailer: boolean;
  /** `x-amz-decoded-content-length`. */
  readonly decodedContentLength: number;
  /** Names from `x-amz-trailer`, lower-case. */
  readonly declaredTrailers: readonly string[];
  readonly service: string;
}

const CRLF = Buffer.from('\r\n', 'latin1');
/** A chunk header or trailer line longer than this is not a real client. */
const MAX_LINE = 4096;
const MAX_TRAILERS = 16;
const CHUNK_SIGNATURE = /^chunk-signature=([0-9a-f]{64})$/;
const HEX_SIZE = /^[0-9a-fA-F]{1,13}$/;

const enum State {
  ChunkHeader,
  ChunkData,
  ChunkDataEnd,
  Trailer,
  Done,
}

/**
 * Streaming decoder for `Content-Encoding: aws-chunked` ("Signature Calculations for the
 * Authorization Header: Transferring Payload in Multiple Chunks" and "... Including Trailing
 * Headers"):
 *
 *   hex-size[;chunk-signature=sig] CRLF data CRLF ... 0[;chunk-signature=sig] CRLF [trailer CRLF]* CRLF
 *
 * Chunk data is forwarded as zero-copy slices of the input; only header and trailer lines (found
 * with Buffer.indexOf) are ever copied, so memory stays constant whatever the object size. Chunk
 * signatures form a chain from the seed signature; the final zero-length chunk and the trailer
 * signature (AWS4-HMAC-SHA256-TRAILER over the canonical trailers) close it. Any failure errors the
 * stream before it ends.
 *
 * Deviation from AWS: the documented 8 KiB minimum for non-final signed chunks
 * (InvalidChunkSizeError) is not enforced; unsigned-trailer bodies from the JS SDK use whatever
 * chunk sizes the source stream yields, and rejecting small chunks protects nothing here.
 */
export class AwsChunkedDecoder extends Transform {
  private state = State.ChunkHeader;
  private carry: Buffer | undefined;
  private remaining = 0;
  private decoded = 0;
  private chunkHash: Hash | undefined;
  private chunkSignature = '';
  private previousSignature: string;
  private readonly trailerEntries: [string, string][] = [];
  private trailerSignature: string | undefined;
  private readonly trailerValues: Record<string, string> = {};

  constructor(private readonly opts: AwsChunkedDecoderOptions) {
    super();
    this.previousSignature = opts.signing?.seedSignature ?? '';
  }

  /** Trailing headers; complete once the stream has ended. */
  trailers(): Readonly<Record<string, string>> {
    return this.trailerValues;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      // The JS SDK ends an unsigned-trailer body without a checksum as "0\r\n" (no final CRLF).
      const lenientEnd =
        this.state === State.Trailer && this.opts.signing === undefined && this.trailerEntries.length === 0 && this.carry === undefined;
      if (lenientEnd) this.finishTrailers();
      else if (this.state !== State.Done) throw this.incomplete('The request body ended before the final chunk.');
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  private consume(input: Buffer): void {
    let buf = input;
    if (this.carry !== undefined) {
      buf = Buffer.concat([this.carry, input]);
      this.carry = undefined;
    }
    let pos = 0;
    const len = buf.length;
    while (pos < len) {
      switch (this.state) {
        case State.ChunkData: {
          const n = Math.min(this.remaining, len - pos);
          const slice = buf.subarray(pos, pos + n);
          this.chunkHash?.update(slice);
          this.push(slice);
          this.remaining -= n;
          this.decoded += n;
          pos += n;
          if (this.remaining === 0) this.state = State.ChunkDataEnd;
          break;
        }
        case State.ChunkDataEnd: {
          if (len - pos < 2) {
            this.carry = Buffer.from(buf.subarray(pos));
            return;
          }
          if (buf[pos] !== 0x0d || buf[pos + 1] !== 0x0a) throw this.incomplete('Chunk data is not followed by CRLF.');
          pos += 2;
          this.verifyChunk(this.chunkHash === undefined ? EMPTY_SHA256 : this.chunkHash.digest('hex'));
          this.state = State.ChunkHeader;
          break;
        }
        case State.ChunkHeader:
        case State.Trailer: {
          const eol = buf.indexOf(CRLF, pos);
          if (eol < 0) {
            if (len - pos > MAX_LINE) throw this.incomplete('Chunk header line too long.');
            this.carry = Buffer.from(buf.subarray(pos));
            return;
          }
          if (eol - pos > MAX_LINE) throw this.incomplete('Chunk header line too long.');
          const line = buf.toString('latin1', pos, eol);
          pos = eol + 2;
          if (this.state === State.ChunkHeader) this.onChunkHeader(line);
          else this.onTrailerLine(line);
          break;
        }
        case State.Done:
          throw this.incomplete('Data after the end of the aws-chunked body.');
      }
    }
  }

  private onChunkHeader(line: string): void {
    const semi = line.indexOf(';');
    const sizeText = semi < 0 ? line : line.slice(0, semi);
    if (!HEX_SIZE.test(sizeText)) throw this.incomplete('Invalid chunk size.');
    const size = parseInt(sizeText, 16);
    if (this.opts.signing !== undefined) {
      const m = semi < 0 ? null : CHUNK_SIGNATURE.exec(line.slice(semi + 1));
      if (m === null) throw this.chunkSignatureError('', 'missing or malformed chunk-signature');
      this.chunkSignature = m[1];
    }
    if (this.decoded + size > this.opts.decodedContentLength) {
      throw this.incomplete('The chunks carry more bytes than x-amz-decoded-content-length.');
    }
    if (size === 0) {
      if (this.opts.signing !== undefined) this.verifyChunk(EMPTY_SHA256);
      this.state = State.Trailer;
      return;
    }
    this.remaining = size;
    this.chunkHash = this.opts.signing === undefined ? undefined : createHash('sha256');
    this.state = State.ChunkData;
  }

  private verifyChunk(dataHashHex: string): void {
    const s = this.opts.signing;
    if (s === undefined) return;
    const stringToSign = `AWS4-HMAC-SHA256-PAYLOAD\n${s.amzDate}\n${s.scope}\n${this.previousSignature}\n${EMPTY_SHA256}\n${dataHashHex}`;
    const expected = createHmac('sha256', s.signingKey).update(stringToSign).digest('hex');
    if (!signaturesEqual(expected, this.chunkSignature)) throw this.chunkSignatureError(stringToSign, this.chunkSignature);
    this.previousSignature = this.chunkSignature;
  }

  private onTrailerLine(line: string): void {
    if (line === '') {
      this.finishTrailers();
      return;
    }
    if (!this.opts.trailer) throw this.incomplete('The final chunk is not followed by CRLF.');
    const colon = line.indexOf(':');
    if (colon <= 0 || this.trailerEntries.length >= MAX_TRAILERS) throw this.malformedTrailer();
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') {
      if (this.opts.signing === undefined || this.trailerSignature !== undefined) throw this.malformedTrailer();
      this.trailerSignature = value;
      return;
    }
    if (this.trailerSignature !== undefined) throw this.malformedTrailer();
    this.trailerEntries.push([name, value]);
  }

  private finishTrailers(): void {
    const declared = this.opts.declaredTrailers;
    for (const [name] of this.trailerEntries) {
      if (declared.length > 0 && !declared.includes(name)) throw this.malformedTrailer();
    }
    for (const name of declared) {
      if (!this.trailerEntries.some(([n]) => n === name)) throw this.malformedTrailer();
    }
    const s = this.opts.signing;
    if (s !== undefined && this.opts.trailer) {
      if (this.trailerSignature === undefined) throw this.malformedTrailer();
      const canonical = [...this.trailerEntries]
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .map(([n, v]) => `${n}:${v}\n`)
        .join('');
      const hash = createHash('sha256').update(canonical).digest('hex');
      const stringToSign = `AWS4-HMAC-SHA256-TRAILER\n${s.amzDate}\n${s.scope}\n${this.previousSignature}\n${hash}`;
      const expected = createHmac('sha256', s.signingKey).update(stringToSign).digest('hex');
      if (!signaturesEqual(expected, this.trailerSignature)) throw this.chunkSignatureError(stringToSign, this.trailerSignature);
    }
    if (this.decoded !== this.opts.decodedContentLength) {
      throw this.incomplete('The decoded body length differs from x-amz-decoded-content-length.');
    }
    for (const [n, v] of this.trailerEntries) this.trailerValues[n] = v;
    this.state = State.Done;
  }

  private incomplete(message: string) {
    return s3AuthError('IncompleteBody', new AuthFailure('malformed-chunked-body', { service: this.opts.service }), {
      message: `You did not provide the number of bytes specified by the Content-Length HTTP header. ${message}`,
    });
  }

  private malformedTrailer() {
    return s3AuthError('MalformedTrailerError', new AuthFailure('malformed-trailer', { service: this.opts.service }));
  }

  private chunkSignatureError(stringToSign: string, provided: string) {
    return s3AuthError('SignatureDoesNotMatch', new AuthFailure('chunk-signature-mismatch', { service: this.opts.service }), {
      fields: {
        AWSAccessKeyId: this.opts.signing?.accessKeyId ?? '',
        StringToSign: stringToSign,
        SignatureProvided: provided,
      },
    });
  }
}
