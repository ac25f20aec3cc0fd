/**
 * `strongbox audit check ...` (issue #18's CLI, its first part): IAM Access Analyzer's policy checks on
 * policy files, run locally by the same code the server's `access-analyzer` API runs (no server, no
 * credentials), so a policy kept under source control can be checked before it is applied — in CI, say.
 * Human-readable output by default, `--json` for the API's response shape. Exit status: 0 nothing to act
 * on (no ERROR or SECURITY_WARNING finding; PASS), 1 something to act on (FAIL), 2 usage or an
 * unreadable file.
 */
import { readFileSync } from 'node:fs';
import { isServiceError } from '../errors/service-error.js';
import {
  checkAccessNotGranted,
  checkNoNewAccess,
  checkNoPublicAccess,
  type PolicyCheckResult,
} from '../accessanalyzer/policy-checks.js';
import { validatePolicy, type ValidatePolicyFinding } from '../accessanalyzer/validate-policy.js';
import { AUDIT_DATA_USAGE, runAuditDataCommand } from './audit-data-command.js';
import { one, optional, optionalOneOf, oneOf, parseArgs, required, UsageError } from './audit-args.js';
import {
  CHECK_POLICY_TYPES,
  CHECK_RESOURCE_TYPES,
  POLICY_TYPES,
  VALIDATE_RESOURCE_TYPES,
} from '../accessanalyzer/access-analyzer-protocol.js';

export const AUDIT_USAGE = `usage: strongbox audit check validate --policy-type TYPE [--resource-type RTYPE] [--json] FILE
       strongbox audit check no-new-access --policy-type IDENTITY_POLICY|RESOURCE_POLICY --existing FILE --new FILE [--json]
       strongbox audit check access-not-granted --policy-type IDENTITY_POLICY|RESOURCE_POLICY
                                   [--action ACTION]... [--resource ARN]... [--json] FILE
       strongbox audit check no-public-access --resource-type RTYPE [--json] FILE
  IAM Access Analyzer's ValidatePolicy, CheckNoNewAccess, CheckAccessNotGranted and CheckNoPublicAccess on
  policy files, computed locally. TYPE: IDENTITY_POLICY, RESOURCE_POLICY, SERVICE_CONTROL_POLICY,
  RESOURCE_CONTROL_POLICY. RTYPE: AWS::S3::Bucket, AWS::IAM::AssumeRolePolicyDocument, AWS::KMS::Key ...
  Exit status: 0 nothing to act on, 1 an ERROR or SECURITY_WARNING finding or a FAIL, 2 usage.
${AUDIT_DATA_USAGE}`;

export interface AuditIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readFile?: (path: string) => string;
}

const VALUE_OPTIONS = new Set(['--policy-type', '--resource-type', '--existing', '--new', '--action', '--resource']);

export function runAuditCommand(argv: readonly string[], io: AuditIo): number {
  if (argv.length === 0 || argv.some((a) => a === '--help' || a === '-h' || a === 'help')) {
    io.stdout(`${AUDIT_USAGE}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  const read = io.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  try {
    const [verb, check, ...rest] = argv;
    if (verb === 'findings' || verb === 'history' || verb === 'generate' || verb === 'alerts')
      return runAuditDataCommand(verb, argv.slice(1), io);
    if (verb !== 'check') throw new UsageError(`unknown audit command '${verb ?? ''}'`);
    const args = parseArgs(rest, VALUE_OPTIONS);
    const policy = (path: string) => {
      try {
        return read(path);
      } catch (e) {
        throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
      }
    };
    switch (check) {
      case 'validate':
        return report(
          io,
          args.json,
          validatePolicy({
            policyDocument: policy(one(args.files, 'FILE')),
            policyType: oneOf(required(args, '--policy-type'), POLICY_TYPES),
            validatePolicyResourceType: optionalOneOf(optional(args, '--resource-type'), VALIDATE_RESOURCE_TYPES),
          }),
        );
      case 'no-new-access':
        return verdict(
          io,
          args.json,
          checkNoNewAccess({
            existingPolicyDocument: policy(required(args, '--existing')),
            newPolicyDocument: policy(required(args, '--new')),
            policyType: oneOf(required(args, '--policy-type'), CHECK_POLICY_TYPES),
          }),
        );
      case 'access-not-granted':
        return verdict(
          io,
          args.json,
          checkAccessNotGranted({
            policyDocument: policy(one(args.files, 'FILE')),
            access: [{ actions: args.options.get('--action'), resources: args.options.get('--resource') }],
            policyType: oneOf(required(args, '--policy-type'), CHECK_POLICY_TYPES),
          }),
        );
      case 'no-public-access':
        return verdict(
          io,
          args.json,
          checkNoPublicAccess({
            policyDocument: policy(one(args.files, 'FILE')),
            resourceType: oneOf(required(args, '--resource-type'), CHECK_RESOURCE_TYPES),
          }),
        );
      default:
        throw new UsageError(`unknown check '${check ?? ''}'`);
    }
  } catch (e) {
    if (!(e instanceof UsageError) && !isServiceError(e)) throw e;
    io.stderr(`strongbox audit: ${isServiceError(e) ? `${e.code}: ${e.message}` : e.message}\n${AUDIT_USAGE}\n`);
    return 2;
  }
}

/** ValidatePolicy's findings: one line each (type, code, line:column, details), or the API's JSON. */
function report(io: AuditIo, json: boolean, findings: readonly ValidatePolicyFinding[]): number {
  if (json) io.stdout(`${JSON.stringify({ findings }, null, 2)}\n`);
  else if (findings.length === 0) io.stdout('no findings\n');
  else {
    for (const f of findings) {
      const at = f.locations[0]?.span.start;
      io.stdout(
        `${f.findingType.padEnd(16)} ${f.issueCode.padEnd(40)} ${at ? `${at.line}:${at.column}` : '-'}\n  ${f.findingDetails}\n  ${f.learnMoreLink}\n`,
      );
    }
  }
  return findings.some((f) => f.findingType === 'ERROR' || f.findingType === 'SECURITY_WARNING') ? 1 : 0;
}

function verdict(io: AuditIo, json: boolean, result: PolicyCheckResult): number {
  if (json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else {
    io.stdout(`${result.result}: ${result.message}\n`);
    for (const r of result.reasons) io.stdout(`  ${r.description ?? ''}\n`);
  }
  return result.result === 'PASS' ? 0 : 1;
}
