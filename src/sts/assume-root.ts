import type { CallerSession } from '../identity/caller.js';
import { optionalInt, requiredString } from '../query/params.js';
import { perRequest } from '../protocol/per-request.js';
import type { QueryContext, QueryOperation } from '../query/types.js';
import { issueCredentials } from './issue-credentials.js';
import type { StsDeps } from './sts-deps.js';
import { stsError } from './sts-errors.js';

/** The AWS managed task policies AssumeRoot accepts (path `/root-task/`). */
const TASK_POLICY_PREFIX = 'arn:aws:iam::aws:policy/root-task/';

/**
 * sts:AssumeRoot: a short (at most 15 minutes) root session on a member account, limited to one AWS
 * managed task policy, for a principal of the management account once the organization has enabled
 * root sessions (centralized root access). The task policy is the session's session policy.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html
 */
export function assumeRootOperation(deps: StsDeps): QueryOperation {
  const prepare = perRequest((ctx: QueryContext) => readRequest(deps, ctx));
  return {
    name: 'AssumeRoot',
    checks: async (ctx) => {
      const r = await prepare(ctx);
      // Authorized by the caller's identity policies in the management account (there is no policy
      // on the member's root to consult): the check is owned by the caller's account.
      return [{ action: 'sts:AssumeRoot', resource: `arn:aws:iam::${r.target}:root`, resourceAccount: ctx.caller.accountId, context: { 'sts:TaskPolicyArn': r.taskPolicyArn } }];
    },
    handler: async (ctx) => {
      const r = await prepare(ctx);
      const now = deps.now();
      const session: CallerSession = {
        issuer: 'AssumeRoot',
        issuedAt: now,
        expiresAt: new Date(now.getTime() + r.durationSeconds * 1000),
        policyArns: [r.taskPolicyArn],
      };
      return { Credentials: await issueCredentials(deps, { kind: 'Root', accountId: r.target }, session) };
    },
  };
}

async function readRequest(deps: StsDeps, ctx: QueryContext): Promise<{ target: string; taskPolicyArn: string; durationSeconds: number }> {
  const target = requiredString(ctx.params, 'TargetPrincipal', { min: 12, max: 2048 });
  const taskPolicyArn = requiredString(ctx.params, 'TaskPolicyArn.arn', { min: 20, max: 2048 });
  const durationSeconds = optionalInt(ctx.params, 'DurationSeconds', { min: 0, max: 900 }) ?? 900;
  if (ctx.caller.session) throw stsError('AccessDenied', { message: 'Cannot call AssumeRoot with session credentials of this kind' });
  if (!taskPolicyArn.startsWith(TASK_POLICY_PREFIX) || !deps.awsManaged.get(taskPolicyArn)) {
    throw stsError('ValidationError', { message: `The task policy ${taskPolicyArn} is not a valid root task policy.` });
  }
  if (!/^\d{12}$/.test(target)) throw stsError('ValidationError', { message: 'TargetPrincipal must be the account ID of a member account.' });
  const org = await deps.store.organizations.get();
  const member = await deps.store.organizations.getAccount(target);
  if (!org || org.managementAccountId !== ctx.caller.accountId || !member || target === org.managementAccountId) {
    throw stsError('AccessDenied', { message: `The caller is not allowed to assume root in account ${target}.` });
  }
  if (!org.rootSessions) throw stsError('AccessDenied', { message: 'Root sessions are not enabled for the organization (EnableOrganizationsRootSessions).' });
  if (durationSeconds < 1) throw stsError('ValidationError', { message: 'DurationSeconds must be between 1 and 900.' });
  return { target, taskPolicyArn, durationSeconds };
}
