import type { IamStore } from '../iam/store/types.js';
import { createJsonProtocol } from '../json-protocol/json-protocol.js';
import type { ProtocolAdapter } from '../server/protocol.js';
import { workloadTokenOperations } from './workload-token-ops.js';
import { WORKLOADS_SERVICE, WORKLOADS_TARGET_PREFIX } from './workloads-endpoints.js';

export { WORKLOADS_SERVICE, WORKLOADS_TARGET_PREFIX };

export interface WorkloadsProtocolOptions {
  readonly store: IamStore;
  readonly now?: () => Date;
}

/**
 * The workloads API: registration, listing and revocation of workload tokens, over the AWS JSON 1.1
 * protocol and SigV4 like any AWS service, authorized by the pipeline like any other operation.
 * Deviation from AWS: a Strongbox extension (docs/ARCHITECTURE.md, "Workload credentials").
 */
export function createWorkloadsProtocol(options: WorkloadsProtocolOptions): ProtocolAdapter {
  return createJsonProtocol({
    service: WORKLOADS_SERVICE,
    targetPrefix: WORKLOADS_TARGET_PREFIX,
    jsonVersion: '1.1',
    operations: workloadTokenOperations({ store: options.store, now: options.now ?? (() => new Date()) }),
  });
}
