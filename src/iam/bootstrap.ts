import { newAccessKeyIdFor } from './access-key-account.js';
import { newAccountId, newSecretAccessKey } from './ids.js';
import type { IamStore } from './store/types.js';

export interface BootstrapOptions {
  /** From STRONGBOX_ROOT_ACCESS_KEY_ID; used only when the account is created. */
  readonly rootAccessKeyId?: string;
  readonly rootSecretAccessKey?: string;
}

export interface BootstrapResult {
  readonly accountId: string;
  readonly rootAccessKeyId: string;
  /** Only when the key was created now (the caller writes root-credentials.json); undefined later. */
  readonly rootSecretAccessKey: string | undefined;
  readonly created: boolean;
}

/** AWS's accessKeyIdType: 16..128 word characters. */
const KEY_ID = /^\w{16,128}$/;

/**
 * First start: creates the management account (random 12-digit id) and its root access key (the given
 * one, or a generated `AKIA…` key). Later starts reuse both; given values are then ignored, because the
 * contract is that they seed the first start only.
 */
export async function bootstrapManagementAccount(store: IamStore, options: BootstrapOptions = {}): Promise<BootstrapResult> {
  const { rootAccessKeyId, rootSecretAccessKey } = options;
  if ((rootAccessKeyId === undefined) !== (rootSecretAccessKey === undefined)) {
    throw new Error('STRONGBOX_ROOT_ACCESS_KEY_ID and STRONGBOX_ROOT_SECRET_ACCESS_KEY must be set together');
  }
  if (rootAccessKeyId !== undefined && !KEY_ID.test(rootAccessKeyId)) {
    throw new Error('the root access key id must be 16 to 128 letters, digits or underscores');
  }
  if (rootSecretAccessKey !== undefined && rootSecretAccessKey.length < 8) {
    throw new Error('the root secret access key must be at least 8 characters');
  }

  const existing = await store.accounts.getManagement();
  if (existing) {
    const keys = await store.accessKeys.listForUser(existing.accountId, undefined);
    const preferred = keys.find((k) => k.accessKeyId === rootAccessKeyId) ?? keys.find((k) => k.status === 'Active') ?? keys[0];
    return { accountId: existing.accountId, rootAccessKeyId: preferred?.accessKeyId ?? '', rootSecretAccessKey: undefined, created: false };
  }

  const accountId = newAccountId();
  await store.accounts.create(accountId, { isManagement: true });
  const keyId = rootAccessKeyId ?? newAccessKeyIdFor('AKIA', accountId);
  const secret = rootSecretAccessKey ?? newSecretAccessKey();
  await store.accessKeys.create({ accessKeyId: keyId, accountId, userId: undefined, secretAccessKey: secret, maxPerOwner: 2 });
  return { accountId, rootAccessKeyId: keyId, rootSecretAccessKey: secret, created: true };
}
