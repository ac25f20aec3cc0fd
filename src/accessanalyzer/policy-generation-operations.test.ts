import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AUDIT_DB_FILE, openAuditStore } from '../audit/sqlite-audit-store.js';
import { recorded } from '../audit/testing/recorded-events.js';
import { PolicyGenerationStore } from '../auditor/policy-generation-store.js';
import {
  ACCT,
  ROLE_ARN,
  T0,
  compileDocuments,
  decide,
  roleSession,
  s3Event,
  TRAIL_ARN,
  trail,
  WORKER,
} from '../auditor/policy-generation/policy-generation-test-support.js';
import { openAuditorStore, type SqliteAuditorStore } from '../auditor/sqlite-auditor-store.js';
import { ServiceError } from '../errors/service-error.js';
import type { RootCaller } from '../identity/caller.js';
import type { IamStore, RoleRow } from '../iam/store/types.js';
import { createRestJsonProtocol } from '../json-protocol/rest-json-protocol.js';
import { callJson } from '../json-protocol/test-client.js';
import type { ProtocolAdapter } from '../server/protocol.js';
import { accessAnalyzerInvalidInput } from './access-analyzer-protocol.js';
import { policyGenerationOperations } from './policy-generation-operations.js';

const root: RootCaller = {
  kind: 'Root',
  accountId: ACCT,
  arn: `arn:aws:iam::${ACCT}:root`,
  accessKeyId: 'AKIAEXAMPLE',
};
const ACCESS_ROLE = `arn:aws:iam::${ACCT}:role/service-role/AccessAnalyzerMonitorServiceRole`;
const DAY = 86_400_000;
/** Only GetRole by name matters here: the access role exists, nothing else does. */
const iam = {
  roles: {
    getByName: async (accountId: string, name: string): Promise<Partial<RoleRow> | undefined> =>
      accountId === ACCT && name === 'AccessAnalyzerMonitorServiceRole'
        ? { accountId, roleName: name, path: '/service-role/' }
        : undefined,
  },
} as unknown as IamStore;

function start(overrides: { principalArn?: string; details?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    policyGenerationDetails: { principalArn: overrides.principalArn ?? ROLE_ARN },
    cloudTrailDetails: {
      trails: [{ cloudTrailArn: TRAIL_ARN, allRegions: true }],
      accessRole: ACCESS_ROLE,
      startTime: new Date(T0 - DAY).toISOString(),
      endTime: new Date(T0 + DAY).toISOString(),
      ...overrides.details,
    },
  };
}

