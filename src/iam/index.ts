/** Public API of the IAM layer for the composition root. */
export { openIamStore, openMemoryIamStore, createSqliteIamStore } from './store/index.js';
export type { IamStore, IamChange } from './store/types.js';
export { bootstrapManagementAccount, type BootstrapOptions, type BootstrapResult } from './bootstrap.js';
export { createCredentialProvider, IamCredentialProvider, type IamCredentialProviderOptions } from './credential-provider.js';
export { createIamProtocol, iamOperations, iamApiDeps, IAM_VERSION, IAM_XMLNS, type IamProtocolOptions } from './iam-protocol.js';
export { loadIdentityPolicies, createIdentityPolicyLoader, type IdentityPolicies, type IdentityPolicy, type IdentityPolicyLoader } from './identity-policies.js';
export { loadAwsManagedPolicies, AwsManagedPolicyCatalog, type AwsManagedPolicy } from './aws-managed/catalog.js';
export { enginePolicyValidator } from './api/policy-validation.js';
export type { PolicyValidator, IamLimits } from './api/deps.js';
export { IAM_ERRORS, iamError } from './errors.js';
