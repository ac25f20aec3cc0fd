import type { Caller, RootCaller, UserCaller } from '../../identity/caller.js';
import { callQuery, type QueryCallResult } from '../../query/test-client.js';
import { bootstrapManagementAccount } from '../bootstrap.js';
import { createIamProtocol, type IamProtocolOptions } from '../iam-protocol.js';
import { openMemoryIamStore } from '../store/memory-store.js';
import type { IamStore } from '../store/types.js';
import { userArn } from '../arn.js';

/** An in-memory IAM endpoint for handler unit tests. */
export interface IamTestBed {
  readonly store: IamStore;
  readonly root: RootCaller;
  call(action: string, params?: Record<string, string>, caller?: Caller): Promise<QueryCallResult>;
  /** `Result` element of a successful call (throws with the body otherwise). */
  ok(action: string, params?: Record<string, string>, caller?: Caller): Promise<Record<string, unknown>>;
  /** The error code of a call that must fail. */
  code(action: string, params?: Record<string, string>, caller?: Caller): Promise<string | undefined>;
  userCaller(userName: string): Promise<UserCaller>;
}

export async function iamTestBed(options: Partial<IamProtocolOptions> = {}): Promise<IamTestBed> {
  const store = openMemoryIamStore();
  const b = await bootstrapManagementAccount(store);
  const root: RootCaller = { kind: 'Root', accountId: b.accountId, arn: `arn:aws:iam::${b.accountId}:root`, accessKeyId: b.rootAccessKeyId };
  const iam = createIamProtocol({ store, ...options });
  const call = (action: string, params: Record<string, string> = {}, caller: Caller = root) => callQuery(iam, caller, { Action: action, Version: '2010-05-08', ...params });
  return {
    store,
    root,
    call,
    async ok(action, params, caller) {
      const r = await call(action, params, caller);
      if (r.status !== 200) throw new Error(`${action} failed: ${r.body}`);
      const resp = r.xml[`${action}Response`] as Record<string, unknown>;
      return (resp[`${action}Result`] ?? {}) as Record<string, unknown>;
    },
    async code(action, params, caller) {
      return (await call(action, params, caller)).errorCode;
    },
    async userCaller(userName) {
      const u = await store.users.getByName(b.accountId, userName);
      if (!u) throw new Error(`no user ${userName}`);
      return { kind: 'User', accountId: u.accountId, arn: userArn(u.accountId, u.path, u.userName), userId: u.userId, userName: u.userName, path: u.path, accessKeyId: 'AKIATESTTESTTESTTEST' };
    },
  };
}

/** `{ member: [...] }` → the array (fast-xml-parser leaves an empty list as ''). */
export function memberList(v: unknown): Array<Record<string, unknown>> {
  if (v === '' || v === undefined) return [];
  return (v as { member: Array<Record<string, unknown>> }).member;
}
