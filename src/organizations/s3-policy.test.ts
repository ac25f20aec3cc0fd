/** S3 policies (S3_POLICY): syntax, inheritance, and the Organizations operations that carry them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isServiceError } from '../errors/service-error.js';
import { effectiveS3Policy, loadAccountS3Policy, MAX_S3_POLICY_CHARS, parseS3Policy } from './s3-policy.js';
import { createMember, withOrganization } from './test-setup.js';

const policy = (assign: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ s3_attributes: { public_access_block_configuration: { '@@assign': assign, ...extra } } });
const ALL = policy('all');
const NONE = policy('none');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (!isServiceError(e)) throw e;
    return e.code;
  }
}

test('parseS3Policy: the documented syntax, "all" or "none"', () => {
  assert.deepEqual(parseS3Policy(ALL), { assign: 'all', childrenMayAssign: true });
  assert.deepEqual(parseS3Policy(NONE), { assign: 'none', childrenMayAssign: true });
  assert.deepEqual(parseS3Policy('{}'), { assign: undefined, childrenMayAssign: true });
  const locked = policy('all', { '@@operators_allowed_for_child_policies': ['@@none'] });
  assert.deepEqual(parseS3Policy(locked), { assign: 'all', childrenMayAssign: false });
  const assignOnly = policy('none', { '@@operators_allowed_for_child_policies': ['@@assign'] });
  assert.equal(parseS3Policy(assignOnly).childrenMayAssign, true);
});

test('parseS3Policy: malformed documents and the size quota', () => {
  for (const bad of [
    'not json',
    '[]',
    policy('some'),
    policy('ALL'),
    JSON.stringify({ s3_attributes: { public_access_block_configuration: 'all' } }),
    JSON.stringify({ s3_attributes: { block_public_access: { '@@assign': 'all' } } }),
    JSON.stringify({ tags: {} }),
    policy('all', { '@@operators_allowed_for_child_policies': '@@none' }),
    policy('all', { '@@operators_allowed_for_child_policies': ['@@everything'] }),
  ]) {
    assert.equal(codeOf(() => parseS3Policy(bad)), 'MalformedPolicyDocumentException', bad);
  }
  const huge = ALL.replace('"all"', `"all", "pad": "${'x'.repeat(MAX_S3_POLICY_CHARS)}"`);
  assert.equal(codeOf(() => parseS3Policy(huge)), 'ConstraintViolationException');
});

test('effectiveS3Policy: the nearest assignment wins unless a parent withheld @@assign from children', () => {
  const all = parseS3Policy(ALL);
  const none = parseS3Policy(NONE);
  const lockedAll = parseS3Policy(policy('all', { '@@operators_allowed_for_child_policies': ['@@none'] }));
  assert.equal(effectiveS3Policy([]), undefined);
  assert.equal(effectiveS3Policy([[], [], []]), undefined);
  assert.equal(effectiveS3Policy([[all]]), 'all');
  assert.equal(effectiveS3Policy([[all], [], [none]]), 'none');
  assert.equal(effectiveS3Policy([[lockedAll], [], [none]]), 'all');
  // A lock binds the levels below it, not the other policies of its own level.
  assert.equal(effectiveS3Policy([[lockedAll, none]]), 'none');
  assert.equal(effectiveS3Policy([[none], [lockedAll], [none]]), 'all');
});

test('S3_POLICY through the Organizations API: enable, create, attach to root / OU / account, detach', async () => {
  const { t, rootId } = await withOrganization();
  const management = t.root.accountId;
  const member = await createMember(t, 'member');
  const unit = await t.ok('CreateOrganizationalUnit', { ParentId: rootId, Name: 'Web' });
  const ou = (unit.OrganizationalUnit as Record<string, string>).Id;
  await t.ok('MoveAccount', { AccountId: member, SourceParentId: rootId, DestinationParentId: ou });
  const create = async (name: string, content: string) =>
    ((await t.ok('CreatePolicy', { Name: name, Description: '', Type: 'S3_POLICY', Content: content })).Policy as {
      PolicySummary: { Id: string; Type: string };
    }).PolicySummary;

  // Not enabled: policies can be created, not attached; nothing applies.
  const all = await create('all', ALL);
  assert.equal(all.Type, 'S3_POLICY');
  assert.equal(await t.code('AttachPolicy', { PolicyId: all.Id, TargetId: rootId }), 'PolicyTypeNotEnabledException');
  const bad = { Name: 'bad', Description: '', Type: 'S3_POLICY', Content: policy('x') };
  assert.equal(await t.code('CreatePolicy', bad), 'MalformedPolicyDocumentException');
  const enabled = await t.ok('EnablePolicyType', { RootId: rootId, PolicyType: 'S3_POLICY' });
  const root = enabled.Root as Record<string, unknown>;
  assert.deepEqual(root.PolicyTypes, [{ Type: 'S3_POLICY', Status: 'ENABLED' }]);
  // A management policy type has no AWS-managed default attached anywhere.
  assert.deepEqual((await t.ok('ListPoliciesForTarget', { TargetId: rootId, Filter: 'S3_POLICY' })).Policies, []);
  assert.equal(await loadAccountS3Policy(t.store, member), undefined);

  await t.ok('AttachPolicy', { PolicyId: all.Id, TargetId: rootId });
  assert.equal(await loadAccountS3Policy(t.store, member), 'all');
  // Management policies apply to the management account too.
  assert.equal(await loadAccountS3Policy(t.store, management), 'all');

  const none = await create('none', NONE);
  await t.ok('AttachPolicy', { PolicyId: none.Id, TargetId: ou });
  assert.equal(await loadAccountS3Policy(t.store, member), 'none');
  assert.equal(await loadAccountS3Policy(t.store, management), 'all');

  // The last S3 policy of a target can be detached (no floor, unlike SCPs).
  await t.ok('DetachPolicy', { PolicyId: none.Id, TargetId: ou });
  await t.ok('DetachPolicy', { PolicyId: all.Id, TargetId: rootId });
  assert.equal(await loadAccountS3Policy(t.store, member), undefined);

  await t.ok('AttachPolicy', { PolicyId: all.Id, TargetId: member });
  assert.equal(await loadAccountS3Policy(t.store, member), 'all');
  assert.equal(await loadAccountS3Policy(t.store, management), undefined);
  // Disabling the type detaches every S3 policy.
  await t.ok('DisablePolicyType', { RootId: rootId, PolicyType: 'S3_POLICY' });
  assert.equal(await loadAccountS3Policy(t.store, member), undefined);
  assert.deepEqual((await t.ok('ListTargetsForPolicy', { PolicyId: all.Id })).Targets, []);
});

test('enabling S3_POLICY attaches no default to accounts or OUs created later; SCP defaults still attach', async () => {
  const { t, rootId } = await withOrganization();
  await t.ok('EnablePolicyType', { RootId: rootId, PolicyType: 'S3_POLICY' });
  await t.ok('EnablePolicyType', { RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' });
  const member = await createMember(t, 'later');
  assert.deepEqual((await t.ok('ListPoliciesForTarget', { TargetId: member, Filter: 'S3_POLICY' })).Policies, []);
  const scps = await t.ok('ListPoliciesForTarget', { TargetId: member, Filter: 'SERVICE_CONTROL_POLICY' });
  assert.equal((scps.Policies as unknown[]).length, 1);
});
