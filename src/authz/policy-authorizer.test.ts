/**
 * PolicyAuthorizer remembers the checks a caller's policies allowed when no statement that matches the
 * action depends on the request's context. These tests pin down what must never be remembered: a
 * denial, a decision a condition or a policy variable made, and a decision from policies that have
 * changed since.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Caller } from '../identity/caller.js';
import { loadAwsManagedPolicies } from '../iam/aws-managed/catalog.js';
import { createIdentityPolicyLoader, resolveManaged, type IdentityPolicyLoader } from '../iam/identity-policies.js';
import { openMemoryIamStore } from '../iam/store/memory-store.js';
import type { IamStore } from '../iam/store/types.js';
import { compilePolicy } from '../policy/compiled-policy.js';
import { parsePolicy } from '../policy/index.js';
import type { AuthzCheck, RequestInfo } from '../server/protocol.js';
import { PolicyAuthorizer } from './policy-authorizer.js';
import { headerSignedAuth } from './testing/header-auth.js';

const ACCOUNT = '123456789012';
const USER_ID = 'AIDAAUTHZTESTUSER0001';
const user: Caller = { kind: 'User', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/alice`, userId: USER_ID, userName: 'alice', path: '/', accessKeyId: 'AKIAAUTHZTEST' };

function info(sourceIp = '10.0.0.1'): RequestInfo {
  return { requestId: 'R', receivedAt: new Date(), sourceIp, secureTransport: false, userAgent: undefined, referer: undefined, region: 'us-east-1' };
}

const auth = headerSignedAuth(user);

function get(key: string, action = 's3:GetObject'): AuthzCheck {
  return { action, resource: `arn:aws:s3:::b/${key}`, resourceAccount: ACCOUNT, context: {}, bucket: 'b' };
}

describe('PolicyAuthorizer', () => {
  let store: IamStore;
  let loader: IdentityPolicyLoader;
  let authorizer: PolicyAuthorizer;
  const put = (name: string, statements: unknown[]) =>
    store.inlinePolicies.put({ accountId: ACCOUNT, principalKind: 'user', principalId: USER_ID, policyName: name, document: JSON.stringify({ Version: '2012-10-17', Statement: statements }) });
  const decide = async (check: AuthzCheck, sourceIp?: string) => (await authorizer.authorize(user, [check], info(sourceIp), auth)).decision;

  before(async () => {
    store = openMemoryIamStore();
    await store.accounts.create(ACCOUNT, { isManagement: true });
    await store.users.create({ accountId: ACCOUNT, userId: USER_ID, userName: 'alice', path: '/' });
    loader = createIdentityPolicyLoader({ store });
    authorizer = new PolicyAuthorizer({ sources: { identity: loader, managedPolicy: (arn) => resolveManaged(store, arn, loadAwsManagedPolicies()) } });
  });
  after(async () => {
    loader.close();
    await store.close();
  });

  it('decides the same, first time or again, for context-free statements; denials stay denials', async () => {
    await put('read', [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
      { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/secret/*' },
    ]);
    for (let i = 0; i < 3; i++) {
      assert.equal(await decide(get('open/1')), 'Allow');
      assert.equal(await decide(get('secret/1')), 'ExplicitDeny');
      assert.equal(await decide(get('open/1', 's3:PutObject')), 'ImplicitDeny');
    }
  });

  it('applies a policy change to a check it allowed before', async () => {
    assert.equal(await decide(get('open/2')), 'Allow');
    await put('read', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/other/*' }]);
    assert.equal(await decide(get('open/2')), 'ImplicitDeny');
  });

  it('evaluates a condition on every request, even after it allowed the same check', async () => {
    await put('read', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }]);
    assert.equal(await decide(get('k'), '10.1.2.3'), 'Allow');
    assert.equal(await decide(get('k'), '192.168.1.1'), 'ImplicitDeny');
    assert.equal(await decide(get('k'), '10.1.2.3'), 'Allow');
  });

  it('evaluates every time when one matching statement is conditional, even if another allows alone', async () => {
    await put('read', [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
      { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } },
    ]);
    assert.equal(await decide(get('k'), '10.1.2.3'), 'Allow');
    assert.equal(await decide(get('k'), '192.168.1.1'), 'ExplicitDeny');
  });

  it('records the context keys a statement reads: condition keys and policy variables', () => {
    const statementsOf = (statements: unknown[]) => {
      const parsed = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), { kind: 'identity' });
      assert.ok(parsed.ok);
      return compilePolicy(parsed.document, { id: 'p', kind: 'identity' }).statements.map((s) => [...s.contextKeys].sort());
    };
    assert.deepEqual(
      statementsOf([
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
        { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::b/x' },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/home/${aws:username}/*' },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 's3:ExistingObjectTag/team': '${aws:PrincipalTag/team}' } } },
      ]),
      [[], [], ['aws:username'], ['aws:securetransport'], ['aws:principaltag/team', 's3:existingobjecttag/team']],
    );
  });

  it('remembers an allow per value of the keys a condition reads, never across values', async () => {
    await put('read', [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
      { Effect: 'Deny', Action: 's3:GetObject', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } } },
    ]);
    const region = (r: string): RequestInfo => ({ ...info(), region: r });
    const decideIn = async (r: string) => (await authorizer.authorize(user, [get('k')], region(r), auth)).decision;
    for (let i = 0; i < 3; i++) {
      assert.equal(await decideIn('us-east-1'), 'Allow');
      assert.equal(await decideIn('eu-west-1'), 'ExplicitDeny');
    }
  });
});
