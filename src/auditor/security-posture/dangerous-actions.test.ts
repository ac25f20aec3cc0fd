import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DANGEROUS_ACTIONS, ESCALATION_METHODS, scopeResource } from './dangerous-actions.js';
import { dangerousGrants, servedHere } from './dangerous-permission.js';
import type { AllowedAction } from './effective-permissions.js';

const allowed = (actions: readonly string[], options: { always?: boolean } = {}): AllowedAction[] =>
  actions.map((action) => ({
    action,
    always: options.always ?? true,
    statements: [{ policyId: 'p', index: 0, sid: undefined }],
  }));

describe('the dangerous-action catalogue', () => {
  it('checks every action of every escalation method, each once', () => {
    const checked = DANGEROUS_ACTIONS.map((d) => d.action);
    assert.equal(new Set(checked).size, checked.length);
    for (const m of ESCALATION_METHODS)
      for (const a of m.actions) assert.ok(checked.includes(a), `${a} (method ${m.method})`);
    for (const d of DANGEROUS_ACTIONS) for (const x of d.implies ?? []) assert.ok(checked.includes(x), x);
  });

  it("numbers Rhino Security Labs' 21 methods in order", () => {
    assert.deepEqual(
      ESCALATION_METHODS.map((m) => m.method),
      Array.from({ length: 21 }, (_, i) => i + 1),
    );
  });

  it('asks about resources named by a literal wildcard', () => {
    assert.equal(scopeResource('any', '123456789012'), '*');
    assert.equal(scopeResource('object', '123456789012'), 'arn:aws:s3:::*/*');
    assert.equal(scopeResource('iam-role', '123456789012'), 'arn:aws:iam::123456789012:role/*');
  });
});

describe('dangerousGrants', () => {
  it('finds nothing in partner actions alone', () => {
    assert.equal(dangerousGrants(DANGEROUS_ACTIONS, allowed(['sts:AssumeRole', 'ec2:RunInstances'])), undefined);
  });

  it('reports a completed method with all its actions, as CRITICAL', () => {
    const g = dangerousGrants(DANGEROUS_ACTIONS, allowed(['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole']))!;
    assert.deepEqual(g.actions, ['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole']);
    assert.deepEqual(
      g.methods.map((m) => m.method),
      [14],
    );
    assert.equal(g.severity, 'CRITICAL');
  });

  it('ranks a method through services Strongbox does not serve HIGH', () => {
    const g = dangerousGrants(DANGEROUS_ACTIONS, allowed(['lambda:UpdateFunctionCode']))!;
    assert.deepEqual(
      g.methods.map((m) => [m.method, servedHere(m)]),
      [[17, false]],
    );
    assert.equal(g.severity, 'HIGH');
  });

  it('lowers the severity of what holds only under a condition', () => {
    const g = dangerousGrants(DANGEROUS_ACTIONS, allowed(['s3:PutBucketPolicy'], { always: false }))!;
    assert.equal(g.severity, 'MEDIUM');
    assert.deepEqual(g.onlyWithCondition, ['s3:PutBucketPolicy']);
  });

  it('counts *:* only with iam:* and s3:* whole (a NotAction that leaves IAM out is not administrator)', () => {
    const g = dangerousGrants(DANGEROUS_ACTIONS, allowed(['*:*', 's3:*']))!;
    assert.deepEqual(g.actions, ['s3:*']);
    assert.equal(g.severity, 'HIGH');
    assert.deepEqual(dangerousGrants(DANGEROUS_ACTIONS, allowed(['*:*', 's3:*', 'iam:*']))!.actions, [
      '*:*',
      'iam:*',
      's3:*',
    ]);
  });

  it('cites each granting statement once', () => {
    const g = dangerousGrants(DANGEROUS_ACTIONS, allowed(['s3:*', 's3:PutBucketAcl']))!;
    assert.deepEqual(g.statements, [{ policyId: 'p', index: 0, sid: undefined }]);
  });
});
