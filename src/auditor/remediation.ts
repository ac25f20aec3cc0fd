import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { newAccessKeyIdFor } from '../iam/access-key-account.js';
import { newSecretAccessKey, newUniqueId } from '../iam/ids.js';
import type { IamStore } from '../iam/store/types.js';
import { signRequest, type SigningCredentials } from '../cli/sign-request.js';
import type { FindingRecord } from './auditor-types.js';

/**
 * Automatic remediation (issue #18), per rule, off by default (`--auditor-remediate`):
 * - `public-bucket`: a new public finding on a bucket turns the bucket's Block Public Access fully on
 *   (PutPublicAccessBlock), which makes its public policy and public ACL grants count for nothing, so
 *   the finding resolves at the next analysis;
 * - `public-acl`: a new public finding that a bucket's ACL grants removes the grant (PutBucketAcl
 *   `private`: the owner's FULL_CONTROL alone), the bucket's Block Public Access left as it is;
 * - `unused-key`: a new UnusedIAMUserAccessKey finding deactivates the key (UpdateAccessKey Inactive).
 * Each action is a signed request to this server's own public API, made as a dedicated IAM user of the
 * resource's account — `/strongbox/strongbox-remediation`, allowed exactly these actions by an inline
 * policy — so it is authorized (an explicit Deny, an SCP or a boundary can stop it) and recorded in the
 * audit trail like any call. The user and a fresh access key are created in the IAM store the first time
 * a process remediates in an account (the user's creation is the server's own, not an API call).
 */

export type RemediationRule = 'public-acl' | 'public-bucket' | 'unused-key';
export const REMEDIATION_RULES: readonly RemediationRule[] = ['public-acl', 'public-bucket', 'unused-key'];

export const REMEDIATION_USER = 'strongbox-remediation';
const REMEDIATION_PATH = '/strongbox/';
const POLICY_NAME = 'StrongboxRemediation';
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['s3:PutBucketAcl', 's3:PutBucketPublicAccessBlock', 'iam:UpdateAccessKey'],
      Resource: '*',
    },
  ],
});

export interface RemediationOptions {
  readonly rules: ReadonlySet<RemediationRule>;
  readonly iam: IamStore;
  /** This server's endpoint (`http://127.0.0.1:port`), known once it listens. */
  readonly endpoint: () => string | undefined;
  readonly region: string;
  readonly now: () => Date;
}

export interface RemediationOutcome {
  readonly rule: RemediationRule;
  readonly action: string;
  readonly target: string;
  readonly status: number;
}

export class Remediation {
  private readonly credentials = new Map<string, SigningCredentials>();

  constructor(private readonly o: RemediationOptions) {}

  /** Remediates a new finding when a rule covers it; undefined when none does. */
  async remediate(f: FindingRecord): Promise<RemediationOutcome | undefined> {
    const endpoint = this.o.endpoint();
    if (endpoint === undefined || f.status !== 'ACTIVE') return undefined;
    const publicBucket = f.resourceType === 'AWS::S3::Bucket' && f.details.isPublic === true;
    const byAcl = (f.details.sources as { type: string }[] | undefined)?.some((s) => s.type === 'BUCKET_ACL') === true;
    if (this.o.rules.has('public-acl') && publicBucket && byAcl) {
      // The public grant itself goes: the bucket's ACL becomes the owner's FULL_CONTROL alone.
      const bucket = f.resource.slice('arn:aws:s3:::'.length);
      const url = new URL(`/${encodeURIComponent(bucket)}?acl`, endpoint);
      const status = await this.call(f.resourceOwnerAccount, 's3', {
        method: 'PUT',
        url,
        headers: { 'x-amz-acl': 'private' },
        body: '',
      });
      return { rule: 'public-acl', action: 's3:PutBucketAcl', target: f.resource, status };
    }
    if (this.o.rules.has('public-bucket') && publicBucket) {
      const bucket = f.resource.slice('arn:aws:s3:::'.length);
      const body =
        '<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><BlockPublicAcls>true</BlockPublicAcls>' +
        '<IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy>' +
        '<RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>';
      const url = new URL(`/${encodeURIComponent(bucket)}?publicAccessBlock`, endpoint);
      const headers = {
        'content-md5': createHash('md5').update(body).digest('base64'),
        'content-type': 'application/xml',
      };
      const status = await this.call(f.resourceOwnerAccount, 's3', { method: 'PUT', url, headers, body });
      return { rule: 'public-bucket', action: 's3:PutBucketPublicAccessBlock', target: f.resource, status };
    }
    const keyDetails = f.details.unusedIamUserAccessKeyDetails as { accessKeyId?: string } | undefined;
    if (this.o.rules.has('unused-key') && f.findingType === 'UnusedIAMUserAccessKey' && keyDetails?.accessKeyId) {
      const userName = f.resource.slice(f.resource.lastIndexOf('/') + 1);
      const body = new URLSearchParams({
        Action: 'UpdateAccessKey',
        Version: '2010-05-08',
        UserName: userName,
        AccessKeyId: keyDetails.accessKeyId,
        Status: 'Inactive',
      }).toString();
      const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
      const status = await this.call(f.resourceOwnerAccount, 'iam', {
        method: 'POST',
        url: new URL('/', endpoint),
        headers,
        body,
      });
      return { rule: 'unused-key', action: 'iam:UpdateAccessKey', target: keyDetails.accessKeyId, status };
    }
    return undefined;
  }

  private async call(
    accountId: string,
    service: 's3' | 'iam',
    r: { method: string; url: URL; headers: Record<string, string>; body: string },
  ): Promise<number> {
    const credentials = await this.principal(accountId);
    const region = service === 'iam' ? 'us-east-1' : this.o.region;
    const headers = signRequest(r, { credentials, region, service, now: this.o.now() });
    return new Promise<number>((resolve, reject) => {
      const req = request(r.url, { method: r.method, headers, timeout: 10_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('timeout', () => req.destroy(new Error('remediation request timed out')));
      req.on('error', reject);
      req.end(r.body);
    });
  }

  /** The account's remediation user, with an access key of this process (older keys of it are removed). */
  private async principal(accountId: string): Promise<SigningCredentials> {
    const known = this.credentials.get(accountId);
    if (known) return known;
    const { iam } = this.o;
    const user =
      (await iam.users.getByName(accountId, REMEDIATION_USER)) ??
      (await iam.users.create({
        accountId,
        userId: newUniqueId('AIDA'),
        userName: REMEDIATION_USER,
        path: REMEDIATION_PATH,
      }));
    await iam.inlinePolicies.put({
      accountId,
      principalKind: 'user',
      principalId: user.userId,
      policyName: POLICY_NAME,
      document: POLICY,
    });
    for (const k of await iam.accessKeys.listForUser(accountId, user.userId))
      await iam.accessKeys.delete(k.accessKeyId);
    const secretAccessKey = newSecretAccessKey();
    const key = await iam.accessKeys.create({
      accessKeyId: newAccessKeyIdFor('AKIA', accountId),
      accountId,
      userId: user.userId,
      secretAccessKey,
      maxPerOwner: 2,
    });
    const credentials = { accessKeyId: key.accessKeyId, secretAccessKey };
    this.credentials.set(accountId, credentials);
    return credentials;
  }
}
