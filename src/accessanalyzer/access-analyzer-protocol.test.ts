import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RootCaller } from '../identity/caller.js';
import { callJson } from '../json-protocol/test-client.js';
import { createAccessAnalyzerProtocol } from './access-analyzer-protocol.js';

const root: RootCaller = {
  kind: 'Root',
  accountId: '111122223333',
  arn: 'arn:aws:iam::111122223333:root',
  accessKeyId: 'AKIAEXAMPLE',
};
const adapter = createAccessAnalyzerProtocol();
const call = (path: string, input: Record<string, unknown>, rawQuery = '') =>
  callJson(adapter, root, '', input, { rawPath: path, rawQuery });
const doc = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

test('each operation is routed by method and URI and authorized as access-analyzer:<Operation> on *', async () => {
  const policy = doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }]);
  const cases: [string, Record<string, unknown>, string][] = [
    ['/policy/validation', { policyDocument: policy, policyType: 'IDENTITY_POLICY' }, 'ValidatePolicy'],
    [
      '/policy/check-no-new-access',
      { newPolicyDocument: policy, existingPolicyDocument: policy, policyType: 'IDENTITY_POLICY' },
      'CheckNoNewAccess',
    ],
    [
      '/policy/check-access-not-granted',
      { policyDocument: policy, access: [{ actions: ['s3:PutObject'] }], policyType: 'IDENTITY_POLICY' },
      'CheckAccessNotGranted',
    ],
    [
      '/policy/check-no-public-access',
      {
        policyDocument: doc([
          { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
        ]),
        resourceType: 'AWS::S3::Bucket',
      },
      'CheckNoPublicAccess',
    ],
  ];
  for (const [path, input, op] of cases) {
    const r = await call(path, input);
    assert.equal(r.status, 200, `${op}: ${r.body}`);
    assert.deepEqual(
      r.checks.map((c) => [c.action, c.resource]),
      [[`access-analyzer:${op}`, '*']],
    );
    if (op !== 'ValidatePolicy') assert.equal(r.json.result, 'PASS', op);
  }
});

test('a custom check refuses a document over 32 KiB before reasoning over it', async () => {
  const huge = doc(
    Array.from({ length: 600 }, (_, i) => ({
      Effect: 'Allow',
      Action: `s3:GetObject`,
      Resource: `arn:aws:s3:::bucket-${i}/*`,
    })),
  );
  assert.ok(huge.length > 32 * 1024);
  const r = await call('/policy/check-no-new-access', {
    newPolicyDocument: huge,
    existingPolicyDocument: doc([]),
    policyType: 'IDENTITY_POLICY',
  });
  assert.deepEqual([r.status, r.errorCode, r.json.reason], [400, 'ValidationException', 'fieldValidationFailed']);
});

test('validation errors: a bad enum, a bad page token, an unknown route', async () => {
  const policy = doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
  const badEnum = await call('/policy/validation', { policyDocument: policy, policyType: 'NOPE' });
  assert.deepEqual([badEnum.status, badEnum.errorCode], [400, 'ValidationException']);
  const badToken = await call(
    '/policy/validation',
    { policyDocument: policy, policyType: 'IDENTITY_POLICY' },
    'nextToken=abc',
  );
  assert.deepEqual([badToken.status, badToken.errorCode], [400, 'ValidationException']);
  const unknown = await call('/analyzer/nope/frobnicate', {});
  assert.deepEqual(
    [unknown.status, unknown.errorCode, unknown.json.reason],
    [400, 'ValidationException', 'unknownOperation'],
  );
});