describe('policy generation operations', { timeout: 10_000 }, () => {
  let dir = '';
  let auditor: SqliteAuditorStore;
  let adapter: ProtocolAdapter;
  let nowMs = T0 + 2 * DAY;
  const now = () => new Date(nowMs);
  const call = (method: string, path: string, input: Record<string, unknown> = {}, rawQuery = '') =>
    callJson(adapter, root, '', input, { method, rawPath: path, rawQuery });

  /** Polls GetGeneratedPolicy until the job has ended. */
  async function ended(jobId: string): Promise<Record<string, unknown>> {
    for (let i = 0; i < 200; i++) {
      const r = await call('GET', `/policy/generation/${jobId}`);
      assert.equal(r.status, 200, r.body);
      if ((r.json.jobDetails as { status: string }).status !== 'IN_PROGRESS') return r.json;
      await new Promise((res) => setTimeout(res, 5));
    }
    throw new Error('the job did not end');
  }

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'policygen-api-'));
    const audit = openAuditStore({ dataDir: dir });
    try {
      audit.trails.create(trail());
      const who = { userIdentity: roleSession('run-1') };
      const workload = [
        ...['a', 'b', 'c'].map((k) => s3Event('PutObject', { bucket: 'data', key: `in/${k}`, ...who })),
        s3Event('GetObject', { bucket: 'data', key: 'in/a', ...who }),
        s3Event('ListObjectsV2', { bucket: 'data', params: { 'list-type': '2', prefix: 'in/' }, ...who }),
      ];
      audit.events.append(recorded(workload, [`${ACCT}/main`]));
    } finally {
      audit.close();
    }
  });
  beforeEach(() => {
    nowMs = T0 + 2 * DAY;
    auditor?.close();
    rmSync(join(dir, 'auditor.sqlite'), { force: true });
    auditor = openAuditorStore(dir);
    adapter = adapterWith({});
  });
  after(() => {
    auditor?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function adapterWith(o: { maxEvents?: number }): ProtocolAdapter {
    return createRestJsonProtocol({
      service: 'access-analyzer',
      operations: policyGenerationOperations({
        store: new PolicyGenerationStore(auditor.db),
        auditDbPath: join(dir, AUDIT_DB_FILE),
        now,
        iam,
        ...o,
      }),
      invalidInput: accessAnalyzerInvalidInput,
      internalErrorCode: 'InternalServerException',
      unknownOperation: () => new ServiceError('ValidationException', 'unknown', 400),
    });
  }

  it('a job reads at most maxEvents events, and then says its policy is not complete', async () => {
    adapter = adapterWith({ maxEvents: 2 });
    const jobId = (await call('PUT', '/policy/generation', start())).json.jobId as string;
    const done = (await ended(jobId)) as { generatedPolicyResult: { properties: { isComplete: boolean } } };
    assert.equal(done.generatedPolicyResult.properties.isComplete, false);
  });

  it('starts a job, answers its id at once, and GetGeneratedPolicy returns the policy the workload needs', async () => {
    const started = await call('PUT', '/policy/generation', { ...start(), clientToken: 'token-1' });
    assert.equal(started.status, 200, started.body);
    const jobId = started.json.jobId as string;
    assert.deepEqual(
      started.checks.map((c) => [c.action, c.resource, c.resourceAccount, c.context]),
      [
        ['access-analyzer:StartPolicyGeneration', '*', undefined, {}],
        ['iam:PassRole', ACCESS_ROLE, ACCT, { 'iam:PassedToService': 'access-analyzer.amazonaws.com' }],
      ],
    );
    const first = await call('GET', `/policy/generation/${jobId}`);
    assert.deepEqual(first.json.jobDetails, { jobId, status: 'IN_PROGRESS', startedOn: now().toISOString() });
    assert.deepEqual(first.json.generatedPolicyResult, { properties: { principalArn: ROLE_ARN } });

    const done = await ended(jobId);
    const details = done.jobDetails as Record<string, unknown>;
    assert.deepEqual([details.status, details.completedOn], ['SUCCEEDED', now().toISOString()]);
    const result = done.generatedPolicyResult as {
      properties: Record<string, unknown>;
      generatedPolicies: { policy: string }[];
    };
    assert.deepEqual(result.properties, {
      isComplete: true,
      principalArn: ROLE_ARN,
      cloudTrailProperties: {
        trailProperties: [{ cloudTrailArn: TRAIL_ARN, allRegions: true }],
        startTime: new Date(T0 - DAY).toISOString(),
        endTime: new Date(T0 + DAY).toISOString(),
      },
    });
    const policies = compileDocuments(result.generatedPolicies.map((p) => p.policy));
    for (const [action, arn] of [
      ['s3:PutObject', 'arn:aws:s3:::data/in/b'],
      ['s3:GetObject', 'arn:aws:s3:::data/in/a'],
      ['s3:ListBucket', 'arn:aws:s3:::data'],
    ] as const) {
      assert.equal(decide(policies, action, arn, WORKER), 'Allow', `${action} ${arn}`);
    }
    assert.notEqual(decide(policies, 's3:GetObject', 'arn:aws:s3:::data/in/b', WORKER), 'Allow');
    assert.notEqual(decide(policies, 's3:DeleteObject', 'arn:aws:s3:::data/in/a', WORKER), 'Allow');

    const flags = await call(
      'GET',
      `/policy/generation/${jobId}`,
      {},
      'includeResourcePlaceholders=true&includeServiceLevelTemplate=false',
    );
    assert.deepEqual(flags.json, done);
    const retried = await call('PUT', '/policy/generation', { ...start(), clientToken: 'token-1' });
    assert.deepEqual([retried.status, retried.json.jobId], [200, jobId], 'the same client token: the same job');
  });

  it('lists jobs newest first, by principal, in pages; cancels a job in progress', async () => {
    const a = (await call('PUT', '/policy/generation', start())).json.jobId as string;
    await ended(a);
    nowMs += 1000;
    const alice = `arn:aws:iam::${ACCT}:user/alice`;
    const b = (await call('PUT', '/policy/generation', start({ principalArn: alice }))).json.jobId as string;
    const canceled = await call('PUT', `/policy/generation/${b}`);
    assert.deepEqual([canceled.status, canceled.json], [200, {}]);
    await new Promise((res) => setTimeout(res, 20));
    assert.equal(
      ((await call('GET', `/policy/generation/${b}`)).json.jobDetails as { status: string }).status,
      'CANCELED',
    );
    assert.equal((await call('PUT', `/policy/generation/${b}`)).status, 200, 'canceling again changes nothing');

    const all = await call('GET', '/policy/generation');
    const jobs = all.json.policyGenerations as { jobId: string; principalArn: string; status: string }[];
    assert.deepEqual(
      jobs.map((j) => j.status),
      ['CANCELED', 'SUCCEEDED'],
    );
    assert.deepEqual(
      all.checks.map((c) => [c.action, c.resource]),
      [['access-analyzer:ListPolicyGenerations', '*']],
    );
    const mine = await call('GET', '/policy/generation', {}, `principalArn=${encodeURIComponent(ROLE_ARN)}`);
    assert.deepEqual(
      (mine.json.policyGenerations as { jobId: string }[]).map((j) => j.jobId),
      [a],
    );
    const page = await call('GET', '/policy/generation', {}, 'maxResults=1');
    assert.deepEqual([(page.json.policyGenerations as unknown[]).length, page.json.nextToken], [1, '1']);
    const next = await call('GET', '/policy/generation', {}, 'maxResults=1&nextToken=1');
    assert.deepEqual(
      (next.json.policyGenerations as { jobId: string }[]).map((j) => j.jobId),
      [a],
    );
  });

  it('one job in progress per account: a second start conflicts', async () => {
    const first = await call('PUT', '/policy/generation', start());
    const second = await call('PUT', '/policy/generation', start());
    assert.deepEqual(
      [second.status, second.errorCode, second.json.resourceId],
      [409, 'ConflictException', first.json.jobId],
    );
    await ended(first.json.jobId as string);
  });

  it('a trail that does not exist fails the job with RESOURCE_NOT_FOUND_ERROR', async () => {
    const missing = `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/missing`;
    const r = await call('PUT', '/policy/generation', start({ details: { trails: [{ cloudTrailArn: missing }] } }));
    assert.equal(r.status, 200, r.body);
    const done = await ended(r.json.jobId as string);
    const details = done.jobDetails as { status: string; jobError: { code: string } };
    assert.deepEqual([details.status, details.jobError.code], ['FAILED', 'RESOURCE_NOT_FOUND_ERROR']);
  });

  it('refuses what the model or the rules do not allow, before any job starts', async () => {
    const other = '444455556666';
    const cases: [string, Record<string, unknown>, string][] = [
      [
        'principal of another account',
        start({ principalArn: `arn:aws:iam::${other}:role/worker` }),
        'ValidationException',
      ],
      ['principal not a user or role', start({ principalArn: `arn:aws:iam::${ACCT}:group/g` }), 'ValidationException'],
      ['over 90 days', start({ details: { startTime: new Date(T0 - 91 * DAY).toISOString() } }), 'ValidationException'],
      [
        'start after end',
        start({ details: { startTime: new Date(T0 + 2 * DAY).toISOString() } }),
        'ValidationException',
      ],
      ['no trails', start({ details: { trails: [] } }), 'ValidationException'],
      ['a bad trail ARN', start({ details: { trails: [{ cloudTrailArn: 'arn:aws:s3:::b' }] } }), 'ValidationException'],
      [
        "another account's trail",
        start({ details: { trails: [{ cloudTrailArn: `arn:aws:cloudtrail:us-east-1:${other}:trail/t` }] } }),
        'ValidationException',
      ],
      [
        'access role of another account',
        start({ details: { accessRole: `arn:aws:iam::${other}:role/r` } }),
        'ValidationException',
      ],
      [
        'access role that does not exist',
        start({ details: { accessRole: `arn:aws:iam::${ACCT}:role/none` } }),
        'ValidationException',
      ],
      ['not ISO 8601', start({ details: { startTime: 'yesterday' } }), 'SerializationException'],
      ['no cloudTrailDetails', { policyGenerationDetails: { principalArn: ROLE_ARN } }, 'ValidationException'],
      ['no policyGenerationDetails', { cloudTrailDetails: start().cloudTrailDetails }, 'ValidationException'],
    ];
    for (const [what, input, code] of cases) {
      const r = await call('PUT', '/policy/generation', input);
      assert.deepEqual([r.status, r.errorCode], [400, code], `${what}: ${r.body}`);
    }
    assert.deepEqual((await call('GET', '/policy/generation')).json.policyGenerations, []);
  });

  it('an unknown job id is a ValidationException; a bad query boolean a SerializationException', async () => {
    for (const method of ['GET', 'PUT']) {
      const r = await call(method, '/policy/generation/no-such-job');
      assert.deepEqual([r.status, r.errorCode, r.json.reason], [400, 'ValidationException', 'fieldValidationFailed']);
    }
    const bad = await call('GET', '/policy/generation/x', {}, 'includeResourcePlaceholders=yes');
    assert.deepEqual([bad.status, bad.errorCode], [400, 'SerializationException']);
  });
});
