import { createJsonProtocol } from '../json-protocol/json-protocol.js';
import type { JsonOperation } from '../json-protocol/types.js';
import type { ProtocolAdapter } from '../server/protocol.js';
import type { CloudTrailDeps } from './cloudtrail-deps.js';
import { cloudTrailInvalidInput } from './cloudtrail-errors.js';
import { eventSelectorOperations } from './event-selector-ops.js';
import { lookupEventsOperation } from './lookup-events-op.js';
import { listPublicKeysOperation } from './public-keys-op.js';
import { trailOperations } from './trail-ops.js';

export type { CloudTrailDeps, TrailPublicKey } from './cloudtrail-deps.js';

/** `X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Operation>` (botocore `cloudtrail/2013-11-01`). */
export const CLOUDTRAIL_TARGET_PREFIX = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101';

/** Every CloudTrail operation Strongbox serves, declared as data (name, checks, handler). */
export function cloudTrailOperations(deps: CloudTrailDeps): JsonOperation[] {
  return [
    lookupEventsOperation(deps),
    ...trailOperations(deps),
    ...eventSelectorOperations(deps),
    listPublicKeysOperation(deps),
  ];
}

/**
 * AWS CloudTrail over the AWS JSON 1.1 protocol: the event history (LookupEvents), trails and their
 * event selectors, and the public keys of the digest signatures. A regional service: requests are
 * signed for the server's region; trails live in it.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/
 */
export function createCloudTrailProtocol(deps: CloudTrailDeps): ProtocolAdapter {
  return createJsonProtocol({
    service: 'cloudtrail',
    targetPrefix: CLOUDTRAIL_TARGET_PREFIX,
    jsonVersion: '1.1',
    operations: cloudTrailOperations(deps),
    invalidInput: cloudTrailInvalidInput,
  });
}
