import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generatePolicyDocuments, generatedPolicyResult, grantsOf } from './generate-policy.js';
import { ACCT, USER_ARN } from './policy-generation-test-support.js';

const KEY = `arn:aws:kms:us-east-1:${ACCT}:key/k1`;

describe('generate policy', { timeout: 10_000 }, () => {
  it('groups actions by service and resource set, sorted, each action on the resources it used', () => {
    const grants = grantsOf([
      { action: 's3:PutObject', resource: 'arn:aws:s3:::b/k' },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' },
      { action: 's3:ListBucket', resource: 'arn:aws:s3:::b' },
      { action: 'kms:Decrypt', resource: KEY },
      { action: 'kms:GenerateDataKey', resource: KEY },
      { action: 's3:ListAllMyBuckets', resource: '*' },
      { action: 'iam:GetUser', resource: '*' },
      { action: 'iam:GetUser', resource: `arn:aws:iam::${ACCT}:user/bob` },
    ]);
    assert.deepEqual(grants, [
      { actions: ['iam:GetUser'], resources: ['*'] },
      { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [KEY] },
      { actions: ['s3:GetObject', 's3:PutObject'], resources: ['arn:aws:s3:::b/k'] },
      { actions: ['s3:ListAllMyBuckets'], resources: ['*'] },
      { actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::b'] },
    ]);
  });

  it('treats actions case-insensitively, keeping the first spelling', () => {
    const grants = grantsOf([
      { action: 's3:GetObject', resource: 'arn:aws:s3:::b/1' },
      { action: 'S3:getobject', resource: 'arn:aws:s3:::b/2' },
    ]);
    assert.deepEqual(grants, [{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/1', 'arn:aws:s3:::b/2'] }]);
  });

  it('gives the same text for the same activity in any order', () => {
    const a = [
      { action: 's3:GetObject', resource: 'arn:aws:s3:::b/1' },
      { action: 'iam:GetUser', resource: '*' },
      { action: 's3:PutObject', resource: 'arn:aws:s3:::c/2' },
    ];
    assert.deepEqual(generatePolicyDocuments(a), generatePolicyDocuments([...a].reverse()));
    assert.deepEqual(generatePolicyDocuments([]), []);
  });

  it('is shaped as GetGeneratedPolicy generatedPolicyResult', () => {
    const properties = {
      isComplete: true,
      principalArn: USER_ARN,
      cloudTrailProperties: {
        trailProperties: [{ cloudTrailArn: `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/main`, allRegions: true }],
        startTime: new Date(0),
        endTime: new Date(1000),
      },
    };
    const result = generatedPolicyResult({ accesses: [{ action: 'iam:GetUser', resource: '*' }], properties });
    assert.deepEqual(result, {
      properties,
      generatedPolicies: [
        {
          policy:
            '{"Version":"2012-10-17","Statement":[' +
            '{"Sid":"SupportedServiceSid0","Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}',
        },
      ],
    });
  });
});
