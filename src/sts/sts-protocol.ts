import { callerUserId } from '../identity/caller.js';
import type { ProtocolAdapter } from '../server/protocol.js';
import { createQueryProtocol } from '../query/query-protocol.js';
import type { QueryOperation } from '../query/types.js';

export const STS_VERSION = '2011-06-15';
export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/**
 * sts:GetCallerIdentity needs no permission: AWS answers it even when an explicit deny covers it
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html), so it has no checks.
 */
export const getCallerIdentity: QueryOperation = {
  name: 'GetCallerIdentity',
  checks: async () => [],
  handler: async ({ caller }) => ({ UserId: callerUserId(caller), Account: caller.accountId, Arn: caller.arn }),
};

/** STS operations; AssumeRole, GetSessionToken ... join this list (ROADMAP 1). */
export function stsOperations(): QueryOperation[] {
  return [getCallerIdentity];
}

export function createStsProtocol(): ProtocolAdapter {
  return createQueryProtocol({ service: 'sts', version: STS_VERSION, xmlns: STS_XMLNS, operations: stsOperations() });
}
