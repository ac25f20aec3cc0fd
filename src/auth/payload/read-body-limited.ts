import type { Readable } from 'node:stream';
import { AuthFailure, s3AuthError } from '../auth-errors.js';

/**
 * Buffers a small body (IAM/STS Query requests are form-encoded and must be hashed before the
 * signature can be checked). Past `limit` bytes it stops reading and fails; the rest of the body
 * is drained, not stored, so the connection can still carry the error response.
 */
export async function readBodyLimited(body: Readable, limit: number, service: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  // destroyOnReturn: false — leaving the loop early must not destroy the request (and its socket).
  for await (const chunk of body.iterator({ destroyOnReturn: false })) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buf.length;
    if (total > limit) {
      body.resume();
      throw s3AuthError('MaxMessageLengthExceeded', new AuthFailure('body-too-large', { service }), {
        message: `Your request was too big. The maximum allowed size is ${limit} bytes.`,
      });
    }
    chunks.push(buf);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}
