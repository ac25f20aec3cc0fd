import type { StringRules } from '../json-protocol/json-input.js';

/**
 * Member constraints from the botocore model `organizations/2016-11-28` (patterns as the model writes
 * them; the whole value must match).
 */
const OU_ID = 'ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}';
const ROOT_ID = 'r-[0-9a-z]{4,32}';
const TAG_TEXT = '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*';

export const POLICY_TYPES = [
  'SERVICE_CONTROL_POLICY',
  'RESOURCE_CONTROL_POLICY',
  'TAG_POLICY',
  'BACKUP_POLICY',
  'AISERVICES_OPT_OUT_POLICY',
  'CHATBOT_POLICY',
  'DECLARATIVE_POLICY_EC2',
  'SECURITYHUB_POLICY',
  'INSPECTOR_POLICY',
  'UPGRADE_ROLLOUT_POLICY',
  'BEDROCK_POLICY',
  'S3_POLICY',
  'NETWORK_SECURITY_DIRECTOR_POLICY',
] as const;

export const RULES = {
  accountId: { max: 12, pattern: '\\d{12}' },
  rootId: { max: 34, pattern: ROOT_ID },
  ouId: { max: 68, pattern: OU_ID },
  parentId: { max: 100, pattern: `(${ROOT_ID})|(${OU_ID})` },
  childId: { max: 100, pattern: `(\\d{12})|(${OU_ID})` },
  targetId: { max: 100, pattern: `(${ROOT_ID})|(\\d{12})|(${OU_ID})` },
  policyId: { max: 130, pattern: 'p-[0-9a-zA-Z_]{8,128}' },
  policyName: { min: 1, max: 128, pattern: '[\\s\\S]*' },
  policyDescription: { max: 512, pattern: '[\\s\\S]*' },
  policyContent: { min: 1, max: 1_000_000, pattern: '[\\s\\S]*' },
  policyType: { enum: POLICY_TYPES },
  ouName: { min: 1, max: 128, pattern: '[\\s\\S]*' },
  email: { min: 6, max: 64, pattern: '[^\\s@]+@[^\\s@]+\\.[^\\s@]+' },
  createAccountName: { min: 1, max: 50, pattern: '[\\u0020-\\u007E]+' },
  roleName: { max: 64, pattern: '[\\w+=,.@-]{1,64}' },
  createAccountRequestId: { max: 36, pattern: 'car-[a-z0-9]{8,32}' },
  createAccountState: { enum: ['IN_PROGRESS', 'SUCCEEDED', 'FAILED'] },
  childType: { enum: ['ACCOUNT', 'ORGANIZATIONAL_UNIT'] },
  featureSet: { enum: ['ALL', 'CONSOLIDATED_BILLING'] },
  iamUserAccessToBilling: { enum: ['ALLOW', 'DENY'] },
  servicePrincipal: { min: 1, max: 128, pattern: '[\\w+=,.@-]*' },
  tagKey: { min: 1, max: 128, pattern: TAG_TEXT },
  tagValue: { min: 0, max: 256, pattern: TAG_TEXT },
  nextToken: { max: 100_000, pattern: '[\\s\\S]*' },
} as const satisfies Record<string, StringRules>;

export const MAX_RESULTS = { min: 1, max: 20 } as const;
