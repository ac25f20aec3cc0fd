import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreatePolicyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import type { Credentials } from './signer.js';
import type { TargetAccess } from './small-object.js';

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/**
 * `count` managed policies for the IAM-user GET scenario. Only the last one grants s3:GetObject on the
 * bench objects, so an engine cannot stop at the first policy; the others allow unrelated resources (with
 * conditions) and deny other actions on this bucket, so every statement has to be looked at.
 */
export function benchPolicies(bucket: string, count: number): PolicyDocument[] {
  const policies: PolicyDocument[] = [];
  for (let i = 0; i < count - 1; i++) {
    policies.push({
      Version: '2012-10-17',
      Statement: [
        { Sid: `OtherObjects${i}`, Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::other-bucket-${i}/*` },
        {
          Sid: `OtherList${i}`,
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: `arn:aws:s3:::other-bucket-${i}`,
          Condition: { StringLike: { 's3:prefix': ['home/${aws:username}/*', 'shared/*'] } },
        },
        { Sid: `NoDelete${i}`, Effect: 'Deny', Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'], Resource: `arn:aws:s3:::${bucket}/protected-${i}/*` },
      ],
    });
  }
  policies.push({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ReadBenchObjects', Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::${bucket}/get/*` },
      { Sid: 'NoWrites', Effect: 'Deny', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: `arn:aws:s3:::${bucket}/get/*` },
    ],
  });
  return policies.slice(0, count);
}

/**
 * Creates an IAM user in the target's account with `policyCount` customer managed policies attached and
 * returns a fresh access key for it. Uses the real IAM API (@aws-sdk/client-iam), so it works on any
 * target that implements IAM (Strongbox) with the root credentials.
 */
export async function createIamBenchUser(access: TargetAccess, options: { bucket: string; policyCount: number; userName?: string }): Promise<Credentials> {
  const iam = new IAMClient({
    endpoint: `http://${access.endpoint.host}:${access.endpoint.port}`,
    region: access.region,
    credentials: access.credentials,
    maxAttempts: 1,
  });
  try {
    const userName = options.userName ?? 'bench-reader';
    await iam.send(new CreateUserCommand({ UserName: userName, Path: '/bench/' }));
    const docs = benchPolicies(options.bucket, options.policyCount);
    for (const [i, doc] of docs.entries()) {
      const created = await iam.send(new CreatePolicyCommand({ PolicyName: `${userName}-policy-${i}`, Path: '/bench/', PolicyDocument: JSON.stringify(doc) }));
      const arn = created.Policy?.Arn;
      if (!arn) throw new Error('CreatePolicy returned no Arn');
      await iam.send(new AttachUserPolicyCommand({ UserName: userName, PolicyArn: arn }));
    }
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    const id = key.AccessKey?.AccessKeyId;
    const secret = key.AccessKey?.SecretAccessKey;
    if (!id || !secret) throw new Error('CreateAccessKey returned no key');
    return { accessKeyId: id, secretAccessKey: secret };
  } finally {
    iam.destroy();
  }
}
