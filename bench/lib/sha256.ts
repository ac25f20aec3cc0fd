import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { Checksum, SourceData } from '@smithy/types';

/**
 * The hash constructor @smithy/signature-v4 wants (`new Sha256(secret?)`), backed by node:crypto so the
 * bench does not depend on a transitive @aws-crypto package.
 */
export class NodeSha256 implements Checksum {
  private readonly secret: SourceData | undefined;
  private state: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.secret = secret;
    this.state = NodeSha256.fresh(secret);
  }

  update(data: SourceData): void {
    this.state.update(toBytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return this.state.digest();
  }

  reset(): void {
    this.state = NodeSha256.fresh(this.secret);
  }

  private static fresh(secret: SourceData | undefined): Hash | Hmac {
    return secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
}

function toBytes(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
