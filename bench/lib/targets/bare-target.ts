import { pageCacheTarget } from './page-cache-target.js';

/**
 * The node:http file server (bench/lib/bare-file-server.ts): the single-process ceiling. It ignores
 * the signature (it is the cost floor of the byte work), so any credentials do.
 */
export const bareTarget = pageCacheTarget('bare', 'dist/bench/lib/bare-file-server.js', { accessKeyId: 'AKIABAREBAREBAREBARE', secretAccessKey: 'bare-secret' });
