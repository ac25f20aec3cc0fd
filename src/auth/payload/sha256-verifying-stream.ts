import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AuthFailure, s3AuthError } from '../auth-errors.js';

/**
 * Passes the body through while hashing it; when the body ends with a SHA-256 other than the signed
 * `x-amz-content-sha256`, the stream errors with XAmzContentSHA256Mismatch instead of ending, so a
 * consumer that commits on `end` never stores the unverified bytes.
 */
export class Sha256VerifyingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');

  constructor(
    private readonly expectedHex: string,
    private readonly service: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const computed = this.hash.digest('hex');
    if (computed === this.expectedHex.toLowerCase()) {
      callback();
      return;
    }
    callback(
      s3AuthError('XAmzContentSHA256Mismatch', new AuthFailure('content-sha256-mismatch', { service: this.service }), {
        fields: { ClientComputedContentSHA256: this.expectedHex, S3ComputedContentSHA256: computed },
      }),
    );
  }
}
