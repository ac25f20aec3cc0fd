import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AUDIT_DB_FILE, openAuditStore } from '../../audit/sqlite-audit-store.js';
import { recorded } from '../../audit/testing/recorded-events.js';
import { generatePolicyFromTrail, PolicyGenerationError, type PolicyGenerationInput } from './policy-generation.js';
import {
  ACCT,
  ROLE_ARN,
  T0,
  compileDocuments,
  ctEvent,
  decide,
  resource,
  roleSession,
  s3Event,
  TRAIL_ARN,
  trail,
  WORKER,
} from './policy-generation-test-support.js';

const KEY = `arn:aws:kms:us-east-1:${ACCT}:key/k1`;
const OTHER_ROLE = `arn:aws:iam::${ACCT}:role/target`;
/**
 * A recorded workload of the role `worker`: it reads 15 inputs under `in/`, writes one report, lists the
 * bucket, decrypts with a KMS key, assumes another role, and once tries (and is refused) to delete.
 */
function recordWorkload(dataDir: string): void {
  const store = openAuditStore({ dataDir });
  try {
    store.trails.create(trail());
    const who = { userIdentity: roleSession('run-1') };
    const data = [
      ...Array.from({ length: 15 }, (_, i) => s3Event('GetObject', { bucket: 'data', key: `in/${i}`, ...who })),
      s3Event('PutObject', { bucket: 'data', key: 'out/report.csv', ...who }),
      s3Event('ListObjectsV2', { bucket: 'data', params: { 'list-type': '2', prefix: 'in/' }, ...who }),
      s3Event('DeleteObject', { bucket: 'data', key: 'in/0', errorCode: 'AccessDenied', ...who }),
      s3Event('GetObject', { bucket: 'secret', key: 'k' }), // alice, not the role
    ];
    const management = [
      ctEvent({
        eventSource: 'kms.amazonaws.com',
        eventName: 'Decrypt',
        resources: [resource(KEY, 'AWS::KMS::Key')],
        ...who,
      }),
      ctEvent({
        eventSource: 'sts.amazonaws.com',
        eventName: 'AssumeRole',
        requestParameters: { roleArn: OTHER_ROLE, roleSessionName: 's' },
        resources: [resource(OTHER_ROLE, 'AWS::IAM::Role')],
        ...who,
      }),
      ctEvent({ eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity', ...who }),
      ctEvent({ eventName: 'DeleteRole', resources: [resource(OTHER_ROLE, 'AWS::IAM::Role')] }), // alice
    ];
    store.events.append(recorded(data, [`${ACCT}/main`]));
    store.events.append(recorded(management));
  } finally {
    store.close();
  }
}

function withWorkload(run: (input: PolicyGenerationInput) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'policygen-e2e-'));
  try {
    recordWorkload(dir);
    run({
      auditDbPath: join(dir, AUDIT_DB_FILE),
      principalArn: ROLE_ARN,
      trails: [{ cloudTrailArn: TRAIL_ARN }],
      startTime: new Date(T0 - 86_400_000),
      endTime: new Date(T0 + 86_400_000),
      maxEvents: 10_000,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('policy generation from the audit trail', { timeout: 10_000 }, () => {
  it('yields a policy under which the workload runs, and nothing more', () => {
    withWorkload((input) => {
      const result = generatePolicyFromTrail(input);
      assert.equal(result.properties.isComplete, true);
      const policies = compileDocuments(result.generatedPolicies.map((p) => p.policy));
      const replay: [string, string][] = [
        ...Array.from({ length: 15 }, (_, i): [string, string] => ['s3:GetObject', `arn:aws:s3:::data/in/${i}`]),
        ['s3:PutObject', 'arn:aws:s3:::data/out/report.csv'],
        ['s3:ListBucket', 'arn:aws:s3:::data'],
        ['kms:Decrypt', KEY],
        ['sts:AssumeRole', OTHER_ROLE],
      ];
      for (const [action, arn] of replay)
        assert.equal(decide(policies, action, arn, WORKER), 'Allow', `${action} ${arn}`);
      const outside: [string, string][] = [
        ['s3:DeleteObject', 'arn:aws:s3:::data/in/0'], // refused when recorded: not granted
        ['s3:GetObject', 'arn:aws:s3:::data/out/report.csv'],
        ['s3:PutObject', 'arn:aws:s3:::data/in/0'],
        ['s3:GetObject', 'arn:aws:s3:::secret/k'], // alice's
        ['iam:DeleteRole', OTHER_ROLE],
        ['kms:Encrypt', KEY],
        ['s3:ListAllMyBuckets', '*'],
      ];
      for (const [action, arn] of outside)
        assert.equal(decide(policies, action, arn, WORKER), 'ImplicitDeny', `${action} ${arn}`);
      const text = result.generatedPolicies.map((p) => p.policy).join('\n');
      assert.match(text, /"arn:aws:s3:::data\/in\/\*"/, '15 inputs under in/ collapse to in/*');
    });
  });

  it('reports the trails and period read, and whether the scan was complete', () => {
    withWorkload((input) => {
      const regions = generatePolicyFromTrail({
        ...input,
        trails: [{ cloudTrailArn: TRAIL_ARN, regions: ['us-east-1'] }],
      });
      assert.deepEqual(regions.properties.cloudTrailProperties, {
        trailProperties: [{ cloudTrailArn: TRAIL_ARN, regions: ['us-east-1'], allRegions: false }],
        startTime: input.startTime,
        endTime: input.endTime,
      });
      const all = generatePolicyFromTrail(input);
      assert.deepEqual(all.properties.cloudTrailProperties.trailProperties, [
        { cloudTrailArn: TRAIL_ARN, allRegions: true },
      ]);
      assert.equal(all.properties.principalArn, ROLE_ARN);
      assert.equal(generatePolicyFromTrail({ ...input, maxEvents: 2 }).properties.isComplete, false);
      const quiet = generatePolicyFromTrail({ ...input, principalArn: `arn:aws:iam::${ACCT}:user/nobody` });
      assert.deepEqual(quiet.generatedPolicies, []);
    });
  });

  it('refuses a reversed period and one longer than 90 days', () => {
    withWorkload((input) => {
      const code = (i: PolicyGenerationInput) => {
        try {
          generatePolicyFromTrail(i);
          return 'none';
        } catch (e) {
          return e instanceof PolicyGenerationError ? e.code : String(e);
        }
      };
      assert.equal(code({ ...input, startTime: input.endTime, endTime: input.startTime }), 'InvalidTimeRange');
      assert.equal(
        code({ ...input, startTime: new Date(T0 - 91 * 86_400_000), endTime: new Date(T0) }),
        'InvalidTimeRange',
      );
      assert.equal(code({ ...input, startTime: new Date(T0 - 90 * 86_400_000), endTime: new Date(T0) }), 'none');
    });
  });
});
