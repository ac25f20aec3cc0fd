import { ServiceError } from '../errors/service-error.js';
import { validationException, type InputProblem, type JsonInput } from '../json-protocol/json-input.js';
import { createRestJsonProtocol, type RestJsonOperation } from '../json-protocol/rest-json-protocol.js';
import type { JsonContext } from '../json-protocol/types.js';
import type { AuthzCheck, ProtocolAdapter } from '../server/protocol.js';
import { analyzerOperations, pageOf, type AnalyzerDeps } from './analyzer-operations.js';
import { findingOperations } from './finding-operations.js';
import { policyGenerationOperations, type PolicyGenerationDeps } from './policy-generation-operations.js';
import {
  checkAccessNotGranted,
  checkNoNewAccess,
  checkNoPublicAccess,
  type AccessCheckPolicyType,
} from './policy-checks.js';
import { validatePolicy, type ValidatePolicyResourceType, type ValidatePolicyType } from './validate-policy.js';

/**
 * IAM Access Analyzer (issue #18) over REST-JSON, signed for the service `access-analyzer` in the
 * server's region: the policy checks that need no analyzer — ValidatePolicy, CheckNoNewAccess,
 * CheckAccessNotGranted, CheckNoPublicAccess — computed by reasoning over the policy language
 * (validate-policy.ts, policy-checks.ts). Each is authorized as `access-analyzer:<Operation>` on `*`,
 * as the Service Authorization Reference lists them (no resource type).
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/
 */
export const ACCESS_ANALYZER_SERVICE = 'access-analyzer';

export const POLICY_TYPES: readonly ValidatePolicyType[] = [
  'IDENTITY_POLICY',
  'RESOURCE_POLICY',
  'SERVICE_CONTROL_POLICY',
  'RESOURCE_CONTROL_POLICY',
];
export const CHECK_POLICY_TYPES: readonly AccessCheckPolicyType[] = ['IDENTITY_POLICY', 'RESOURCE_POLICY'];
export const VALIDATE_RESOURCE_TYPES: readonly ValidatePolicyResourceType[] = [
  'AWS::S3::Bucket',
  'AWS::S3::AccessPoint',
  'AWS::S3::MultiRegionAccessPoint',
  'AWS::S3ObjectLambda::AccessPoint',
  'AWS::IAM::AssumeRolePolicyDocument',
  'AWS::DynamoDB::Table',
];
const LOCALES = ['DE', 'EN', 'ES', 'FR', 'IT', 'JA', 'KO', 'PT_BR', 'ZH_CN', 'ZH_TW'];
/** botocore's AccessCheckResourceType. */
export const CHECK_RESOURCE_TYPES = [
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::Stream',
  'AWS::EFS::FileSystem',
  'AWS::OpenSearchService::Domain',
  'AWS::Kinesis::Stream',
  'AWS::Kinesis::StreamConsumer',
  'AWS::KMS::Key',
  'AWS::Lambda::Function',
  'AWS::S3::Bucket',
  'AWS::S3::AccessPoint',
  'AWS::S3Express::DirectoryBucket',
  'AWS::S3::Glacier',
  'AWS::S3Outposts::Bucket',
  'AWS::S3Outposts::AccessPoint',
  'AWS::SecretsManager::Secret',
  'AWS::SNS::Topic',
  'AWS::SQS::Queue',
  'AWS::IAM::AssumeRolePolicyDocument',
  'AWS::S3Tables::TableBucket',
  'AWS::ApiGateway::RestApi',
  'AWS::CodeArtifact::Domain',
  'AWS::Backup::BackupVault',
  'AWS::CloudTrail::Dashboard',
  'AWS::CloudTrail::EventDataStore',
  'AWS::S3Tables::Table',
  'AWS::S3Express::AccessPoint',
];

/** Access Analyzer's ValidationException: `reason` from the model's ValidationExceptionReason. */
export function accessAnalyzerInvalidInput(p: InputProblem): ServiceError {
  const e = validationException(p);
  return new ServiceError(e.code, e.message, e.status, { fields: { reason: 'fieldValidationFailed' } });
}

/**
 * The largest document the custom policy checks accept: 32 KiB, the largest policy AWS stores (a KMS key
 * policy; a bucket policy is 20 KiB, a managed policy 6 KiB). Their reasoning grows with statements ×
 * actions × resources, so an unbounded document would let one request hold the event loop.
 * Deviation from AWS: the model sets no length on AccessCheckPolicyDocument; AWS's limit is undocumented.
 */
const MAX_CHECK_DOCUMENT = 32 * 1024;

/** A policy document member of a custom check, within MAX_CHECK_DOCUMENT characters. */
function checkDocument(input: JsonInput, member: string): string {
  return input.requiredString(member, { max: MAX_CHECK_DOCUMENT });
}

