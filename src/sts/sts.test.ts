/**
 * STS over an in-memory IAM store: what each operation issues (sealed, self-contained session
 * tokens), which checks it declares (the trust policy rides on the check), and how the authorizer
 * decides them. The clock is injected, so expiry needs no waiting.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { resolveAccessKey } from '../auth/access-key-check.js';
import { headerSignedAuth } from '../authz/testing/header-auth.js';
import { PolicyAuthorizer } from '../authz/policy-authorizer.js';
import type { AssumedRoleCaller, Caller, RootCaller, UserCaller } from '../identity/caller.js';
import { loadAwsManagedPolicies } from '../iam/aws-managed/catalog.js';
import { bootstrapManagementAccount } from '../iam/bootstrap.js';
import { IamCredentialProvider } from '../iam/credential-provider.js';
import { createIdentityPolicyLoader, resolveManaged } from '../iam/identity-policies.js';
import { openMemoryIamStore } from '../iam/store/memory-store.js';
import type { IamStore } from '../iam/store/types.js';
import { callQuery } from '../query/test-client.js';
import type { AuthzCheck, ProtocolAdapter, RequestInfo } from '../server/protocol.js';
import { createStsProtocol } from './sts-protocol.js';
import { stsTestDeps } from './testing/sts-test-bed.js';

const trust = (principal: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: ['sts:AssumeRole', 'sts:TagSession'], ...extra }] });

interface Bed {
  store: IamStore;
  sts: ProtocolAdapter;
  root: RootCaller;
  alice: UserCaller;
  bob: UserCaller;
  clock: { now: Date };
  provider: IamCredentialProvider;
  authorizer: PolicyAuthorizer;
  call(caller: Caller, action: string, params?: Record<string, string>): ReturnType<typeof callQuery>;
  result(caller: Caller, action: string, params?: Record<string, string>): Promise<Record<string, any>>;
  /** Authenticates temporary credentials as a request would, at the bed's clock. */
  callerOf(creds: Record<string, string>): Promise<Caller>;
  decide(caller: Caller, checks: readonly AuthzCheck[]): Promise<string>;
}

async function bed(): Promise<Bed> {
  const store = openMemoryIamStore();
  const b = await bootstrapManagementAccount(store);
  const acct = b.accountId;
  const clock = { now: new Date('2026-01-01T00:00:00Z') };
  const deps = stsTestDeps(store, () => clock.now);
  const sts = createStsProtocol(deps);
  const root: RootCaller = { kind: 'Root', accountId: acct, arn: `arn:aws:iam::${acct}:root`, accessKeyId: b.rootAccessKeyId };
  const user = async (name: string): Promise<UserCaller> => {
    const u = await store.users.create({ accountId: acct, userId: `AIDA${name.toUpperCase().padEnd(17, 'X')}`, userName: name, path: '/' });
    return { kind: 'User', accountId: acct, arn: `arn:aws:iam::${acct}:user/${name}`, userId: u.userId, userName: name, path: '/', accessKeyId: `AKIA${name.toUpperCase().padEnd(16, 'X')}` };
  };
  const alice = await user('alice');
  const bob = await user('bob');
  await store.roles.create({
    accountId: acct, roleId: 'AROAAPPROLEXXXXXXXXXX', roleName: 'app', path: '/svc/', maxSessionDuration: 7200, maxRolesPerAccount: 1000,
    assumeRolePolicyDocument: trust({ AWS: alice.arn }),
  });
  await store.inlinePolicies.put({ accountId: acct, principalKind: 'role', principalId: 'AROAAPPROLEXXXXXXXXXX', policyName: 's3', document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }) });
  // bob may assume any role, as far as his own policies go.
  await store.inlinePolicies.put({ accountId: acct, principalKind: 'user', principalId: bob.userId, policyName: 'any', document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }) });
  const provider = new IamCredentialProvider(store, { sessions: deps.tokens });
  const awsManaged = loadAwsManagedPolicies();
  const authorizer = new PolicyAuthorizer({ sources: { identity: createIdentityPolicyLoader({ store }), managedPolicy: (arn) => resolveManaged(store, arn, awsManaged) } });
  const info = (): RequestInfo => ({ requestId: 'R', receivedAt: clock.now, sourceIp: '127.0.0.1', secureTransport: false, userAgent: undefined, referer: undefined, region: 'us-east-1' });
  const call = (caller: Caller, action: string, params: Record<string, string> = {}) => callQuery(sts, caller, { Action: action, Version: '2011-06-15', ...params });
  return {
    store, sts, root, alice, bob, clock, provider, authorizer, call,
    async result(caller, action, params) {
      const r = await call(caller, action, params);
      assert.equal(r.status, 200, r.body);
      return (r.xml[`${action}Response`] as Record<string, any>)[`${action}Result`] as Record<string, any>;
    },
    async callerOf(creds) {
      const record = await resolveAccessKey(provider, creds.AccessKeyId, creds.SessionToken, 's3', clock.now);
      return record.caller;
    },
    async decide(caller, checks) {
      return (await authorizer.authorize(caller, checks, info(), headerSignedAuth(caller, clock.now))).decision;
    },
  };
}

