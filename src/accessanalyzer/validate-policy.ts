import { parseJsonTree, type TextSpan } from '../policy/json-source.js';
import { checkActions, checkResources } from './validate-policy-elements.js';
import { checkConditions } from './validate-policy-conditions.js';
import { findingDetails, ISSUE_RANK, ISSUES, learnMoreLink } from './validate-policy-catalog.js';
import { readPolicyModel, type PolicyModel, type Report, type StatementModel } from './validate-policy-model.js';
import { checkPrincipals } from './validate-policy-principals.js';
import { checkSecurity } from './validate-policy-security.js';
import { checkDocument, checkStatementStructure } from './validate-policy-structure.js';
import { checkVariables } from './validate-policy-variables.js';

/**
 * IAM Access Analyzer's ValidatePolicy as a pure function: the policy checks of AWS's "IAM policy
 * validation check reference" that can be decided from the document alone, each finding with AWS's issue
 * code, finding type, learnMoreLink and locations (a path into the JSON and the span of the text), plus
 * Strongbox's own `STRONGBOX_…` security warnings (validate-policy-catalog.ts).
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_ValidatePolicy.html
 *
 * Locations follow the CLI reference's example output: a finding about a value points at the value (the
 * path ends with `{value: element}` or `{index}`, the span covers its JSON text, quotes included); about
 * an element, operator or condition key name, at the name (`{key: name}`); about a policy variable, at the
 * variable (`{substring}`). Where AWS's page shows no example, Strongbox decided: a missing element points
 * at its statement, a finding about the whole document (MISSING_VERSION, MISSING_STATEMENT, the size
 * quotas) at the whole document (path `[]`), a JSON syntax error at the character where parsing stopped.
 *
 * Deviation from AWS: checks that need AWS's catalogue of every service's actions, resource types and
 * condition keys (INVALID_SERVICE, INVALID_SERVICE_CONDITION_KEY, UNSUPPORTED_ACTION_FOR_CONDITION_KEY, the
 * tag-key support checks, INVALID_REGION, MISSING_ARN_REGION, ...) are not run; action names are checked
 * for `s3` only, against the S3 actions Strongbox knows (src/policy/s3-actions.ts).
 */

export type ValidatePolicyType =
  | 'IDENTITY_POLICY'
  | 'RESOURCE_POLICY'
  | 'SERVICE_CONTROL_POLICY'
  | 'RESOURCE_CONTROL_POLICY';
export type ValidatePolicyResourceType =
  | 'AWS::S3::Bucket'
  | 'AWS::S3::AccessPoint'
  | 'AWS::S3::MultiRegionAccessPoint'
  | 'AWS::S3ObjectLambda::AccessPoint'
  | 'AWS::IAM::AssumeRolePolicyDocument'
  | 'AWS::DynamoDB::Table';
/** AWS's PathElement is a union: exactly one member set. */
export type PathElement =
  | { readonly index: number }
  | { readonly key: string }
  | { readonly value: string }
  | { readonly substring: { readonly start: number; readonly length: number } };
/** line from 1, column from 0, offset from 0 */
export interface Position {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}
/** end exclusive */
export interface Location {
  readonly path: readonly PathElement[];
  readonly span: { readonly start: Position; readonly end: Position };
}
export interface ValidatePolicyFinding {
  readonly findingDetails: string;
  readonly findingType: 'ERROR' | 'SECURITY_WARNING' | 'SUGGESTION' | 'WARNING';
  readonly issueCode: string;
  readonly learnMoreLink: string;
  readonly locations: readonly Location[];
}

export interface ValidatePolicyInput {
  readonly policyDocument: string;
  readonly policyType: ValidatePolicyType;
  readonly validatePolicyResourceType?: ValidatePolicyResourceType;
}

/** What every check reads. */
export interface CheckContext {
  readonly text: string;
  readonly policyType: ValidatePolicyType;
  readonly resourceType: ValidatePolicyResourceType | undefined;
  readonly model: PolicyModel;
  readonly report: Report;
  /** Whether the statement belongs to a role trust policy (see isTrustStatement). */
  readonly isTrust: (s: StatementModel) => boolean;
  /** `2012-10-17` enables policy variables; a missing Version means 2008-10-17. */
  readonly variablesEnabled: boolean;
}

interface RankedFinding {
  readonly finding: ValidatePolicyFinding;
  readonly rank: number;
  readonly seq: number;
}

/** Never throws; findings in document order (then in the reference's order). */
export function validatePolicy(input: ValidatePolicyInput): ValidatePolicyFinding[] {
  const found: RankedFinding[] = [];
  const report: Report = (code, locations, params) => {
    const finding: ValidatePolicyFinding = {
      findingDetails: findingDetails(code, params),
      findingType: ISSUES[code].type,
      issueCode: code,
      learnMoreLink: learnMoreLink(code),
      locations,
    };
    found.push({ finding, rank: ISSUE_RANK.get(code) ?? 0, seq: found.length });
  };
  runChecks(input, report);
  const offset = (f: RankedFinding): number => f.finding.locations[0]?.span.start.offset ?? 0;
  return found.sort((a, b) => offset(a) - offset(b) || a.rank - b.rank || a.seq - b.seq).map((f) => f.finding);
}

function runChecks(input: ValidatePolicyInput, report: Report): void {
  const text = input.policyDocument;
  const tree = parseJsonTree(text);
  if (!tree.ok) {
    // The span covers the character where the syntax breaks (none at the end of the text).
    const { at } = tree;
    const c = text[at.offset];
    const next = c === '\n' ? { line: at.line + 1, column: 0 } : { line: at.line, column: at.column + 1 };
    const span: TextSpan = { start: at, end: c === undefined ? at : { ...next, offset: at.offset + 1 } };
    const params = { index: String(at.offset), line: String(at.line), column: String(at.column) };
    report('JSON_SYNTAX_ERROR', [{ path: [], span }], params);
    return;
  }
  const model = readPolicyModel(tree.root, report);
  if (!model) return;
  const resourceType = input.policyType === 'RESOURCE_POLICY' ? input.validatePolicyResourceType : undefined;
  const ctx: CheckContext = {
    text,
    policyType: input.policyType,
    resourceType,
    model,
    report,
    isTrust: (s) => isTrustStatement(input.policyType, resourceType, s),
    variablesEnabled: model.version?.value === '2012-10-17',
  };
  checkDocument(ctx);
  for (const s of model.statements) {
    checkStatementStructure(ctx, s);
    checkPrincipals(ctx, s);
    checkActions(ctx, s);
    checkResources(ctx, s);
    checkConditions(ctx, s);
    checkVariables(ctx, s);
    checkSecurity(ctx, s);
  }
}

/**
 * A role trust policy is a resource policy for AWS::IAM::AssumeRolePolicyDocument. Without a resource
 * type AWS still recognises one (no MISSING_RESOURCE for a trust policy sent as RESOURCE_POLICY, as in the
 * CLI's validate-policy example): Strongbox takes a statement whose actions are all `sts:` actions as one.
 */
export function isTrustStatement(
  policyType: ValidatePolicyType,
  resourceType: ValidatePolicyResourceType | undefined,
  s: StatementModel,
): boolean {
  if (policyType !== 'RESOURCE_POLICY') return false;
  if (resourceType !== undefined) return resourceType === 'AWS::IAM::AssumeRolePolicyDocument';
  const actions = s.action?.items ?? [];
  return actions.length > 0 && actions.every((a) => a.value.toLowerCase().startsWith('sts:'));
}
