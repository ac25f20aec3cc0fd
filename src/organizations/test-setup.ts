import type { Caller, RootCaller } from '../identity/caller.js';
import { bootstrapManagementAccount } from '../iam/bootstrap.js';
import { openMemoryIamStore } from '../iam/store/memory-store.js';
import type { IamStore } from '../iam/store/types.js';
import { callJson, type JsonCallResult } from '../json-protocol/test-client.js';
import {
  createOrganizationsProtocol,
  ORGANIZATIONS_TARGET_PREFIX,
  type OrganizationsProtocolOptions,
} from './organizations-protocol.js';

/** An in-memory Organizations endpoint for handler unit tests. */
export interface OrgTestBed {
  readonly store: IamStore;
  readonly root: RootCaller;
  call(op: string, input?: Record<string, unknown>, caller?: Caller): Promise<JsonCallResult>;
  /** The output of a successful call (throws with the body otherwise). */
  ok(op: string, input?: Record<string, unknown>, caller?: Caller): Promise<Record<string, unknown>>;
  /** The error code of a call that must fail. */
  code(op: string, input?: Record<string, unknown>, caller?: Caller): Promise<string | undefined>;
  /** The root user of another account. */
  rootOf(accountId: string): RootCaller;
}

export async function orgTestBed(options: Partial<OrganizationsProtocolOptions> = {}): Promise<OrgTestBed> {
  const store = openMemoryIamStore();
  const b = await bootstrapManagementAccount(store);
  const rootOf = (accountId: string): RootCaller => ({
    kind: 'Root',
    accountId,
    arn: `arn:aws:iam::${accountId}:root`,
    accessKeyId: 'AKIATESTTESTTESTTEST',
  });
  const root = { ...rootOf(b.accountId), accessKeyId: b.rootAccessKeyId };
  const adapter = createOrganizationsProtocol({ store, ...options });
  const call = (op: string, input: Record<string, unknown> = {}, caller: Caller = root) =>
    callJson(adapter, caller, `${ORGANIZATIONS_TARGET_PREFIX}.${op}`, input);
  return {
    store,
    root,
    call,
    async ok(op, input, caller) {
      const r = await call(op, input, caller);
      if (r.status !== 200) throw new Error(`${op} failed: ${r.status} ${r.body}`);
      return r.json;
    },
    async code(op, input, caller) {
      return (await call(op, input, caller)).errorCode;
    },
    rootOf,
  };
}

/** Creates an account and returns its id (CreateAccount, then DescribeCreateAccountStatus). */
export async function createMember(t: OrgTestBed, name: string): Promise<string> {
  const created = (await t.ok('CreateAccount', { Email: `${name}@example.com`, AccountName: name }))
    .CreateAccountStatus as Record<string, string>;
  const status = (await t.ok('DescribeCreateAccountStatus', { CreateAccountRequestId: created.Id }))
    .CreateAccountStatus as Record<string, string>;
  if (status.State !== 'SUCCEEDED') throw new Error(`account ${name}: ${JSON.stringify(status)}`);
  return status.AccountId;
}

/** A test bed whose management account created an organization; with its root id. */
export async function withOrganization(): Promise<{ t: OrgTestBed; org: Record<string, string>; rootId: string }> {
  const t = await orgTestBed();
  const org = (await t.ok('CreateOrganization', {})).Organization as Record<string, string>;
  const roots = (await t.ok('ListRoots')).Roots as Array<Record<string, string>>;
  return { t, org, rootId: roots[0].Id };
}
