import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { policySize } from '../../policy/size-limits.js';
import type { ObservedAccess } from './event-resources.js';
import { generatePolicyDocuments } from './generate-policy.js';
import { MANAGED_POLICY_MAX_CHARS } from './policy-documents.js';
import { ACCT, compileDocuments, decide } from './policy-generation-test-support.js';

/**
 * Soundness and least privilege against the real engine (src/policy/authorize.ts): every observed
 * (action, resource) pair is allowed by the generated documents, an action never observed is denied on
 * every resource, and an observed action is denied in a bucket it was never used in.
 */

const RUNS = { numRuns: 150 };

const OBJECT_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:GetObjectVersion'];
const BUCKET_ACTIONS = ['s3:ListBucket', 's3:GetBucketPolicy'];
const UNSCOPED_ACTIONS = ['s3:ListAllMyBuckets', 'sts:GetAccessKeyInfo'];
const NEVER_OBSERVED = [
  's3:DeleteBucket',
  's3:PutBucketPolicy',
  'iam:DeleteUser',
  'kms:Encrypt',
  's3:GetObjectAcl',
  'sts:AssumeRole',
];

const bucket = fc.constantFrom('b1', 'b2', 'logs.example');
const segment = fc.constantFrom('a', 'b', 'logs', '2026', 'x*', 'q?', '$', '${aws:username}', '');
const key = fc
  .tuple(
    fc.array(segment, { maxLength: 3 }),
    fc.oneof(fc.constantFrom('k', 'part', '*', 'a?b'), fc.string({ maxLength: 6 })),
  )
  .map(([folders, leaf]) => [...folders, leaf].join('/'));

const access: fc.Arbitrary<ObservedAccess> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      action: fc.constantFrom(...OBJECT_ACTIONS),
      resource: fc.tuple(bucket, key).map(([b, k]) => `arn:aws:s3:::${b}/${k}`),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      action: fc.constantFrom(...BUCKET_ACTIONS),
      resource: bucket.map((b) => `arn:aws:s3:::${b}`),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      action: fc.constantFrom('iam:GetUser', 'iam:CreateUser'),
      resource: fc.constantFrom('alice', 'bob', 'dev/carol').map((u) => `arn:aws:iam::${ACCT}:user/${u}`),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      action: fc.constant('kms:Decrypt'),
      resource: fc.constant(`arn:aws:kms:us-east-1:${ACCT}:key/k1`),
    }),
  },
  { weight: 1, arbitrary: fc.record({ action: fc.constantFrom(...UNSCOPED_ACTIONS), resource: fc.constant('*') }) },
);

/** Many keys of one action in one folder: what makes the resources collapse into `folder/*`. */
const burst: fc.Arbitrary<ObservedAccess[]> = fc
  .tuple(fc.constantFrom(...OBJECT_ACTIONS), bucket, key, fc.integer({ min: 0, max: 25 }))
  .map(([action, b, folder, count]) =>
    Array.from({ length: count }, (_, i) => ({ action, resource: `arn:aws:s3:::${b}/${folder}/f${i}` })),
  );

const activity = fc.tuple(fc.array(access, { maxLength: 60 }), burst).map(([some, many]) => [...some, ...many]);

describe('generated policies against the policy engine', { timeout: 10_000 }, () => {
  it('allow every observed access, within the managed policy quota', () => {
    fc.assert(
      fc.property(activity, (accesses) => {
        const documents = generatePolicyDocuments(accesses);
        for (const d of documents) assert.ok(policySize(d) <= MANAGED_POLICY_MAX_CHARS);
        const policies = compileDocuments(documents);
        for (const a of accesses)
          assert.equal(decide(policies, a.action, a.resource), 'Allow', `${a.action} on ${a.resource}`);
      }),
      RUNS,
    );
  });

  it('deny an action never observed, and an observed action in a bucket it never used', () => {
    fc.assert(
      fc.property(activity, fc.constantFrom(...NEVER_OBSERVED), (accesses, other) => {
        const policies = compileDocuments(generatePolicyDocuments(accesses));
        for (const a of accesses)
          assert.equal(decide(policies, other, a.resource), 'ImplicitDeny', `${other} on ${a.resource}`);
        assert.equal(decide(policies, other, '*'), 'ImplicitDeny');
        for (const a of accesses) {
          if (a.resource === '*') continue;
          assert.equal(decide(policies, a.action, 'arn:aws:s3:::never-used/k'), 'ImplicitDeny', a.action);
        }
      }),
      RUNS,
    );
  });
});
