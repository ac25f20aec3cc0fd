import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RootCaller } from '../identity/caller.js';
import { bootstrapManagementAccount } from '../iam/bootstrap.js';
import { openMemoryIamStore } from '../iam/store/memory-store.js';
import type { IamStore } from '../iam/store/types.js';
import { callJson, type JsonCallResult } from '../json-protocol/test-client.js';
import { createWorkloadsProtocol, WORKLOADS_TARGET_PREFIX } from './workloads-protocol.js';
import { WORKLOAD_TOKEN_PATTERN, workloadTokenSha256 } from './workload-token-secret.js';

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

interface Bed {
  readonly store: IamStore;
  readonly root: RootCaller;
  readonly accountId: string;
  call(op: string, input?: Record<string, unknown>): Promise<JsonCallResult>;
  now: Date;
}

async function bed(): Promise<Bed> {
  const store = openMemoryIamStore();
  const b = await bootstrapManagementAccount(store);
  const root: RootCaller = {
    kind: 'Root',
    accountId: b.accountId,
    arn: `arn:aws:iam::${b.accountId}:root`,
    accessKeyId: b.rootAccessKeyId,
  };
  const t: Bed = {
    store,
    root,
    accountId: b.accountId,
    now: new Date('2026-01-02T03:04:05Z'),
    call: (op, input = {}) => callJson(adapter, root, `${WORKLOADS_TARGET_PREFIX}.${op}`, input),
  };
  const adapter = createWorkloadsProtocol({ store, now: () => t.now });
  return t;
}

/** A role trusting EC2 in an instance profile of the same name, under `/app/`. */
async function profileWithRole(t: Bed, name: string): Promise<void> {
  await t.store.roles.create({
    accountId: t.accountId,
    roleId: `AROA${name.toUpperCase().padEnd(17, 'X')}`,
    roleName: name,
    path: '/app/',
    assumeRolePolicyDocument: TRUST,
    maxSessionDuration: 3600,
    maxRolesPerAccount: 1000,
  });
  await t.store.instanceProfiles.create({
    accountId: t.accountId,
    instanceProfileId: `AIPA${name.toUpperCase().padEnd(17, 'X')}`,
    instanceProfileName: name,
    path: '/app/',
  });
  await t.store.instanceProfiles.addRole(t.accountId, name, `AROA${name.toUpperCase().padEnd(17, 'X')}`);
}

test('CreateWorkloadToken: needs the create permission and iam:PassRole to EC2; the secret is shown once', async () => {
  const t = await bed();
  await profileWithRole(t, 'web');
  const r = await t.call('CreateWorkloadToken', { InstanceProfileName: 'web', Description: 'web servers' });
  assert.equal(r.status, 200, r.body);
  assert.deepEqual(r.checks, [
    { action: 'workloads:CreateWorkloadToken', resource: '*', resourceAccount: t.accountId, context: {} },
    {
      action: 'iam:PassRole',
      resource: `arn:aws:iam::${t.accountId}:role/app/web`,
      resourceAccount: t.accountId,
      context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
    },
  ]);
  const out = r.json as Record<string, string | number>;
  assert.match(String(out.Token), WORKLOAD_TOKEN_PATTERN);
  assert.match(String(out.TokenId), /^wt-[a-z2-7]{17}$/);
  assert.equal(out.InstanceProfileArn, `arn:aws:iam::${t.accountId}:instance-profile/app/web`);
  assert.equal(out.RoleArn, `arn:aws:iam::${t.accountId}:role/app/web`);
  assert.equal(typeof out.CreatedAt, 'number', 'JSON protocol timestamps are epoch seconds');
  const stored = await t.store.workloadTokens.findBySha256(workloadTokenSha256(String(out.Token)));
  assert.equal(stored?.tokenId, out.TokenId);
  assert.equal(stored?.createdByArn, t.root.arn);
  assert.equal(stored?.description, 'web servers');
  const listed = await t.call('ListWorkloadTokens');
  assert.ok(!listed.body.includes(String(out.Token)), 'the secret is never listed');
});

test('CreateWorkloadToken: missing profile: NoSuchEntityException; no role: ValidationException', async () => {
  const t = await bed();
  const missing = await t.call('CreateWorkloadToken', { InstanceProfileName: 'nope' });
  assert.equal(missing.errorCode, 'NoSuchEntityException');
  assert.equal(missing.checks.length, 1, 'no role, no PassRole check');
  await t.store.instanceProfiles.create({
    accountId: t.accountId,
    instanceProfileId: 'AIPAEMPTYXXXXXXXXXXXX',
    instanceProfileName: 'empty',
    path: '/',
  });
  const empty = await t.call('CreateWorkloadToken', { InstanceProfileName: 'empty' });
  assert.equal(empty.errorCode, 'ValidationException');
  assert.equal((await t.call('CreateWorkloadToken', {})).errorCode, 'ValidationException');
  assert.equal((await t.call('CreateWorkloadToken', { InstanceProfileName: 'a b' })).errorCode, 'ValidationException');
  assert.equal((await t.call('CreateWorkloadToken', { InstanceProfileName: 7 })).errorCode, 'SerializationException');
  assert.equal((await t.call('CreateWorkloadTokens', {})).errorCode, 'UnknownOperationException');
});

