export type * from './types.js';
export { openIamStore, createSqliteIamStore, IAM_DB_FILE } from './sqlite-iam-store.js';
export { SCHEMA_VERSION } from './schema.js';
export { openMemoryIamStore } from './memory-store.js';
