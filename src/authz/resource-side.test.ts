/**
 * The resource side of S3 checks in the authorizer: bucket policies (same and cross account, a role-only
 * bucket denying users with s3:*), ACL grants turned into the engine's grant for the caller, Block
 * Public Access's RestrictPublicBuckets (outsiders meet only the Deny statements of a public policy),
 * anonymous callers, and remembered allows that never outlive the policy revision or cross ACL states.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ANONYMOUS, type Caller } from '../identity/caller.js';
import { canonicalUserId } from '../identity/canonical-user.js';
import { loadAwsManagedPolicies } from '../iam/aws-managed/catalog.js';
import { createIdentityPolicyLoader, resolveManaged } from '../iam/identity-policies.js';
import { openMemoryIamStore } from '../iam/store/memory-store.js';
import type { IamStore } from '../iam/store/types.js';
import type { AclAccess, AuthzCheck, RequestInfo } from '../server/protocol.js';
import { PolicyAuthorizer } from './policy-authorizer.js';
import { headerSignedAuth } from './testing/header-auth.js';

const OWNER = '111122223333';
const OTHER = '444455556666';
const doc = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const info: RequestInfo = { requestId: 'R', receivedAt: new Date(), sourceIp: '10.0.0.1', secureTransport: false, userAgent: undefined, referer: undefined, region: 'us-east-1' };

const user = (account: string, name: string, id: string): Caller => ({
  kind: 'User', accountId: account, arn: `arn:aws:iam::${account}:user/${name}`, userId: id, userName: name, path: '/', accessKeyId: `AKIA${id.slice(4, 20)}`,
});

describe('PolicyAuthorizer: the S3 resource side', () => {
  let store: IamStore;
  let authorizer: PolicyAuthorizer;
  const alice = user(OWNER, 'alice', 'AIDAALICE0000000000001');
  const olivia = user(OTHER, 'olivia', 'AIDAOLIVIA000000000001');
  const root: Caller = { kind: 'Root', accountId: OWNER, arn: `arn:aws:iam::${OWNER}:root`, accessKeyId: 'AKIAROOT' };

  before(async () => {
    store = openMemoryIamStore();
    await store.accounts.create(OWNER, { isManagement: true });
    await store.accounts.create(OTHER, { isManagement: false });
    await store.users.create({ accountId: OWNER, userId: 'AIDAALICE0000000000001', userName: 'alice', path: '/' });
    await store.users.create({ accountId: OTHER, userId: 'AIDAOLIVIA000000000001', userName: 'olivia', path: '/' });
    const s3All = doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]);
    await store.inlinePolicies.put({ accountId: OWNER, principalKind: 'user', principalId: 'AIDAALICE0000000000001', policyName: 'all', document: s3All });
    await store.inlinePolicies.put({ accountId: OTHER, principalKind: 'user', principalId: 'AIDAOLIVIA000000000001', policyName: 'all', document: s3All });
    authorizer = new PolicyAuthorizer({ sources: { identity: createIdentityPolicyLoader({ store }), managedPolicy: (arn) => resolveManaged(store, arn, loadAwsManagedPolicies()) } });
  });

  const check = (extra: Partial<AuthzCheck> = {}, action = 's3:GetObject'): AuthzCheck => ({
    action, resource: 'arn:aws:s3:::b/k', resourceAccount: OWNER, context: {}, bucket: 'b', ...extra,
  });
  const bucketPolicy = (statements: unknown[], revision = 1, restrictPublic = false) => ({
    resourcePolicy: { type: 'Resource' as const, id: `bucket:b#${revision}`, document: doc(statements), ...(restrictPublic ? { restrictPublic } : {}) },
  });
  const decide = async (caller: Caller, c: AuthzCheck) => (await authorizer.authorize(caller, [c], info, headerSignedAuth(caller))).decision;

  it('a role-only bucket policy denies a user with s3:* (tip 6 of the seed), the owner root excepted', async () => {
    const roleOnly = bucketPolicy([
      { Sid: 'OnlyTheRole', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
        Condition: { StringNotLike: { 'aws:userId': ['AROAAPPROLE000000000:*', OWNER] } } },
    ]);
    for (let i = 0; i < 2; i++) {
      assert.equal(await decide(alice, check(roleOnly)), 'ExplicitDeny');
      assert.equal(await decide(root, check(roleOnly)), 'Allow');
    }
  });

  it('cross-account: the bucket policy and the other account’s identity policy must both allow', async () => {
    assert.equal(await decide(olivia, check()), 'ImplicitDeny');
    const grant = bucketPolicy([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }], 2);
    assert.equal(await decide(olivia, check(grant)), 'Allow');
    assert.equal(await decide(olivia, check(grant, 's3:PutObject')), 'ImplicitDeny');
  });

  it('anonymous callers: only a public grant allows; a new policy revision is never answered from memory', async () => {
    const pub = bucketPolicy([{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }], 3);
    assert.equal(await decide(ANONYMOUS, check()), 'ImplicitDeny');
    assert.equal(await decide(ANONYMOUS, check(pub)), 'Allow');
    assert.equal(await decide(ANONYMOUS, check(pub)), 'Allow');
    const withdrawn = bucketPolicy([{ Effect: 'Allow', Principal: { AWS: OWNER }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }], 4);
    assert.equal(await decide(ANONYMOUS, check(withdrawn)), 'ImplicitDeny');
  });

  it('RestrictPublicBuckets: outsiders meet only the Deny statements of a public policy; the account keeps its access', async () => {
    const statements = [
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
      { Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/secret/*' },
    ];
    const restricted = bucketPolicy(statements, 5, true);
    assert.equal(await decide(ANONYMOUS, check(bucketPolicy(statements, 5))), 'Allow');
    assert.equal(await decide(ANONYMOUS, check(restricted)), 'ImplicitDeny');
    assert.equal(await decide(olivia, check(restricted)), 'ImplicitDeny');
    assert.equal(await decide(alice, check(restricted)), 'Allow');
    assert.equal(await decide(alice, { ...check(restricted), resource: 'arn:aws:s3:::b/secret/x' }), 'ExplicitDeny');
  });

  it('ACL grants: AllUsers lets anyone in, AuthenticatedUsers any signed caller, an account grant its principals', async () => {
    const acl = (a: Partial<AclAccess>): Partial<AuthzCheck> => ({ acl: { allUsers: false, authenticatedUsers: false, canonicalUsers: [], ...a } });
    assert.equal(await decide(ANONYMOUS, check(acl({ allUsers: true }))), 'Allow');
    assert.equal(await decide(ANONYMOUS, check(acl({ authenticatedUsers: true }))), 'ImplicitDeny');
    assert.equal(await decide(olivia, check(acl({ authenticatedUsers: true }))), 'Allow');
    // A grant to another account lets its principals in as far as their own policies allow.
    assert.equal(await decide(olivia, check(acl({ canonicalUsers: [canonicalUserId(OTHER)] }))), 'Allow');
    assert.equal(await decide(olivia, check(acl({ canonicalUsers: [canonicalUserId(OWNER)] }))), 'ImplicitDeny');
    // The same check without the grant right after: the memo keeps ACL states apart.
    assert.equal(await decide(olivia, check(acl({}))), 'ImplicitDeny');
  });
});
