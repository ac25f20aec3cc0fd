import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PolicyAuthorizer } from '../authz/policy-authorizer.js';
import { bootstrapManagementAccount } from '../iam/bootstrap.js';
import { createIdentityPolicyLoader, resolveManaged } from '../iam/identity-policies.js';
import { openMemoryIamStore } from '../iam/store/memory-store.js';
import type { IamStore } from '../iam/store/types.js';
import { stsTestDeps } from '../sts/testing/sts-test-bed.js';
import { WORKLOAD_CREDENTIALS_PATH, workloadCredentialsEndpoint } from './workload-credentials-endpoint.js';
import { newWorkloadToken, newWorkloadTokenId, workloadTokenSha256 } from './workload-token-secret.js';

const trust = (service: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });

interface Bed {
  readonly store: IamStore;
  readonly accountId: string;
  readonly url: string;
  readonly logs: Record<string, unknown>[];
  readonly roleUses: string[];
  readonly sts: ReturnType<typeof stsTestDeps>;
  close(): Promise<void>;
}

interface TokenFor {
  readonly token: string;
  readonly tokenId: string;
}

async function bed(): Promise<Bed> {
  const store = openMemoryIamStore();
  const { accountId } = await bootstrapManagementAccount(store);
  const now = () => new Date('2026-03-04T05:06:07.891Z');
  const sts = stsTestDeps(store, now);
  const identity = createIdentityPolicyLoader({ store, awsManaged: sts.awsManaged });
  const authorizer = new PolicyAuthorizer({
    sources: { identity, managedPolicy: (arn) => resolveManaged(store, arn, sts.awsManaged) },
  });
  const logs: Record<string, unknown>[] = [];
  const logger = { info: (o: Record<string, unknown>) => logs.push(o), error: () => undefined };
  const endpoint = workloadCredentialsEndpoint({ sts, authorizer, region: 'us-east-1', logger: logger as never });
  const server: Server = createServer((req, res) => {
    if (!endpoint(req, res)) res.writeHead(418).end('pipeline');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    store,
    accountId,
    url: `http://127.0.0.1:${port}${WORKLOAD_CREDENTIALS_PATH}`,
    logs,
    roleUses: sts.roleUses,
    sts,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A role trusting `service`, in a profile of the same name, and an active token for it. */
async function tokenFor(t: Bed, name: string, service = 'ec2.amazonaws.com'): Promise<TokenFor> {
  const roleId = `AROA${name.toUpperCase().padEnd(17, 'X')}`;
  await t.store.roles.create({
    accountId: t.accountId,
    roleId,
    roleName: name,
    path: '/',
    assumeRolePolicyDocument: trust(service),
    maxSessionDuration: 3600,
    maxRolesPerAccount: 1000,
  });
  const instanceProfileId = `AIPA${name.toUpperCase().padEnd(17, 'X')}`;
  const accountId = t.accountId;
  await t.store.instanceProfiles.create({ accountId, instanceProfileId, instanceProfileName: name, path: '/' });
  await t.store.instanceProfiles.addRole(t.accountId, name, roleId);
  const token = newWorkloadToken();
  const tokenId = newWorkloadTokenId();
  await t.store.workloadTokens.create({
    tokenId,
    accountId: t.accountId,
    instanceProfileId,
    tokenSha256: workloadTokenSha256(token),
    createdByArn: `arn:aws:iam::${t.accountId}:root`,
  });
  return { token, tokenId };
}

async function get(url: string, headers: Record<string, string> = {}, method = 'GET') {
  const r = await fetch(url, { method, headers });
  const text = await r.text();
  const json = text === '' ? {} : (JSON.parse(text) as Record<string, string>);
  return { status: r.status, json, headers: r.headers };
}

test('an active token gets role-session credentials in the container-credentials format', async () => {
  const t = await bed();
  try {
    const { token, tokenId } = await tokenFor(t, 'web');
    const r = await get(t.url, { Authorization: token });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.headers.get('content-type'), 'application/json');
    const keys = ['AccessKeyId', 'AccountId', 'Expiration', 'RoleArn', 'SecretAccessKey', 'Token'];
    assert.deepEqual(Object.keys(r.json).sort(), keys);
    assert.match(r.json.AccessKeyId, /^ASIA/);
    assert.equal(r.json.Expiration, '2026-03-04T06:06:07Z', 'one hour, ISO 8601');
    assert.equal(r.json.RoleArn, `arn:aws:iam::${t.accountId}:role/web`);
    assert.equal(r.json.AccountId, t.accountId);
    const claims = await t.sts.tokens.open(r.json.Token);
    assert.deepEqual(claims?.principal, {
      kind: 'AssumedRole',
      accountId: t.accountId,
      roleId: 'AROAWEBXXXXXXXXXXXXXX',
      roleName: 'web',
      rolePath: '/',
      sessionName: tokenId,
    });
    assert.equal(claims?.session.issuer, 'WorkloadCredentials');
    assert.equal(claims?.secretAccessKey, r.json.SecretAccessKey);
    assert.deepEqual(t.roleUses, ['AROAWEBXXXXXXXXXXXXXX']);
    assert.equal(t.logs.at(-1)?.tokenId, tokenId);
    assert.ok(!JSON.stringify(t.logs).includes(token), 'the token is never logged');
  } finally {
    await t.close();
  }
});

test('no, malformed, unknown or revoked tokens get 401 with a Code the SDKs report', async () => {
  const t = await bed();
  try {
    const { token, tokenId } = await tokenFor(t, 'web');
    assert.equal((await get(t.url)).json.Code, 'MissingAuthorizationToken');
    assert.equal((await get(t.url)).status, 401);
    assert.equal((await get(t.url, { Authorization: 'Bearer x' })).json.Code, 'InvalidToken');
    assert.equal((await get(t.url, { Authorization: newWorkloadToken() })).status, 401);
    await t.store.workloadTokens.revoke(t.accountId, tokenId, new Date());
    const revoked = await get(t.url, { Authorization: token });
    assert.equal(revoked.status, 401);
    assert.equal(revoked.json.Code, 'InvalidToken');
    assert.deepEqual(t.roleUses, []);
  } finally {
    await t.close();
  }
});

test('a role that does not trust ec2.amazonaws.com, or a profile without its role, gets 403', async () => {
  const t = await bed();
  try {
    const lambda = await tokenFor(t, 'fn', 'lambda.amazonaws.com');
    const denied = await get(t.url, { Authorization: lambda.token });
    assert.equal(denied.status, 403);
    assert.equal(denied.json.Code, 'AccessDenied');
    const web = await tokenFor(t, 'web');
    await t.store.instanceProfiles.removeRole(t.accountId, 'web', 'AROAWEBXXXXXXXXXXXXXX');
    assert.equal((await get(t.url, { Authorization: web.token })).status, 403);
    await t.store.instanceProfiles.delete(t.accountId, 'web');
    assert.equal((await get(t.url, { Authorization: web.token })).status, 403);
  } finally {
    await t.close();
  }
});

test('a trust policy naming the service with a condition on the service-principal keys is honoured', async () => {
  const t = await bed();
  try {
    const { token } = await tokenFor(t, 'web');
    await t.store.roles.update(t.accountId, 'web', {
      assumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:PrincipalServiceName': 'ec2.amazonaws.com' } },
          },
        ],
      }),
    });
    assert.equal((await get(t.url, { Authorization: token })).status, 403);
  } finally {
    await t.close();
  }
});

test('other paths, SigV4-signed requests and other methods are not taken for credentials requests', async () => {
  const t = await bed();
  try {
    const other = await fetch(t.url.replace('workload-credentials', 'other'));
    assert.equal(other.status, 418, 'left to the pipeline');
    const signed = await fetch(t.url, { headers: { Authorization: 'AWS4-HMAC-SHA256 Credential=AKIA/x' } });
    assert.equal(signed.status, 418, 'a signed request is left to S3');
    const post = await get(t.url, {}, 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    const withQuery = await get(`${t.url}?x=1`);
    assert.equal(withQuery.status, 401, 'a query string does not change the path');
  } finally {
    await t.close();
  }
});
