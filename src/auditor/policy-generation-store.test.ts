import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { GeneratedPolicyResult } from './policy-generation/policy-generation.js';
import { PolicyGenerationStore, type AdmissionLimits, type PolicyGenerationJob } from './policy-generation-store.js';
import { openAuditorStore } from './sqlite-auditor-store.js';

const ACCT = '111122223333';
const T0 = Date.parse('2026-03-01T10:00:00Z');
const LIMITS: AdmissionLimits = { maxInProgress: 1, maxPerDay: 3 };
const ROLE = `arn:aws:iam::${ACCT}:role/worker`;

function job(id: string, o: { at?: number; principalArn?: string; clientToken?: string; accountId?: string } = {}) {
  const principalArn = o.principalArn ?? ROLE;
  return {
    jobId: id,
    accountId: o.accountId ?? ACCT,
    principalArn,
    status: 'IN_PROGRESS',
    startedOn: new Date(o.at ?? T0),
    request: {
      principalArn,
      trails: [{ cloudTrailArn: `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/main`, allRegions: true }],
      accessRole: `arn:aws:iam::${ACCT}:role/service-role/AccessAnalyzerMonitorServiceRole`,
      startTime: new Date(T0 - 86_400_000),
      endTime: new Date(T0),
      ...(o.clientToken !== undefined ? { clientToken: o.clientToken } : {}),
    },
  } satisfies PolicyGenerationJob;
}

const RESULT: GeneratedPolicyResult = {
  properties: {
    isComplete: true,
    principalArn: ROLE,
    cloudTrailProperties: {
      trailProperties: [{ cloudTrailArn: `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/main`, allRegions: true }],
      startTime: new Date(T0 - 86_400_000),
      endTime: new Date(T0),
    },
  },
  generatedPolicies: [{ policy: '{"Version":"2012-10-17","Statement":[]}' }],
};

