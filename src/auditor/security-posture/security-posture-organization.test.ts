/**
 * SCPs take part in "effective": a member account's administrator role, limited by an SCP, is
 * reported with what the SCP leaves it — as enforcement and SimulatePrincipalPolicy decide.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadAwsManagedPolicies } from '../../iam/aws-managed/catalog.js';
import { createMember, orgTestBed } from '../../organizations/test-setup.js';
import { analyzeSecurityPosture } from './security-posture.js';

describe('analyzeSecurityPosture in an organization', { timeout: 10_000 }, () => {
  it("reads the member account's SCPs", async () => {
    const o = await orgTestBed();
    await o.ok('CreateOrganization', { FeatureSet: 'ALL' });
    const rootId = ((await o.ok('ListRoots')).Roots as Array<Record<string, string>>)[0].Id;
    await o.ok('EnablePolicyType', { RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' });
    const member = await createMember(o, 'dev');
    const role = `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`;
    const analyze = async () => {
      const all = await analyzeSecurityPosture(
        {
          iam: o.store,
          buckets: { listBuckets: async () => [] },
          awsManaged: loadAwsManagedPolicies(),
          accountPublicAccessBlock: async () => undefined,
        },
        { accountId: member, now: new Date(), dayMs: 86_400_000, securityTeam: [] },
      );
      const [f] = all.find((e) => e.resource === role)?.found ?? [];
      return f?.details.action as string[] | undefined;
    };
    assert.ok((await analyze())?.includes('*:*'), 'AdministratorAccess');
    const content = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: ['iam:*', 's3:PutBucketPolicy'], Resource: '*' }],
    });
    const scp = (
      await o.ok('CreatePolicy', { Name: 'no-iam', Type: 'SERVICE_CONTROL_POLICY', Description: 'x', Content: content })
    ).Policy as { PolicySummary: { Id: string } };
    await o.ok('AttachPolicy', { PolicyId: scp.PolicySummary.Id, TargetId: member });
    const left = await analyze();
    assert.ok(left);
    for (const gone of ['*:*', 'iam:*', 'iam:PassRole', 'iam:CreatePolicyVersion', 's3:PutBucketPolicy']) {
      assert.ok(!left.includes(gone), gone);
    }
    for (const kept of ['s3:*', 's3:PutBucketAcl']) assert.ok(left.includes(kept), kept);
  });
});
