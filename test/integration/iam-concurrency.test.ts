/**
 * The IAM store under concurrent writes from two worker processes (`--workers 2`): every write either
 * succeeds or fails with an AWS error (EntityAlreadyExists for a name two requests race for), never
 * with a 500 InternalFailure (SQLITE_BUSY from a deferred transaction that read, then tried to write
 * after the other worker had committed), and nothing acknowledged is lost.
 */
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { after, before, describe, it } from 'node:test';
import {
  CreateRoleCommand,
  CreateUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListUserTagsCommand,
  PutUserPolicyCommand,
  TagUserCommand,
  paginateListRoles,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import { startServer, uniqueName, type TestServer } from './harness.js';

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

type Outcome = { op: string; status: number; code: string };

/** Runs one request and records how it ended: 200, or the AWS error code and HTTP status. */
async function outcome(op: string, p: Promise<unknown>): Promise<Outcome> {
  try {
    await p;
    return { op, status: 200, code: 'OK' };
  } catch (e) {
    const meta = (e as { $metadata?: { httpStatusCode?: number } }).$metadata;
    if (!meta) throw e; // a network failure is a failure of the test, not an outcome
    return { op, status: meta.httpStatusCode ?? 0, code: (e as Error).name };
  }
}

describe('IAM writes from two workers at once', () => {
  let server: TestServer;
  let iam: IAMClient;
  before(async () => {
    server = await startServer({ extraArgs: ['--workers', '2'] });
    // No keep-alive: each request gets its own connection, which the primary hands to the workers in turn.
    const requestHandler = { httpAgent: new Agent({ keepAlive: false, maxSockets: 64 }) };
    iam = new IAMClient({ endpoint: server.endpoint, region: server.region, credentials: server.root, maxAttempts: 1, requestHandler });
  });
  after(async () => {
    iam?.destroy();
    await server?.stop();
  });

  it('~200 concurrent CreateUser/CreateRole/PutUserPolicy/TagUser: AWS outcomes only, and all of it stored', async () => {
    const prefix = uniqueName('cc');
    const users = Array.from({ length: 50 }, (_, i) => `${prefix}-u${i}`);
    const roles = Array.from({ length: 50 }, (_, i) => `${prefix}-r${i}`);
    const raced = Array.from({ length: 10 }, (_, i) => `${prefix}-race${i}`);

    // Each user: create, then an inline policy and a tag, racing every other chain and the roles.
    const userChain = async (u: string): Promise<Outcome[]> => {
      const created = await outcome('CreateUser', iam.send(new CreateUserCommand({ UserName: u })));
      if (created.status !== 200) return [created];
      return [
        created,
        await outcome('PutUserPolicy', iam.send(new PutUserPolicyCommand({ UserName: u, PolicyName: 'p', PolicyDocument: POLICY }))),
        await outcome('TagUser', iam.send(new TagUserCommand({ UserName: u, Tags: [{ Key: 'k', Value: u }] }))),
      ];
    };
    const results = (
      await Promise.all([
        ...users.map(userChain),
        ...roles.map(async (r) => [await outcome('CreateRole', iam.send(new CreateRoleCommand({ RoleName: r, AssumeRolePolicyDocument: TRUST })))]),
        // Two requests for each of these names: exactly one may win.
        ...raced.flatMap((u) => [0, 1].map(async () => [await outcome('CreateUser', iam.send(new CreateUserCommand({ UserName: u })))])),
      ])
    ).flat();

    const failures = results.filter((r) => r.status !== 200);
    assert.deepEqual(failures.filter((r) => r.status >= 500), [], 'no 5xx');
    assert.equal(results.length, 220);
    assert.deepEqual(
      failures.map((r) => `${r.op}:${r.code}`),
      raced.map(() => 'CreateUser:EntityAlreadyExistsException'),
      'only the losers of the name races fail',
    );

    const listedUsers: string[] = [];
    for await (const page of paginateListUsers({ client: iam }, {})) listedUsers.push(...(page.Users ?? []).map((u) => u.UserName!));
    assert.deepEqual(listedUsers.filter((n) => n.startsWith(prefix)).sort(), [...users, ...raced].sort());
    const listedRoles: string[] = [];
    for await (const page of paginateListRoles({ client: iam }, {})) listedRoles.push(...(page.Roles ?? []).map((r) => r.RoleName!));
    assert.deepEqual(listedRoles.filter((n) => n.startsWith(prefix)).sort(), [...roles].sort());
    for (const u of users) {
      const policy = await iam.send(new GetUserPolicyCommand({ UserName: u, PolicyName: 'p' }));
      assert.equal(decodeURIComponent(policy.PolicyDocument!), POLICY);
      assert.deepEqual((await iam.send(new ListUserTagsCommand({ UserName: u }))).Tags, [{ Key: 'k', Value: u }]);
    }
  });
});