test('ListWorkloadTokens: oldest first, paginated, with status, profile and role', async () => {
  const t = await bed();
  await profileWithRole(t, 'web');
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    ids.push(String((await t.call('CreateWorkloadToken', { InstanceProfileName: 'web' })).json.TokenId));
  }
  await t.store.workloadTokens.revoke(t.accountId, ids[1], t.now);
  const all = await t.call('ListWorkloadTokens');
  assert.equal(all.checks[0].action, 'workloads:ListWorkloadTokens');
  const tokens = all.json.WorkloadTokens as Record<string, unknown>[];
  assert.deepEqual(tokens.map((x) => x.TokenId).sort(), [...ids].sort());
  const second = tokens.find((x) => x.TokenId === ids[1]);
  assert.equal(second?.Status, 'Revoked');
  assert.equal(second?.RevokedAt, t.now.getTime() / 1000);
  assert.equal(tokens.find((x) => x.TokenId === ids[0])?.Status, 'Active');
  assert.equal(tokens[0].RoleArn, `arn:aws:iam::${t.accountId}:role/app/web`);
  assert.equal(tokens[0].Arn, `arn:aws:workloads::${t.accountId}:workload-token/${String(tokens[0].TokenId)}`);
  assert.equal(all.json.NextToken, undefined);

  const seen: unknown[] = [];
  let next: unknown;
  do {
    const page = await t.call('ListWorkloadTokens', { MaxResults: 2, ...(next ? { NextToken: next } : {}) });
    const items = page.json.WorkloadTokens as Record<string, unknown>[];
    assert.ok(items.length <= 2);
    seen.push(...items.map((x) => x.TokenId));
    next = page.json.NextToken;
  } while (next !== undefined);
  assert.deepEqual(seen, tokens.map((x) => x.TokenId));
  assert.equal((await t.call('ListWorkloadTokens', { NextToken: 'bm9wZQ==' })).errorCode, 'ValidationException');
  assert.equal((await t.call('ListWorkloadTokens', { MaxResults: 0 })).errorCode, 'ValidationException');
});

test('ListWorkloadTokens: a token whose profile was deleted is listed without its profile ARN', async () => {
  const t = await bed();
  await profileWithRole(t, 'gone');
  const id = (await t.call('CreateWorkloadToken', { InstanceProfileName: 'gone' })).json.TokenId;
  await t.store.instanceProfiles.removeRole(t.accountId, 'gone', 'AROAGONEXXXXXXXXXXXXX');
  await t.store.instanceProfiles.delete(t.accountId, 'gone');
  const [listed] = (await t.call('ListWorkloadTokens')).json.WorkloadTokens as Record<string, unknown>[];
  assert.equal(listed.TokenId, id);
  assert.equal(listed.InstanceProfileArn, undefined);
  assert.equal(listed.InstanceProfileId, 'AIPAGONEXXXXXXXXXXXXX');
});

test('RevokeWorkloadToken: checked on the token ARN; a second revocation keeps the first time', async () => {
  const t = await bed();
  await profileWithRole(t, 'web');
  const id = String((await t.call('CreateWorkloadToken', { InstanceProfileName: 'web' })).json.TokenId);
  const r = await t.call('RevokeWorkloadToken', { TokenId: id });
  assert.equal(r.status, 200, r.body);
  assert.deepEqual(r.checks, [
    {
      action: 'workloads:RevokeWorkloadToken',
      resource: `arn:aws:workloads::${t.accountId}:workload-token/${id}`,
      resourceAccount: t.accountId,
      context: {},
    },
  ]);
  const revoked = r.json.WorkloadToken as Record<string, unknown>;
  assert.equal(revoked.Status, 'Revoked');
  const first = revoked.RevokedAt;
  t.now = new Date(t.now.getTime() + 60_000);
  const again = (await t.call('RevokeWorkloadToken', { TokenId: id })).json.WorkloadToken as Record<string, unknown>;
  assert.equal(again.RevokedAt, first);
  const missing = await t.call('RevokeWorkloadToken', { TokenId: 'wt-aaaaaaaaaaaaaaaaa' });
  assert.equal(missing.errorCode, 'NoSuchEntityException');
  assert.equal((await t.call('RevokeWorkloadToken', { TokenId: 'i-123' })).errorCode, 'ValidationException');
});