describe('STS', () => {
  let t: Bed;
  beforeEach(async () => {
    t = await bed();
  });

  it('AssumeRole: the trust policy rides on the check; the session token opens to the role session', async () => {
    const roleArn = `arn:aws:iam::${t.root.accountId}:role/svc/app`;
    const r = await t.call(t.alice, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'build-42' });
    assert.equal(r.checks.length, 1);
    assert.equal(r.checks[0].action, 'sts:AssumeRole');
    assert.equal(r.checks[0].resourcePolicy?.type, 'Trust');
    assert.equal(r.checks[0].context['sts:RoleSessionName'], 'build-42');
    assert.equal(await t.decide(t.alice, r.checks), 'Allow');
    const out = (r.xml.AssumeRoleResponse as Record<string, any>).AssumeRoleResult;
    assert.match(out.Credentials.AccessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(out.Credentials.Expiration, '2026-01-01T01:00:00Z');
    assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${t.root.accountId}:assumed-role/app/build-42`);
    assert.equal(out.AssumedRoleUser.AssumedRoleId, 'AROAAPPROLEXXXXXXXXXX:build-42');
    const session = (await t.callerOf(out.Credentials)) as AssumedRoleCaller;
    assert.equal(session.kind, 'AssumedRole');
    assert.equal(session.roleArn, roleArn);
    assert.equal(session.session.issuer, 'AssumeRole');
    const identity = await t.result(session, 'GetCallerIdentity');
    assert.equal(identity.Arn, out.AssumedRoleUser.Arn);
    assert.equal(identity.UserId, 'AROAAPPROLEXXXXXXXXXX:build-42');
    // The role's policies apply to the session.
    assert.equal(await t.decide(session, [{ action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', resourceAccount: t.root.accountId, context: {} }]), 'Allow');
  });

  it('a user the trust policy does not name is refused, even with sts:AssumeRole on *; a missing role too', async () => {
    const r = await t.call(t.bob, 'AssumeRole', { RoleArn: `arn:aws:iam::${t.root.accountId}:role/svc/app`, RoleSessionName: 'ss' });
    assert.equal(await t.decide(t.bob, r.checks), 'ImplicitDeny');
    const missing = await t.call(t.alice, 'AssumeRole', { RoleArn: `arn:aws:iam::${t.root.accountId}:role/nope`, RoleSessionName: 'ss' });
    assert.equal(await t.decide(t.alice, missing.checks), 'ImplicitDeny');
    assert.equal(await t.decide(t.bob, missing.checks), 'ImplicitDeny');
  });

  it('temporary credentials expire, and a tampered or foreign token is refused', async () => {
    const out = await t.result(t.alice, 'AssumeRole', { RoleArn: `arn:aws:iam::${t.root.accountId}:role/svc/app`, RoleSessionName: 'ss', DurationSeconds: '900' });
    const creds = out.Credentials as Record<string, string>;
    t.clock.now = new Date('2026-01-01T00:14:59Z');
    assert.equal((await t.callerOf(creds)).kind, 'AssumedRole');
    t.clock.now = new Date('2026-01-01T00:15:00Z');
    await assert.rejects(t.callerOf(creds), { code: 'ExpiredToken' });
    const tampered = { ...creds, SessionToken: creds.SessionToken.slice(0, -8) + 'AAAAAAA=' };
    await assert.rejects(t.callerOf(tampered), { code: 'InvalidToken' });
    await assert.rejects(t.callerOf({ ...creds, AccessKeyId: 'ASIAAAAAAAAAAAAAAAAA' }), { code: 'InvalidToken' });
    await assert.rejects(resolveAccessKey(t.provider, creds.AccessKeyId, undefined, 's3', t.clock.now), { code: 'InvalidAccessKeyId' });
  });

  it('DurationSeconds: 900 up to the role maximum; role chaining caps it at one hour', async () => {
    const roleArn = `arn:aws:iam::${t.root.accountId}:role/svc/app`;
    assert.equal((await t.call(t.alice, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'ss', DurationSeconds: '899' })).errorCode, 'ValidationError');
    assert.equal((await t.call(t.alice, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'ss', DurationSeconds: '7201' })).errorCode, 'ValidationError');
    const out = await t.result(t.alice, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'ss', DurationSeconds: '7200' });
    assert.equal(out.Credentials.Expiration, '2026-01-01T02:00:00Z');
    const session = await t.callerOf(out.Credentials);
    assert.equal((await t.call(session, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 's2', DurationSeconds: '3601' })).errorCode, 'ValidationError');
    const chained = await t.result(session, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 's2', DurationSeconds: '3600' });
    assert.equal(((await t.callerOf(chained.Credentials)) as AssumedRoleCaller).session.chained, true);
  });

  it('session tags: sts:TagSession checked; transitive tags pass down a chain and cannot be overridden', async () => {
    const roleArn = `arn:aws:iam::${t.root.accountId}:role/svc/app`;
    const tagged = { RoleArn: roleArn, RoleSessionName: 'ss', 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'red', 'Tags.member.2.Key': 'cc', 'Tags.member.2.Value': '42', 'TransitiveTagKeys.member.1': 'team' };
    const r = await t.call(t.alice, 'AssumeRole', tagged);
    assert.deepEqual(r.checks.map((c) => c.action), ['sts:AssumeRole', 'sts:TagSession']);
    assert.equal(r.checks[0].context['aws:RequestTag/team'], 'red');
    const out = (r.xml.AssumeRoleResponse as Record<string, any>).AssumeRoleResult;
    assert.match(String(out.PackedPolicySize), /^\d+$/);
    const session = (await t.callerOf(out.Credentials)) as AssumedRoleCaller;
    assert.deepEqual(session.session.tags, { team: 'red', cc: '42' });
    const chained = (await t.callerOf((await t.result(session, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 's2' })).Credentials)) as AssumedRoleCaller;
    assert.deepEqual(chained.session.tags, { team: 'red' });
    assert.equal((await t.call(session, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 's3', 'Tags.member.1.Key': 'TEAM', 'Tags.member.1.Value': 'blue' })).errorCode, 'InvalidParameterValue');
  });

  it('a session policy narrows the role session', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    const out = await t.result(t.alice, 'AssumeRole', { RoleArn: `arn:aws:iam::${t.root.accountId}:role/svc/app`, RoleSessionName: 'ss', Policy: policy });
    const session = await t.callerOf(out.Credentials);
    const check = (action: string): AuthzCheck => ({ action, resource: 'arn:aws:s3:::b/k', resourceAccount: t.root.accountId, context: {} });
    assert.equal(await t.decide(session, [check('s3:GetObject')]), 'Allow');
    assert.equal(await t.decide(session, [check('s3:PutObject')]), 'ImplicitDeny');
    assert.equal((await t.call(t.alice, 'AssumeRole', { RoleArn: `arn:aws:iam::${t.root.accountId}:role/svc/app`, RoleSessionName: 'ss', Policy: '{"Statement":[' })).errorCode, 'MalformedPolicyDocument');
  });

  it('GetSessionToken: no checks; root capped at an hour; session credentials refused; IAM needs MFA', async () => {
    const r = await t.call(t.alice, 'GetSessionToken', { DurationSeconds: '129600' });
    assert.equal(r.checks.length, 0);
    const out = (r.xml.GetSessionTokenResponse as Record<string, any>).GetSessionTokenResult;
    assert.equal(out.Credentials.Expiration, '2026-01-02T12:00:00Z');
    const session = await t.callerOf(out.Credentials);
    assert.equal(session.kind, 'User');
    assert.equal((await t.result(session, 'GetCallerIdentity')).Arn, t.alice.arn);
    assert.equal((await t.call(session, 'GetSessionToken')).errorCode, 'AccessDenied');
    await assert.rejects(resolveAccessKey(t.provider, out.Credentials.AccessKeyId, out.Credentials.SessionToken, 'iam', t.clock.now), { code: 'InvalidToken' });
    const rootOut = await t.result(t.root, 'GetSessionToken', { DurationSeconds: '7200' });
    assert.equal(rootOut.Credentials.Expiration, '2026-01-01T01:00:00Z');
    assert.equal((await t.call(t.alice, 'GetSessionToken', { SerialNumber: `arn:aws:iam::${t.root.accountId}:mfa/none`, TokenCode: '123456' })).errorCode, 'AccessDenied');
  });

  it('GetAccessKeyInfo: stored keys and temporary key ids both name their account', async () => {
    const out = await t.result(t.alice, 'AssumeRole', { RoleArn: `arn:aws:iam::${t.root.accountId}:role/svc/app`, RoleSessionName: 'ss' });
    assert.equal((await t.result(t.root, 'GetAccessKeyInfo', { AccessKeyId: out.Credentials.AccessKeyId })).Account, t.root.accountId);
    assert.equal((await t.result(t.root, 'GetAccessKeyInfo', { AccessKeyId: t.root.accessKeyId })).Account, t.root.accountId);
    assert.equal((await t.result(t.root, 'GetAccessKeyInfo', { AccessKeyId: 'ASIAQNZGKIQY56JQ7WML' })).Account, '029608264753');
  });

  it('GetSessionToken credentials may call only AssumeRole and GetCallerIdentity of STS', async () => {
    const session = await t.callerOf((await t.result(t.alice, 'GetSessionToken')).Credentials);
    assert.equal((await t.call(session, 'GetAccessKeyInfo', { AccessKeyId: t.root.accessKeyId })).errorCode, 'AccessDenied');
    assert.equal((await t.call(session, 'DecodeAuthorizationMessage', { EncodedMessage: 'x' })).errorCode, 'AccessDenied');
    assert.equal((await t.call(session, 'GetCallerIdentity')).status, 200);
    const r = await t.call(session, 'AssumeRole', { RoleArn: `arn:aws:iam::${t.root.accountId}:role/svc/app`, RoleSessionName: 'ss' });
    assert.equal(r.status, 200, r.body);
  });

  it('a source identity, once set, stays for the whole chain and cannot be changed', async () => {
    const roleArn = `arn:aws:iam::${t.root.accountId}:role/svc/app`;
    const r = await t.call(t.alice, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'ss', SourceIdentity: 'alice@corp' });
    assert.deepEqual(r.checks.map((c) => c.action), ['sts:AssumeRole', 'sts:SetSourceIdentity']);
    const first = (await t.callerOf((r.xml.AssumeRoleResponse as Record<string, any>).AssumeRoleResult.Credentials)) as AssumedRoleCaller;
    assert.equal(first.session.sourceIdentity, 'alice@corp');
    const chained = (await t.callerOf((await t.result(first, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 's2' })).Credentials)) as AssumedRoleCaller;
    assert.equal(chained.session.sourceIdentity, 'alice@corp');
    assert.equal((await t.call(first, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 's3', SourceIdentity: 'mallory' })).errorCode, 'AccessDenied');
  });

  it('revoking sessions as AWS does: a role policy denying sessions issued before a time', async () => {
    const roleArn = `arn:aws:iam::${t.root.accountId}:role/svc/app`;
    const old = await t.callerOf((await t.result(t.alice, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'old' })).Credentials);
    const get: AuthzCheck = { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', resourceAccount: t.root.accountId, context: {} };
    assert.equal(await t.decide(old, [get]), 'Allow');
    t.clock.now = new Date('2026-01-01T00:10:00Z');
    await t.store.inlinePolicies.put({
      accountId: t.root.accountId, principalKind: 'role', principalId: 'AROAAPPROLEXXXXXXXXXX', policyName: 'AWSRevokeOlderSessions',
      document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-01-01T00:10:00Z' } } }] }),
    });
    assert.equal(await t.decide(old, [get]), 'ExplicitDeny');
    const fresh = await t.callerOf((await t.result(t.alice, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'new' })).Credentials);
    assert.equal(await t.decide(fresh, [get]), 'Allow');
  });
});
