import type { RawRequest } from '../auth/types.js';

/** Every S3 Control operation's path starts with its API version. */
export const S3CONTROL_PATH_PREFIX = '/v20180820/';

/**
 * Whether a request is for the S3 Control API rather than S3. S3 Control requests are signed with the
 * signing name `s3`, so the credential scope cannot tell them apart, and on AWS the host does
 * (`<account>.s3-control.<region>.amazonaws.com`). Strongbox serves both on one listener, and the path
 * alone is ambiguous: `v20180820` is a valid bucket name, so `/v20180820/configuration/...` is also
 * an S3 object key. What decides is the `x-amz-account-id` header, which every S3 Control operation
 * sends (the model binds AccountId to it) and no S3 operation does.
 * Deviation from AWS: an S3 request to a bucket named `v20180820` that carries `x-amz-account-id`
 * reaches S3 Control here.
 */
export function isS3ControlRequest(raw: RawRequest): boolean {
  return raw.rawPath.startsWith(S3CONTROL_PATH_PREFIX) && raw.headers['x-amz-account-id'] !== undefined;
}