function withStore(run: (store: PolicyGenerationStore) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'policygen-store-'));
  const auditor = openAuditorStore(dir);
  try {
    run(new PolicyGenerationStore(auditor.db));
  } finally {
    auditor.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('PolicyGenerationStore', () => {
  it('inserts a job IN_PROGRESS and reads it back by account and id, dates included', () => {
    withStore((store) => {
      const outcome = store.insert(job('j1'), LIMITS);
      assert.equal(outcome.kind, 'Started');
      assert.deepEqual(store.get(ACCT, 'j1'), job('j1'));
      assert.equal(store.get('444455556666', 'j1'), undefined, "another account's job is not found");
      assert.equal(store.get(ACCT, 'nope'), undefined);
    });
  });

  it('admits one job IN_PROGRESS per account: the next conflicts until the first ends', () => {
    withStore((store) => {
      store.insert(job('j1'), LIMITS);
      const second = store.insert(job('j2', { at: T0 + 1, principalArn: `arn:aws:iam::${ACCT}:user/alice` }), LIMITS);
      assert.equal(second.kind, 'Conflict');
      assert.equal(second.kind === 'Conflict' && second.inProgress.jobId, 'j1');
      assert.equal(store.insert(job('x1', { accountId: '444455556666' }), LIMITS).kind, 'Started');
      assert.equal(store.complete(job('j1'), { status: 'SUCCEEDED', result: RESULT }, new Date(T0 + 5)), true);
      assert.equal(store.insert(job('j2', { at: T0 + 10 }), LIMITS).kind, 'Started');
    });
  });

  it('a repeated client token returns the job it started; the day quota counts every job, canceled too', () => {
    withStore((store) => {
      store.insert(job('j1', { clientToken: 'tok' }), LIMITS);
      const again = store.insert(job('j9', { at: T0 + 1, clientToken: 'tok' }), LIMITS);
      assert.deepEqual([again.kind, again.kind === 'Repeated' && again.job.jobId], ['Repeated', 'j1']);
      assert.equal(store.cancel(ACCT, 'j1', new Date(T0 + 2)), 'Canceled');
      store.insert(job('j2', { at: T0 + 3 }), LIMITS);
      store.cancel(ACCT, 'j2', new Date(T0 + 4));
      store.insert(job('j3', { at: T0 + 5 }), LIMITS);
      store.cancel(ACCT, 'j3', new Date(T0 + 6));
      assert.equal(store.insert(job('j4', { at: T0 + 7 }), LIMITS).kind, 'QuotaExceeded');
      assert.equal(store.insert(job('j4', { at: T0 + 86_400_001 }), LIMITS).kind, 'Started', 'a day later');
    });
  });

  it('lists newest first, filtered by principal, without reading results', () => {
    withStore((store) => {
      const alice = `arn:aws:iam::${ACCT}:user/alice`;
      for (const [id, at, principalArn] of [
        ['a', T0, ROLE],
        ['b', T0 + 10, alice],
        ['c', T0 + 20, ROLE],
      ] as const) {
        store.insert(job(id, { at, principalArn }), LIMITS);
        store.complete(job(id, { at, principalArn }), { status: 'SUCCEEDED', result: RESULT }, new Date(at + 1));
      }
      assert.deepEqual(
        store.list(ACCT).map((j) => j.jobId),
        ['c', 'b', 'a'],
      );
      assert.deepEqual(
        store.list(ACCT, ROLE).map((j) => j.jobId),
        ['c', 'a'],
      );
      assert.deepEqual(store.list(ACCT, ROLE)[0], {
        jobId: 'c',
        accountId: ACCT,
        principalArn: ROLE,
        status: 'SUCCEEDED',
        startedOn: new Date(T0 + 20),
        completedOn: new Date(T0 + 21),
      });
      assert.deepEqual(store.list('444455556666'), []);
    });
  });

  it('records a result or a job error once, and never over a canceled job', () => {
    withStore((store) => {
      store.insert(job('j1'), LIMITS);
      assert.equal(store.complete(job('j1'), { status: 'SUCCEEDED', result: RESULT }, new Date(T0 + 1)), true);
      assert.deepEqual(store.get(ACCT, 'j1')?.result, RESULT);
      assert.equal(store.get(ACCT, 'j1')?.status, 'SUCCEEDED');
      const error = { code: 'SERVICE_ERROR', message: 'x' } as const;
      assert.equal(store.complete(job('j1'), { status: 'FAILED', jobError: error }, new Date(T0 + 2)), false);

      store.insert(job('j2', { at: T0 + 3 }), LIMITS);
      assert.equal(store.cancel(ACCT, 'j2', new Date(T0 + 4)), 'Canceled');
      assert.equal(store.complete(job('j2'), { status: 'SUCCEEDED', result: RESULT }, new Date(T0 + 5)), false);
      const canceled = store.get(ACCT, 'j2');
      assert.deepEqual(
        [canceled?.status, canceled?.completedOn, canceled?.result],
        ['CANCELED', new Date(T0 + 4), undefined],
      );
      assert.equal(store.cancel(ACCT, 'j2', new Date(T0 + 6)), 'Finished');
      assert.equal(store.cancel(ACCT, 'j1', new Date(T0 + 6)), 'Finished');
      assert.equal(store.cancel(ACCT, 'nope', new Date(T0 + 6)), 'NotFound');
    });
  });

  it('fails the jobs left IN_PROGRESS by a process that stopped', () => {
    withStore((store) => {
      store.insert(job('old'), LIMITS);
      const jobError = { code: 'SERVICE_ERROR', message: 'interrupted' } as const;
      const before = (ms: number) => ({ startedBefore: new Date(ms), at: new Date(T0 + 100), jobError });
      assert.equal(store.failStale(ACCT, before(T0)), 0, 'not yet stale');
      assert.equal(store.failStale(ACCT, before(T0 + 1)), 1);
      const old = store.get(ACCT, 'old');
      assert.deepEqual([old?.status, old?.jobError, old?.completedOn], ['FAILED', jobError, new Date(T0 + 100)]);
      assert.equal(store.insert(job('new', { at: T0 + 200 }), LIMITS).kind, 'Started');
    });
  });
});
