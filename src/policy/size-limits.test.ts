import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPolicySize, POLICY_SIZE_LIMITS, policySize } from './size-limits.js';

/** A policy document of exactly `n` counted characters. */
function docOfSize(n: number): string {
  const skeleton = '{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Action":"s3:*","Resource":"*"}]}';
  const pad = n - skeleton.length;
  assert.ok(pad >= 0);
  return skeleton.replace('"Sid":""', `"Sid":"${'A'.repeat(pad)}"`);
}

describe('policy size quotas', () => {
  it('does not count white space outside strings, but does inside them', () => {
    assert.equal(policySize('{ "a" : "b c" }'), '{"a":"b c"}'.length);
    assert.equal(policySize('{\n\t"a":\r\n"\\"x"}'), '{"a":"\\"x"}'.length);
  });

  it('allows a managed policy of 6144 characters and refuses 6145 with LimitExceeded', () => {
    assert.equal(checkPolicySize('Managed', [docOfSize(6144)]), undefined);
    const e = checkPolicySize('Managed', [docOfSize(6145)]);
    assert.equal(e?.code, 'LimitExceeded');
    assert.equal(e?.httpStatus, 409);
    assert.equal(e?.message, 'Cannot exceed quota for PolicySize: 6144');
  });

  it('sums the inline policies of a user, group or role', () => {
    const half = docOfSize(1024);
    assert.equal(checkPolicySize('UserInline', [half, half], 'alice'), undefined);
    const e = checkPolicySize('UserInline', [half, half, docOfSize(200)], 'alice');
    assert.equal(e?.code, 'LimitExceeded');
    assert.equal(e?.message, 'Maximum policy size of 2048 bytes exceeded for user alice');
    assert.equal(checkPolicySize('GroupInline', [docOfSize(5120)], 'devs'), undefined);
    assert.equal(checkPolicySize('GroupInline', [docOfSize(5121)], 'devs')?.message, 'Maximum policy size of 5120 bytes exceeded for group devs');
    assert.equal(checkPolicySize('RoleInline', [docOfSize(10240)], 'app'), undefined);
    assert.equal(checkPolicySize('RoleInline', [docOfSize(5000), docOfSize(5241)], 'app')?.message, 'Maximum policy size of 10240 bytes exceeded for role app');
  });

  it('checks non-aggregate scopes one document at a time', () => {
    assert.equal(checkPolicySize('Managed', [docOfSize(6000), docOfSize(6000)]), undefined);
    assert.equal(checkPolicySize('BucketPolicy', [docOfSize(20480)]), undefined);
    assert.equal(checkPolicySize('BucketPolicy', [docOfSize(20481)])?.code, 'PolicyTooLarge');
    assert.equal(checkPolicySize('ServiceControlPolicy', [docOfSize(5121)])?.code, 'ConstraintViolationException');
    assert.equal(checkPolicySize('RoleTrust', [docOfSize(2049)])?.message, 'Cannot exceed quota for ACLSizePerRole: 2048');
  });

  it('exposes the limits as data', () => {
    assert.equal(POLICY_SIZE_LIMITS.UserInline.limit, 2048);
    assert.equal(POLICY_SIZE_LIMITS.GroupInline.limit, 5120);
    assert.equal(POLICY_SIZE_LIMITS.RoleInline.limit, 10240);
    assert.equal(POLICY_SIZE_LIMITS.Managed.limit, 6144);
    assert.equal(POLICY_SIZE_LIMITS.BucketPolicy.limit, 20480);
    assert.equal(POLICY_SIZE_LIMITS.ServiceControlPolicy.limit, 5120);
  });
});
