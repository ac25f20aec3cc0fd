import type { RawRequest } from '../auth/types.js';

/**
 * Which AWS service a request is for, from its SigV4 credential scope
 * (`Credential=AKID/20150830/us-east-1/iam/aws4_request`; the region may be empty or wrong, which
 * authentication then refuses in that service's protocol), before authentication runs, so even an
 * authentication failure is answered in the right protocol. Unsigned requests are S3's, except a
 * form-encoded POST to `/`, which no S3 operation is: that is STS's unsigned
 * AssumeRoleWithWebIdentity (on AWS a separate host name tells them apart).
 */
export function detectService(raw: RawRequest): string {
  const auth = raw.headers.authorization;
  if (typeof auth === 'string') {
    const m = /Credential=[^/,\s]+\/\d{8}\/[^/,\s]*\/([^/,\s]+)\/aws4_request/.exec(auth);
    return m ? m[1] : 's3';
  }
  if (raw.rawQuery.includes('X-Amz-Credential=')) {
    const m = /(?:^|&)X-Amz-Credential=[^&]*?(?:%2F|\/)\d{8}(?:%2F|\/)[^&%/]*(?:%2F|\/)([^&%/]+)(?:%2F|\/)aws4_request/i.exec(raw.rawQuery);
    return m ? m[1] : 's3';
  }
  if (raw.method === 'POST' && raw.rawPath === '/' && /^application\/x-www-form-urlencoded/i.test(String(raw.headers['content-type'] ?? ''))) return 'sts';
  // An unsigned JSON-protocol request names its service in X-Amz-Target (`AWSOrganizationsV20161128.ListRoots`).
  const target = /^(\w+)\./.exec(String(raw.headers['x-amz-target'] ?? ''));
  if (target && Object.hasOwn(JSON_TARGET_PREFIXES, target[1])) return JSON_TARGET_PREFIXES[target[1]];
  return 's3';
}

const JSON_TARGET_PREFIXES: Readonly<Record<string, string>> = {
  AWSOrganizationsV20161128: 'organizations',
  StrongboxWorkloads_20261201: 'workloads',
  TrentService: 'kms',
};
