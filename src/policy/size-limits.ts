import type { PolicyError } from './policy-error.js';

/**
 * Policy size quotas as data, and the check. IAM does not count white space (outside string
 * values) and limits inline policies by the aggregate size of all inline policies of the entity.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */

export type PolicySizeScope =
  | 'UserInline'
  | 'GroupInline'
  | 'RoleInline'
  | 'Managed'
  | 'RoleTrust'
  | 'BucketPolicy'
  | 'ServiceControlPolicy'
  | 'ResourceControlPolicy'
  | 'SessionPolicy';

export interface PolicySizeLimit {
  readonly limit: number;
  /** Summed over every inline policy of the user / group / role. */
  readonly aggregate: boolean;
  /** Whether white space outside JSON strings counts. */
  readonly countWhitespace: boolean;
  readonly errorCode: string;
  readonly httpStatus: number;
  /** `{name}` is the user / group / role name. */
  readonly message: string;
}

export const POLICY_SIZE_LIMITS: Readonly<Record<PolicySizeScope, PolicySizeLimit>> = {
  UserInline: {
    limit: 2048,
    aggregate: true,
    countWhitespace: false,
    errorCode: 'LimitExceeded',
    httpStatus: 409,
    message: 'Maximum policy size of 2048 bytes exceeded for user {name}',
  },
  GroupInline: {
    limit: 5120,
    aggregate: true,
    countWhitespace: false,
    errorCode: 'LimitExceeded',
    httpStatus: 409,
    message: 'Maximum policy size of 5120 bytes exceeded for group {name}',
  },
  RoleInline: {
    limit: 10240,
    aggregate: true,
    countWhitespace: false,
    errorCode: 'LimitExceeded',
    httpStatus: 409,
    message: 'Maximum policy size of 10240 bytes exceeded for role {name}',
  },
  Managed: {
    limit: 6144,
    aggregate: false,
    countWhitespace: false,
    errorCode: 'LimitExceeded',
    httpStatus: 409,
    message: 'Cannot exceed quota for PolicySize: 6144',
  },
  RoleTrust: {
    limit: 2048,
    aggregate: false,
    countWhitespace: false,
    errorCode: 'LimitExceeded',
    httpStatus: 409,
    message: 'Cannot exceed quota for ACLSizePerRole: 2048',
  },
  // Deviation from AWS: S3 documents the 20 KB limit but not the error it returns; MinIO's
  // `PolicyTooLarge` with this text is what S3 tools expect.
  BucketPolicy: {
    limit: 20480,
    aggregate: false,
    countWhitespace: false,
    errorCode: 'PolicyTooLarge',
    httpStatus: 400,
    message: 'Policy exceeds the maximum allowed document size.',
  },
  // Organizations counts every character of an SCP or RCP, white space included ("SCP syntax",
  // "RCP syntax": "All characters in your SCP count against its maximum size").
  ServiceControlPolicy: {
    limit: 5120,
    aggregate: false,
    countWhitespace: true,
    errorCode: 'ConstraintViolationException',
    httpStatus: 400,
    message: 'You have exceeded the maximum size for this policy type.',
  },
  ResourceControlPolicy: {
    limit: 5120,
    aggregate: false,
    countWhitespace: true,
    errorCode: 'ConstraintViolationException',
    httpStatus: 400,
    message: 'You have exceeded the maximum size for this policy type.',
  },
  SessionPolicy: {
    limit: 2048,
    aggregate: false,
    countWhitespace: true,
    errorCode: 'ValidationError',
    httpStatus: 400,
    message: "1 validation error detected: Value at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048",
  },
};

/** Characters of a policy as IAM counts them: white space outside JSON strings is free. */
export function policySize(text: string, countWhitespace = false): number {
  if (countWhitespace) return [...text].length;
  let n = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      n++;
      if (c === '\\') {
        n++;
        i++;
      } else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
    if (c === '"') inString = true;
    n++;
  }
  return n;
}

/**
 * Checks documents against a scope's quota. For aggregate scopes pass every inline policy of the
 * entity as it would be after the write (the new one included); otherwise each document is checked
 * alone. Undefined when within the quota.
 */
export function checkPolicySize(scope: PolicySizeScope, documents: readonly string[], entityName = ''): PolicyError | undefined {
  const limit = POLICY_SIZE_LIMITS[scope];
  const sizes = documents.map((d) => policySize(d, limit.countWhitespace));
  const over = limit.aggregate ? sizes.reduce((a, b) => a + b, 0) > limit.limit : sizes.some((n) => n > limit.limit);
  if (!over) return undefined;
  return { code: limit.errorCode, message: limit.message.replace('{name}', entityName), httpStatus: limit.httpStatus };
}
