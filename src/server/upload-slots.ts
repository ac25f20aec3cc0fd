/**
 * A bound on the uploads one server process reads at once (S3 requests with a body: each holds a
 * connection, buffers and, past the inline size, a temp file). Beyond it the pipeline answers S3's
 * `503 SlowDown` ("Please reduce your request rate."), which every SDK retries with backoff.
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html)
 */
import type { IncomingMessage } from 'node:http';

export class UploadSlots {
  private used = 0;

  constructor(readonly max: number) {}

  /** Takes a slot; false when all are in use. Every true is matched by one `release()`. */
  tryAcquire(): boolean {
    if (this.used >= this.max) return false;
    this.used++;
    return true;
  }

  release(): void {
    if (this.used > 0) this.used--;
  }

  get inUse(): number {
    return this.used;
  }
}

/** A PUT or POST that carries a body: a non-zero Content-Length, or Transfer-Encoding (chunked). */
export function isUpload(req: IncomingMessage): boolean {
  if (req.method !== 'PUT' && req.method !== 'POST') return false;
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}
