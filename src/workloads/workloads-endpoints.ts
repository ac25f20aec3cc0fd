/**
 * Where the workloads API and the credentials endpoint are reached: shared by the server and the CLI
 * (which must not load the server to know them).
 */

/** SigV4 service name of the workloads API (the credential scope's service). */
export const WORKLOADS_SERVICE = 'workloads';
/** `X-Amz-Target: StrongboxWorkloads_20261201.<Operation>`. */
export const WORKLOADS_TARGET_PREFIX = 'StrongboxWorkloads_20261201';
/**
 * Where workloads fetch credentials: `AWS_CONTAINER_CREDENTIALS_FULL_URI=<endpoint>` + this path.
 * No bucket name can start with `_`, so the path never shadows an S3 request.
 */
export const WORKLOAD_CREDENTIALS_PATH = '/_strongbox/workload-credentials';
