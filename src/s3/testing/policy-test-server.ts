/**
 * Test fixture: the S3 test server authorized by the real PolicyAuthorizer over an in-memory IAM store,
 * for unit tests that need bucket policies and identity policies to decide. Two accounts: the owner
 * (its root, `alice` with s3:* and `bob` with no policy) and another (its root and `olivia` with s3:*).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { PolicyAuthorizer } from '../../authz/policy-authorizer.js';
import { loadAwsManagedPolicies } from '../../iam/aws-managed/catalog.js';
import { createIdentityPolicyLoader, resolveManaged } from '../../iam/identity-policies.js';
import { openMemoryIamStore } from '../../iam/store/memory-store.js';
import type { IamStore } from '../../iam/store/types.js';
import type { Caller } from '../../identity/caller.js';
import {
  OTHER_CREDENTIALS,
  TEST_ACCOUNT,
  TEST_CREDENTIALS,
  startS3TestServer,
  type S3TestServer,
} from './s3-test-server.js';

export const OWNER = TEST_ACCOUNT;
export const OTHER = '444455556666';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

interface TestUser {
  readonly caller: Caller;
  readonly credentials: Credentials;
  readonly allowS3: boolean;
}

function testUser(account: string, name: string, n: number, allowS3: boolean): TestUser {
  const userId = `AIDA${name.toUpperCase().padEnd(16, '0')}${n}`;
  const accessKeyId = `AKIAPOLICYTEST0000${n}${n}`;
  return {
    caller: {
      kind: 'User',
      accountId: account,
      arn: `arn:aws:iam::${account}:user/${name}`,
      userId,
      userName: name,
      path: '/',
      accessKeyId,
    },
    credentials: { accessKeyId, secretAccessKey: `${name}/secret/key/${'0'.repeat(30)}` },
    allowS3,
  };
}

export const USERS = {
  alice: testUser(OWNER, 'alice', 1, true),
  bob: testUser(OWNER, 'bob', 2, false),
  olivia: testUser(OTHER, 'olivia', 3, true),
} as const;

export const ROOT = TEST_CREDENTIALS;
export const OTHER_ROOT = OTHER_CREDENTIALS;

export interface PolicyTestServer {
  readonly server: S3TestServer;
  readonly store: IamStore;
  /** An SDK client signing as `who` (the owner's root by default). */
  client(who?: Credentials): S3Client;
  close(): Promise<void>;
}

/** Whether a principal exists in the in-memory store: what main.ts wires from the IAM store. */
async function principalExists(store: IamStore, arn: string): Promise<boolean> {
  const account = /^(?:(\d{12})|arn:aws:iam::(\d{12}):root)$/.exec(arn);
  if (account) return (await store.accounts.get(account[1] ?? account[2])) !== undefined;
  const m = /^arn:aws:iam::(\d{12}):user\/(.+)$/.exec(arn);
  return m !== null && (await store.users.getByName(m[1], m[2])) !== undefined;
}

export async function startPolicyTestServer(): Promise<PolicyTestServer> {
  const store = openMemoryIamStore();
  await store.accounts.create(OWNER, { isManagement: true });
  await store.accounts.create(OTHER, { isManagement: false });
  const s3All = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });
  for (const u of Object.values(USERS)) {
    if (u.caller.kind !== 'User') continue;
    const { accountId, userId, userName } = u.caller;
    await store.users.create({ accountId, userId, userName, path: '/' });
    if (!u.allowS3) continue;
    const inline = { accountId, principalKind: 'user', principalId: userId, policyName: 's3', document: s3All } as const;
    await store.inlinePolicies.put(inline);
  }
  const awsManaged = loadAwsManagedPolicies();
  const authorizer = new PolicyAuthorizer({
    sources: {
      identity: createIdentityPolicyLoader({ store, awsManaged }),
      managedPolicy: (arn) => resolveManaged(store, arn, awsManaged),
    },
  });
  const server = await startS3TestServer({
    authorizer,
    principalExists: (arn) => principalExists(store, arn),
    callers: Object.values(USERS).map((u) => ({ ...u.credentials, caller: u.caller })),
  });
  return {
    server,
    store,
    client: (who = ROOT) => server.client(who),
    close: () => server.close(),
  };
}
