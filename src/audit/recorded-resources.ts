/**
 * CloudTrail's `resources` of a request, from the resources its authorization checks name: one
 * entry per distinct ARN (`*` names none), typed as CloudTrail types them.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
import type { AuthzCheck } from '../server/protocol.js';
import type { RecordedResource } from './request-record.js';

/** `arn:aws:<service>:<region>:<account>:<type>/...` → CloudTrail's resource type. */
export function resourceTypeOf(arn: string): string | undefined {
  if (arn.startsWith('arn:aws:s3:::')) return arn.indexOf('/', 13) === -1 ? 'AWS::S3::Bucket' : 'AWS::S3::Object';
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const rest = parts.slice(5).join(':');
  const kind = rest.split('/')[0] ?? '';
  switch (`${parts[2]}:${kind}`) {
    case 'iam:user': return 'AWS::IAM::User';
    case 'iam:role': return 'AWS::IAM::Role';
    case 'iam:group': return 'AWS::IAM::Group';
    case 'iam:policy': return 'AWS::IAM::Policy';
    case 'iam:mfa': return 'AWS::IAM::MFADevice';
    case 'iam:oidc-provider': return 'AWS::IAM::OIDCProvider';
    case 'iam:instance-profile': return 'AWS::IAM::InstanceProfile';
    case 'kms:key': return 'AWS::KMS::Key';
    case 'kms:alias': return 'AWS::KMS::Alias';
    case 'cloudtrail:trail': return 'AWS::CloudTrail::Trail';
    default: return undefined;
  }
}

export function resourcesOf(checks: readonly AuthzCheck[]): readonly RecordedResource[] | undefined {
  let out: RecordedResource[] | undefined;
  for (const check of checks) {
    const arn = check.resource;
    if (arn === '*' || out?.some((r) => r.arn === arn)) continue;
    const type = resourceTypeOf(arn);
    if (type === undefined) continue;
    (out ??= []).push(check.resourceAccount !== undefined ? { arn, accountId: check.resourceAccount, type } : { arn, type });
  }
  return out;
}
