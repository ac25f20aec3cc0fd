/**
 * A customer managed policy as AWS Config describes it (AWS::IAM::Policy: ManagedPolicyDetail in
 * lowerCamelCase), every version with its document, parsed.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_ManagedPolicyDetail.html
 *
 * Deviation from AWS: no permissionsBoundaryUsageCount. Removing a boundary
 * (Delete{User,Role}PermissionsBoundary) changes the count, but its event does not name the policy, so
 * the count would go stale and its change be attributed to a later, unrelated event.
 */
import { CONFIG_RESOURCE_TYPES, type JsonObject, type ResourceDescription } from './configuration-types.js';
import { iso, keyValuePairs, policyJson, sortedBy, tagList, tagMap } from './description-parts.js';
import { iamDescription, type IamReader } from './describe-iam.js';

export async function describeManagedPolicy(
  iam: Pick<IamReader, 'policies' | 'attachments' | 'tags'>,
  accountId: string,
  policyArn: string,
): Promise<ResourceDescription | undefined> {
  const p = await iam.policies.get(policyArn);
  if (p === undefined || p.accountId !== accountId) return undefined;
  const [versions, attachments, tagRows] = await Promise.all([
    iam.policies.listVersions(p.arn),
    iam.attachments.listForPolicy(accountId, p.arn),
    iam.tags.list('policy', p.policyId),
  ]);
  const tags = tagMap(keyValuePairs(tagRows));
  const configuration: JsonObject = {
    policyName: p.policyName,
    policyId: p.policyId,
    arn: p.arn,
    path: p.path,
    defaultVersionId: p.defaultVersionId,
    attachmentCount: attachments.length,
    isAttachable: true,
    description: p.description ?? null,
    createDate: iso(p.createdAt),
    updateDate: iso(p.updatedAt),
    policyVersionList: sortedBy(versions, (v) => versionKey(v.versionId)).map((v) => ({
      document: policyJson(v.document),
      versionId: v.versionId,
      isDefaultVersion: v.versionId === p.defaultVersionId,
      createDate: iso(v.createdAt),
    })),
    tags: tagList(tags),
  };
  return iamDescription(CONFIG_RESOURCE_TYPES.policy, {
    id: p.policyId,
    name: p.policyName,
    arn: p.arn,
    accountId,
    createdAt: p.createdAt,
    tags,
    configuration,
  });
}

/** `v10` after `v9`: versions by number. */
function versionKey(versionId: string): string {
  const n = /^v(\d+)$/.exec(versionId)?.[1];
  return n === undefined ? versionId : `v${n.padStart(10, '0')}`;
}
