/**
 * Fuzzing aws-chunked decoding (bounded runs): any bytes, cut anywhere, under any options, make the
 * decoder end or fail with an AWS error (IncompleteBody, MalformedTrailerError, SignatureDoesNotMatch,
 * ...); and every well-framed body, signed or not, decodes to exactly its payload whatever the cuts.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ServiceError } from '../../errors/service-error.js';
import { EMPTY_SHA256 } from '../sigv4-constants.js';
import { AwsChunkedDecoder, type AwsChunkedDecoderOptions, type ChunkSigningContext } from './aws-chunked-decoder.js';

const SIGNING: ChunkSigningContext = {
  signingKey: Buffer.alloc(32, 7),
  amzDate: '20150830T123600Z',
  scope: '20150830/us-east-1/s3/aws4_request',
  seedSignature: 'f'.repeat(64),
  accessKeyId: 'AKIDEXAMPLE',
};

type Outcome =
  | { readonly data: Buffer; readonly trailers: Readonly<Record<string, string>> }
  | { readonly error: ServiceError };

/** Feeds `body` cut at `cuts` (offsets) through a decoder; a non-AWS error fails the property. */
async function decode(body: Buffer, cuts: readonly number[], options: AwsChunkedDecoderOptions): Promise<Outcome> {
  const offsets = [...new Set(cuts.map((c) => c % (body.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const at of [...offsets, body.length]) {
    if (at > from) pieces.push(body.subarray(from, at));
    from = Math.max(from, at);
  }
  const decoder = new AwsChunkedDecoder(options);
  const out: Buffer[] = [];
  try {
    for await (const chunk of Readable.from(pieces).pipe(decoder)) out.push(chunk as Buffer);
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    assert.ok(e.status >= 400 && e.status < 500, `${e.code} (${e.status})`);
    return { error: e };
  }
  return { data: Buffer.concat(out), trailers: decoder.trailers() };
}

function hmac(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex');
}

/** The next signature of the chain: a chunk's (`PAYLOAD`) or the trailer's (`TRAILER`). */
function chained(kind: 'PAYLOAD' | 'TRAILER', previous: string, hash: string): string {
  const { amzDate, scope, signingKey } = SIGNING;
  const middle = kind === 'PAYLOAD' ? `${previous}\n${EMPTY_SHA256}` : previous;
  return hmac(signingKey, `AWS4-HMAC-SHA256-${kind}\n${amzDate}\n${scope}\n${middle}\n${hash}`);
}

/** Frames `chunks` as aws-chunked, signed with SIGNING when `signed`, with the given trailers. */
function frame(chunks: readonly Buffer[], opts: { signed: boolean; trailers: readonly [string, string][] }): Buffer {
  const parts: Buffer[] = [];
  let previous = SIGNING.seedSignature;
  const sign = (data: Buffer): string => {
    const hash = data.length === 0 ? EMPTY_SHA256 : createHash('sha256').update(data).digest('hex');
    previous = chained('PAYLOAD', previous, hash);
    return `;chunk-signature=${previous}`;
  };
  for (const c of [...chunks.filter((c) => c.length > 0), Buffer.alloc(0)]) {
    parts.push(Buffer.from(`${c.length.toString(16)}${opts.signed ? sign(c) : ''}\r\n`, 'latin1'), c);
    if (c.length > 0) parts.push(Buffer.from('\r\n'));
  }
  let trailer = opts.trailers.map(([n, v]) => `${n}:${v}\r\n`).join('');
  if (opts.signed && opts.trailers.length > 0) {
    const canonical = [...opts.trailers].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([n, v]) => `${n}:${v}\n`).join('');
    const hash = createHash('sha256').update(canonical).digest('hex');
    trailer += `x-amz-trailer-signature:${chained('TRAILER', previous, hash)}\r\n`;
  }
  parts.push(Buffer.from(`${trailer}\r\n`, 'latin1'));
  return Buffer.concat(parts);
}

const cutsArb = fc.array(fc.nat(), { maxLength: 8 });
const trailersArb = fc.uniqueArray(
  fc.tuple(
    fc.constantFrom('x-amz-checksum-crc32', 'x-amz-checksum-sha256', 'x-amz-checksum-crc64nvme'),
    fc.base64String({ maxLength: 12 }),
  ),
  { maxLength: 2, selector: ([n]) => n },
);

describe('aws-chunked decoding: a payload or an AWS error, never a crash', () => {
  it('well-framed bodies decode to their payload, however the bytes are cut', async () => {
    const chunksArb = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(chunksArb, fc.boolean(), trailersArb, cutsArb, async (raw, signed, trailers, cuts) => {
        const chunks = raw.map((c) => Buffer.from(c));
        const payload = Buffer.concat(chunks);
        const body = frame(chunks, { signed, trailers });
        const outcome = await decode(body, cuts, {
          signing: signed ? SIGNING : undefined,
          trailer: trailers.length > 0,
          decodedContentLength: payload.length,
          declaredTrailers: trailers.map(([n]) => n),
          service: 's3',
        });
        assert.ok('data' in outcome, 'error' in outcome ? outcome.error.code : '');
        assert.deepEqual(outcome.data, payload);
        assert.deepEqual({ ...outcome.trailers }, Object.fromEntries(trailers));
      }),
      { numRuns: 150 },
    );
  });

  it('corrupted bodies and arbitrary bytes end or fail with an AWS error', async () => {
    const trailers: [string, string][] = [['x-amz-checksum-crc32', 'DUoRhQ==']];
    const valid = frame([Buffer.from('hello '), Buffer.from('world')], { signed: true, trailers });
    const mutated = fc
      .tuple(fc.nat({ max: valid.length }), fc.nat({ max: 6 }), fc.uint8Array({ maxLength: 6 }))
      .map(([at, cut, insert]) => {
        const rest = valid.subarray(Math.min(valid.length, at + cut));
        return Buffer.concat([valid.subarray(0, at), Buffer.from(insert), rest]);
      });
    const token = fc.constantFrom(
      '0', '5', 'ffffffffffff', 'fffffffffffffff', ';chunk-signature=', 'a'.repeat(64), '\r\n', '\r', 'hello', ':',
      'x-amz-trailer-signature:',
    );
    const tokens = fc.array(token, { maxLength: 12 }).map((a) => Buffer.from(a.join(''), 'latin1'));
    const bodyArb = fc.oneof(mutated, tokens, fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)));
    const optionsArb = fc.record({
      signing: fc.constantFrom(SIGNING, undefined),
      trailer: fc.boolean(),
      decodedContentLength: fc.oneof(fc.constant(11), fc.nat({ max: 300 }), fc.constant(Number.MAX_SAFE_INTEGER)),
      declaredTrailers: fc.subarray(['x-amz-checksum-crc32', 'x-amz-checksum-sha256']),
      service: fc.constant('s3'),
    });
    await fc.assert(
      fc.asyncProperty(bodyArb, cutsArb, optionsArb, async (body, cuts, options) => {
        await decode(body, cuts, options);
      }),
      { numRuns: 300 },
    );
  });
});
