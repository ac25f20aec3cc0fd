import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accessDeniedMessage, GENERIC_ACCESS_DENIED } from './access-denied-message.js';
import type { AuthorizationResult, RequestPrincipal } from './authorization-types.js';

const alice: RequestPrincipal = { kind: 'User', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' };
const msg = (result: Pick<AuthorizationResult, 'decision' | 'decidedBy' | 'crossAccount'>, principal = alice, detailed?: boolean) =>
  accessDeniedMessage({ principal, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', result, detailed });
const head = 'User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k"';

describe('accessDeniedMessage', () => {
  it('names the policy type of an implicit deny', () => {
    const cases: [AuthorizationResult['decidedBy'], string][] = [
      ['identity', 'because no identity-based policy allows the s3:GetObject action'],
      ['resource', 'because no resource-based policy allows the s3:GetObject action'],
      ['boundary', 'because no permissions boundary allows the s3:GetObject action'],
      ['session', 'because no session policy allows the s3:GetObject action'],
      ['scp', 'because no service control policy allows the s3:GetObject action'],
    ];
    for (const [type, tail] of cases) assert.equal(msg({ decision: 'ImplicitDeny', decidedBy: type, crossAccount: false }), `${head} ${tail}`);
  });

  it('names the policy type of an explicit deny', () => {
    const cases: [AuthorizationResult['decidedBy'], string][] = [
      ['identity', 'with an explicit deny in an identity-based policy'],
      ['resource', 'with an explicit deny in a resource-based policy'],
      ['boundary', 'with an explicit deny in a permissions boundary'],
      ['session', 'with an explicit deny in a session policy'],
      ['scp', 'with an explicit deny in a service control policy'],
    ];
    for (const [type, tail] of cases) assert.equal(msg({ decision: 'ExplicitDeny', decidedBy: type, crossAccount: false }), `${head} ${tail}`);
  });

  it('says anonymous for anonymous requests', () => {
    assert.equal(
      msg({ decision: 'ImplicitDeny', decidedBy: 'resource', crossAccount: true }, { kind: 'Anonymous' }),
      'User: anonymous is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" because no resource-based policy allows the s3:GetObject action',
    );
  });

  it('gives the bare message across accounts unless asked for detail', () => {
    assert.equal(msg({ decision: 'ImplicitDeny', decidedBy: 'resource', crossAccount: true }), GENERIC_ACCESS_DENIED);
    assert.match(msg({ decision: 'ImplicitDeny', decidedBy: 'resource', crossAccount: true }, alice, true) ?? '', /because no resource-based policy/);
  });

  it('has no message for Allow', () => {
    assert.equal(msg({ decision: 'Allow', decidedBy: 'identity', crossAccount: false }), undefined);
  });
});
