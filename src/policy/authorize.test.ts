import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authorize } from './authorize.js';
import { parseAndCompilePolicy } from './parse-policy.js';
import type { CompiledPolicy, PolicyKind, RequestPrincipal } from './index.js';

const alice: RequestPrincipal = { kind: 'User', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', userId: 'AIDAALICE', username: 'alice' };

function compile(doc: object, kind: PolicyKind, id: string): CompiledPolicy {
  const r = parseAndCompilePolicy(JSON.stringify(doc, null, 2), { kind, id });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.policy;
}

const identity = compile(
  {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
      { Sid: 'NoSecrets', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::b/secret/*', Condition: { StringEquals: { 'aws:RequestTag/env': 'prod' } } },
    ],
  },
  'identity',
  'arn:aws:iam::111122223333:policy/reader',
);
const bucket = compile(
  {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Everyone', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/public/*' }],
  },
  'resource',
  'bucket-policy:b',
);

describe('authorize() result', () => {
  it('explains an Allow with the granting statements, their policy and source position', () => {
    const r = authorize({ principal: alice, action: 's3:GetObject', resource: 'arn:aws:s3:::b/x', resourceAccount: '111122223333', policies: { identity: [identity] } });
    assert.equal(r.decision, 'Allow');
    assert.deepEqual(r.matchedStatements, [
      {
        policyType: 'identity',
        policyId: 'arn:aws:iam::111122223333:policy/reader',
        statementIndex: 0,
        sid: 'Read',
        effect: 'Allow',
        span: { start: { line: 4, column: 5 }, end: { line: 9, column: 5 } },
      },
    ]);
    assert.deepEqual(r.byType, { identity: 'Allow', resource: 'NotApplicable', boundary: 'NotApplicable', session: 'NotApplicable', scp: 'NotApplicable', rcp: 'NotApplicable', acl: 'NotApplicable' });
  });

  it('lists every applying Deny and reports missing context keys', () => {
    const r = authorize({
      principal: alice,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/secret/x',
      resourceAccount: '111122223333',
      context: { 'aws:RequestTag/env': 'prod' },
      policies: { identity: [identity] },
    });
    assert.equal(r.decision, 'ExplicitDeny');
    assert.deepEqual(r.matchedStatements.map((m) => m.sid), ['NoSecrets']);
    assert.deepEqual(r.trace.map((m) => m.sid), ['NoSecrets', 'Read']);
    const missing = authorize({ principal: alice, action: 's3:GetObject', resource: 'arn:aws:s3:::b/secret/x', policies: { identity: [identity] } });
    assert.equal(missing.decision, 'Allow');
    assert.deepEqual(missing.missingContextKeys, ['aws:RequestTag/env']);
  });

  it('serialises its lazily computed parts', () => {
    const r = authorize({ principal: { kind: 'Anonymous' }, action: 's3:GetObject', resource: 'arn:aws:s3:::b/public/p.png', resourceAccount: '111122223333', policies: { resourcePolicy: bucket } });
    const json = JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
    assert.equal(json.decision, 'Allow');
    assert.equal(json.decidedBy, 'resource');
    assert.deepEqual((json.matchedStatements as { sid: string }[]).map((m) => m.sid), ['Everyone']);
    assert.equal((json.byType as Record<string, string>).resource, 'Allow');
    assert.equal(json.crossAccount, true);
  });

  it('never mutates the compiled policies it is given', () => {
    assert.ok(Object.isFrozen(identity));
    assert.ok(Object.isFrozen(identity.statements));
    assert.ok(identity.statements.every((s) => Object.isFrozen(s)));
  });
});