/** An operation allowed by `access-analyzer:<name>` on `*`. */
function anyResource(name: string): (ctx: JsonContext) => Promise<readonly AuthzCheck[]> {
  return async () => [{ action: `access-analyzer:${name}`, resource: '*', resourceAccount: undefined, context: {} }];
}

const validatePolicyOperation: RestJsonOperation = {
  name: 'ValidatePolicy',
  method: 'POST',
  uri: '/policy/validation',
  query: { maxResults: { member: 'maxResults', type: 'integer' }, nextToken: { member: 'nextToken', type: 'string' } },
  checks: anyResource('ValidatePolicy'),
  async handler({ input }) {
    input.optionalString('locale', { enum: LOCALES });
    const findings = validatePolicy({
      policyDocument: input.requiredString('policyDocument'),
      policyType: input.requiredString('policyType', { enum: POLICY_TYPES }) as ValidatePolicyType,
      validatePolicyResourceType: input.optionalString('validatePolicyResourceType', {
        enum: VALIDATE_RESOURCE_TYPES,
      }) as ValidatePolicyResourceType | undefined,
    });
    const { page, nextToken } = pageOf(findings, input, findings.length);
    return { findings: page, nextToken };
  },
};

const checkNoNewAccessOperation: RestJsonOperation = {
  name: 'CheckNoNewAccess',
  method: 'POST',
  uri: '/policy/check-no-new-access',
  checks: anyResource('CheckNoNewAccess'),
  async handler({ input }) {
    return {
      ...checkNoNewAccess({
        newPolicyDocument: checkDocument(input, 'newPolicyDocument'),
        existingPolicyDocument: checkDocument(input, 'existingPolicyDocument'),
        policyType: input.requiredString('policyType', { enum: CHECK_POLICY_TYPES }) as AccessCheckPolicyType,
      }),
    };
  },
};

const checkAccessNotGrantedOperation: RestJsonOperation = {
  name: 'CheckAccessNotGranted',
  method: 'POST',
  uri: '/policy/check-access-not-granted',
  checks: anyResource('CheckAccessNotGranted'),
  async handler({ input }) {
    const policyDocument = checkDocument(input, 'policyDocument');
    const access = input.optionalStructureList('access');
    if (access === undefined) throw input.problem('access', 'INPUT_REQUIRED', undefined, 'Member must not be null');
    if (access.length > 1)
      throw input.problem(
        'access',
        'MAX_LENGTH_EXCEEDED',
        access.length,
        'Member must have length less than or equal to 1',
      );
    return {
      ...checkAccessNotGranted({
        policyDocument,
        access: access.map((a) => ({
          actions: listOf(a, 'actions', {}),
          resources: listOf(a, 'resources', { max: 2048 }),
        })),
        policyType: input.requiredString('policyType', { enum: CHECK_POLICY_TYPES }) as AccessCheckPolicyType,
      }),
    };
  },
};

/** A list member of at most 100 strings (AccessActionsList, AccessResourcesList). */
function listOf(input: JsonInput, member: string, rules: { max?: number }): string[] | undefined {
  const list = input.optionalStringList(member, rules);
  if (list !== undefined && list.length > 100)
    throw input.problem(
      member,
      'MAX_LENGTH_EXCEEDED',
      list.length,
      'Member must have length less than or equal to 100',
    );
  return list;
}

const checkNoPublicAccessOperation: RestJsonOperation = {
  name: 'CheckNoPublicAccess',
  method: 'POST',
  uri: '/policy/check-no-public-access',
  checks: anyResource('CheckNoPublicAccess'),
  async handler({ input }) {
    return {
      ...checkNoPublicAccess({
        policyDocument: checkDocument(input, 'policyDocument'),
        resourceType: input.requiredString('resourceType', { enum: CHECK_RESOURCE_TYPES }),
      }),
    };
  },
};

export function accessAnalyzerOperations(): RestJsonOperation[] {
  return [
    validatePolicyOperation,
    checkNoNewAccessOperation,
    checkAccessNotGrantedOperation,
    checkNoPublicAccessOperation,
  ];
}

/** The policy checks always; analyzers and findings with the auditor's store; policy generation with its deps. */
export function createAccessAnalyzerProtocol(
  auditor?: AnalyzerDeps & { readonly policyGeneration?: PolicyGenerationDeps },
): ProtocolAdapter {
  return createRestJsonProtocol({
    service: ACCESS_ANALYZER_SERVICE,
    operations: [
      ...accessAnalyzerOperations(),
      ...(auditor ? [...analyzerOperations(auditor), ...findingOperations(auditor)] : []),
      ...(auditor?.policyGeneration ? policyGenerationOperations(auditor.policyGeneration) : []),
    ],
    invalidInput: accessAnalyzerInvalidInput,
    internalErrorCode: 'InternalServerException',
    unknownOperation: () =>
      new ServiceError('ValidationException', 'The requested operation does not exist.', 400, {
        fields: { reason: 'unknownOperation' },
      }),
  });
}
