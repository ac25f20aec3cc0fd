import { S3RVER_CREDENTIALS } from '../s3rver-process.js';
import { pageCacheTarget } from './page-cache-target.js';

/**
 * s3rver 3.x (npm devDependency), a Node S3 peer, in its own process. It parses SigV4 and checks that
 * the access key exists, but does not verify signatures (bench/README.md). Its ListObjectsV2 makes
 * continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider: without
 * `--openssl-legacy-provider` every truncated page is a 500.
 */
export const s3rverTarget = pageCacheTarget('s3rver', 'dist/bench/lib/s3rver-process.js', S3RVER_CREDENTIALS, [
  '--openssl-legacy-provider',
]);
