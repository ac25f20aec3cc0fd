/** Public API of the IAM layer for the composition root. */
export { openIamStore, openMemoryIamStore, createSqliteIamStore } from './store/index.js';
export type { IamStore, IamChange } from './store/types.js';
export { bootstrapManagementAccount, type BootstrapOptions, type BootstrapResult } from './bootstrap.js';
export { createCredentialProvider, IamCredentialProvider, type IamCredentialProviderOptions } from './credential-provider.js';
