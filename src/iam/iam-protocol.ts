import type { ProtocolAdapter } from '../server/protocol.js';
import { createQueryProtocol } from '../query/query-protocol.js';
import type { QueryOperation } from '../query/types.js';
import { accessAdvisorOperations } from './api/access-advisor.js';
import { accessKeyOperations } from './api/access-keys.js';
import { accountOperations } from './api/account.js';
import { attachmentOperations } from './api/attachments.js';
import { boundaryOperations } from './api/boundaries.js';
import { DEFAULT_IAM_LIMITS, type IamApiDeps, type IamLimits, type PolicyValidator } from './api/deps.js';
import { groupOperations } from './api/groups.js';
import { inlinePolicyOperations } from './api/inline-policies.js';
import { instanceProfileOperations } from './api/instance-profiles.js';
import { loginProfileOperations } from './api/login-profiles.js';
import { managedPolicyOperations } from './api/managed-policies.js';
import { organizationsFeatureOperations } from './api/organizations-features.js';
import { mfaDeviceOperations } from './api/mfa-devices.js';
import { oidcProviderOperations } from './api/oidc-providers.js';
import { enginePolicyValidator } from './api/policy-validation.js';
import { roleOperations } from './api/roles.js';
import { simulateOperations } from './api/simulate.js';
import { userOperations } from './api/users.js';
import { loadAwsManagedPolicies, type AwsManagedPolicyCatalog } from './aws-managed/catalog.js';
import type { IamStore } from './store/types.js';

export const IAM_VERSION = '2010-05-08';
export const IAM_XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';

export interface IamProtocolOptions {
  readonly store: IamStore;
  /** Policy validator (MalformedPolicyDocument); defaults to the policy engine's. */
  readonly validatePolicy?: PolicyValidator;
  readonly awsManaged?: AwsManagedPolicyCatalog;
  readonly limits?: Partial<IamLimits>;
  readonly now?: () => Date;
  /** Extra operations (ROADMAP: roles, MFA devices ...). */
  readonly extraOperations?: (deps: IamApiDeps) => readonly QueryOperation[];
}

export function iamApiDeps(options: IamProtocolOptions): IamApiDeps {
  return {
    store: options.store,
    awsManaged: options.awsManaged ?? loadAwsManagedPolicies(),
    validatePolicy: options.validatePolicy ?? enginePolicyValidator,
    limits: { ...DEFAULT_IAM_LIMITS, ...options.limits },
    now: options.now ?? (() => new Date()),
  };
}

/** Every IAM operation, declared as data (name, checks, handler). */
export function iamOperations(deps: IamApiDeps): QueryOperation[] {
  return [
    ...userOperations(deps),
    ...accessKeyOperations(deps),
    ...groupOperations(deps),
    ...managedPolicyOperations(deps),
    ...attachmentOperations(deps),
    ...inlinePolicyOperations(deps),
    ...loginProfileOperations(deps),
    ...accountOperations(deps),
    ...simulateOperations(deps),
    ...organizationsFeatureOperations(deps),
    ...mfaDeviceOperations(deps),
    ...oidcProviderOperations(deps),
    ...roleOperations(deps),
    ...boundaryOperations(deps),
    ...instanceProfileOperations(deps),
    ...accessAdvisorOperations(deps, { iamActionNames: () => iamOperations(deps).map((o) => o.name) }),
  ];
}

/** The names of IAM's operations (the access advisor's tracked IAM actions). */
export function iamOperationNames(store: IamProtocolOptions['store']): string[] {
  return iamOperations(iamApiDeps({ store })).map((o) => o.name);
}

/** IAM is a global service: requests are signed for us-east-1 whatever region the server serves. */
export function createIamProtocol(options: IamProtocolOptions): ProtocolAdapter {
  const deps = iamApiDeps(options);
  return createQueryProtocol({ service: 'iam', version: IAM_VERSION, xmlns: IAM_XMLNS, operations: [...iamOperations(deps), ...(options.extraOperations?.(deps) ?? [])] });
}
