import type { IamStore } from '../iam/store/types.js';
import { createJsonProtocol } from '../json-protocol/json-protocol.js';
import type { JsonOperation } from '../json-protocol/types.js';
import type { ProtocolAdapter } from '../server/protocol.js';
import { accountOperations } from './account-ops.js';
import { attachmentOperations } from './attachment-ops.js';
import { DEFAULT_ORGANIZATIONS_LIMITS, type OrganizationsDeps, type OrganizationsLimits } from './deps.js';
import { organizationsInvalidInput } from './errors.js';
import { organizationOperations } from './organization-ops.js';
import { policyOperations } from './policy-ops.js';
import { unitOperations } from './unit-ops.js';

/** `X-Amz-Target: AWSOrganizationsV20161128.<Operation>` (botocore `organizations/2016-11-28` metadata). */
export const ORGANIZATIONS_TARGET_PREFIX = 'AWSOrganizationsV20161128';

export interface OrganizationsProtocolOptions {
  readonly store: IamStore;
  readonly limits?: Partial<OrganizationsLimits>;
  readonly now?: () => Date;
}

/** Every Organizations operation, declared as data (name, checks, handler). */
export function organizationsOperations(deps: OrganizationsDeps): JsonOperation[] {
  return [
    ...organizationOperations(deps),
    ...accountOperations(deps),
    ...unitOperations(deps),
    ...policyOperations(deps),
    ...attachmentOperations(deps),
  ];
}

/**
 * AWS Organizations over the AWS JSON 1.1 protocol. A global service: requests are signed for
 * us-east-1 (the authenticator also accepts the server's own region, as for IAM).
 * https://docs.aws.amazon.com/organizations/latest/APIReference/
 */
export function createOrganizationsProtocol(options: OrganizationsProtocolOptions): ProtocolAdapter {
  const deps: OrganizationsDeps = {
    store: options.store,
    limits: { ...DEFAULT_ORGANIZATIONS_LIMITS, ...options.limits },
    now: options.now ?? (() => new Date()),
  };
  return createJsonProtocol({
    service: 'organizations',
    targetPrefix: ORGANIZATIONS_TARGET_PREFIX,
    jsonVersion: '1.1',
    operations: organizationsOperations(deps),
    invalidInput: organizationsInvalidInput,
    internalErrorCode: 'ServiceException',
  });
}
