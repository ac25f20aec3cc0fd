/**
 * Small request bodies (XML configuration documents), read whole and checked against Content-MD5 and
 * any `x-amz-checksum-*` header or trailer before they are parsed. Operations whose body S3 requires an
 * integrity header for (DeleteObjects, PutBucketCors, PutObjectTagging) accept either Content-MD5 or
 * a checksum, as S3 does now that SDKs send CRC checksums by default.
 */
import { hashOf, toBase64 } from '../checksum/index.js';
import type { S3Context } from './context.js';
import { s3Error } from './errors.js';
import { declaredChecksum, parseContentMd5 } from './upload.js';
import { DEFAULT_MAX_XML_BYTES, readSmallBody } from './xml-parse.js';

/** What reading a body needs of a request (S3Context has it; so does the S3 Control protocol's). */
export type BodyRequest = Pick<S3Context, 'header' | 'raw' | 'auth'>;

export async function readVerifiedBody(ctx: BodyRequest, opts: { requireIntegrity: boolean; maxBytes?: number }): Promise<Buffer> {
  const contentMd5 = parseContentMd5(ctx.header('content-md5'));
  const checksum = declaredChecksum(ctx.raw.headers);
  if (opts.requireIntegrity && contentMd5 === undefined && checksum.algorithm === undefined) {
    throw s3Error('InvalidRequest', { message: 'Missing required header for this request: Content-MD5' });
  }
  // Refused by its declared length before any byte is read (MaxMessageLengthExceeded).
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  const body = await readSmallBody(ctx.auth.body, maxBytes, ctx.auth.decodedContentLength);
  if (contentMd5 !== undefined && !hashOf('MD5', body).equals(contentMd5)) throw s3Error('BadDigest');
  if (checksum.algorithm !== undefined) {
    const expected = checksum.inTrailer ? ctx.auth.trailers()[`x-amz-checksum-${checksum.algorithm.toLowerCase()}`] : checksum.value;
    if (expected !== undefined && expected !== toBase64(hashOf(checksum.algorithm, body))) {
      throw s3Error('BadDigest', { message: `The ${checksum.algorithm} you specified did not match the calculated checksum.` });
    }
  }
  return body;
}
