import { S3RVER_CREDENTIALS } from '../s3rver-process.js';
import { pageCacheTarget } from './page-cache-target.js';

/**
 * s3rver 3.x (npm devDependency), a Node S3 peer, in its own process. It parses SigV4 and checks that
 * the access key exists, but does not verify signatures (bench/README.md).
 */
export const s3rverTarget = pageCacheTarget('s3rver', 'dist/bench/lib/s3rver-process.js', S3RVER_CREDENTIALS);
