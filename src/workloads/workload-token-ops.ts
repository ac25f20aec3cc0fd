import { instanceProfileArn, roleArn } from '../iam/arn.js';
import type { IamStore, InstanceProfileRow, RoleRow, WorkloadTokenRow } from '../iam/store/types.js';
import type { StringRules } from '../json-protocol/json-input.js';
import type { JsonContext, JsonOperation, JsonResult } from '../json-protocol/types.js';
import { perRequest } from '../protocol/per-request.js';
import type { AuthzCheck } from '../server/protocol.js';
import { workloadsError } from './errors.js';
import {
  newWorkloadToken,
  newWorkloadTokenId,
  TOKEN_ID_PATTERN,
  workloadTokenSha256,
} from './workload-token-secret.js';

export interface WorkloadsDeps {
  readonly store: IamStore;
  readonly now: () => Date;
}

/**
 * The service principal a workload token hands its role to. Its credentials are what an EC2
 * instance's are, so the role's trust policy must allow `ec2.amazonaws.com` — a role copied from AWS
 * works unchanged — and creating a token needs `iam:PassRole` with `iam:PassedToService` set to it.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
 */
export const WORKLOAD_SERVICE_PRINCIPAL = 'ec2.amazonaws.com';

/** Member constraints, after IAM's for the same values (instanceProfileNameType, roleDescriptionType). */
const RULES = {
  instanceProfileName: { min: 1, max: 128, pattern: '[\\w+=,.@-]+' },
  description: { max: 1000, pattern: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*' },
  tokenId: { min: 20, max: 20, pattern: TOKEN_ID_PATTERN },
  nextToken: { min: 1, max: 1024 },
} satisfies Record<string, StringRules>;
const MAX_RESULTS = { min: 1, max: 100 };

/** `arn:aws:workloads::<account>:workload-token/<id>` (no region: tokens are account-wide, like IAM). */
export function workloadTokenArn(accountId: string, tokenId: string): string {
  return `arn:aws:workloads::${accountId}:workload-token/${tokenId}`;
}

function check(ctx: JsonContext, action: string, resource: string): AuthzCheck {
  return { action: `workloads:${action}`, resource, resourceAccount: ctx.accountId, context: {} };
}

interface CreateRequest {
  readonly name: string;
  readonly description: string | undefined;
  readonly profile: InstanceProfileRow | undefined;
  readonly role: RoleRow | undefined;
}

/** The role an instance profile holds (at most one), if it still exists. */
export async function roleOfProfile(store: IamStore, profile: InstanceProfileRow): Promise<RoleRow | undefined> {
  const roleId = profile.roleIds[0];
  return roleId === undefined ? undefined : store.roles.getById(roleId);
}

/**
 * CreateWorkloadToken, ListWorkloadTokens, RevokeWorkloadToken. Deviation from AWS: not an AWS API
 * (docs/ARCHITECTURE.md, "Workload credentials"); it follows the AWS JSON protocol's conventions.
 */
export function workloadTokenOperations(deps: WorkloadsDeps): JsonOperation[] {
  return [createOperation(deps), listOperation(deps), revokeOperation(deps)];
}

/**
 * The token hands the profile's role to a workload, as launching an instance with a profile does:
 * iam:PassRole on the role, for the EC2 service principal. A missing profile or role is reported by
 * the handler, once the caller is known to be allowed to create tokens at all.
 */
function createOperation(deps: WorkloadsDeps): JsonOperation {
  const { store } = deps;
  const prepare = perRequest(async (ctx: JsonContext): Promise<CreateRequest> => {
    const name = ctx.input.requiredString('InstanceProfileName', RULES.instanceProfileName);
    const description = ctx.input.optionalString('Description', RULES.description);
    const profile = await store.instanceProfiles.getByName(ctx.accountId, name);
    return { name, description, profile, role: profile && (await roleOfProfile(store, profile)) };
  });
  return {
    name: 'CreateWorkloadToken',
    checks: async (ctx) => {
      const { role } = await prepare(ctx);
      const checks = [check(ctx, 'CreateWorkloadToken', '*')];
      if (role) {
        checks.push({
          action: 'iam:PassRole',
          resource: roleArn(role.accountId, role.path, role.roleName),
          resourceAccount: role.accountId,
          context: { 'iam:PassedToService': WORKLOAD_SERVICE_PRINCIPAL },
        });
      }
      return checks;
    },
    handler: async (ctx) => {
      const r = await prepare(ctx);
      if (!r.profile) {
        throw workloadsError('NoSuchEntityException', { message: `Instance Profile ${r.name} cannot be found.` });
      }
      if (!r.role) throw workloadsError('ValidationException', { message: `Instance Profile ${r.name} holds no role.` });
      const token = newWorkloadToken();
      const row = await store.workloadTokens.create({
        tokenId: newWorkloadTokenId(),
        accountId: ctx.accountId,
        instanceProfileId: r.profile.instanceProfileId,
        tokenSha256: workloadTokenSha256(token),
        description: r.description,
        createdByArn: ctx.caller.arn,
      });
      return {
        TokenId: row.tokenId,
        Token: token,
        InstanceProfileArn: profileArnOf(r.profile),
        RoleArn: roleArn(r.role.accountId, r.role.path, r.role.roleName),
        CreatedAt: row.createdAt,
      };
    },
  };
}

function listOperation({ store }: WorkloadsDeps): JsonOperation {
  return {
    name: 'ListWorkloadTokens',
    checks: async (ctx) => [check(ctx, 'ListWorkloadTokens', '*')],
    handler: async (ctx) => {
      const max = ctx.input.optionalInt('MaxResults', MAX_RESULTS) ?? MAX_RESULTS.max;
      const next = ctx.input.optionalString('NextToken', RULES.nextToken);
      const all = await store.workloadTokens.list(ctx.accountId);
      const start = next === undefined ? 0 : startAfter(all, next);
      const page = all.slice(start, start + max);
      const more = start + max < all.length;
      return {
        WorkloadTokens: await Promise.all(page.map((t) => tokenShape(store, t))),
        NextToken: more ? nextTokenFor(page[page.length - 1]) : undefined,
      };
    },
  };
}

function revokeOperation(deps: WorkloadsDeps): JsonOperation {
  return {
    name: 'RevokeWorkloadToken',
    checks: async (ctx) => {
      const id = ctx.input.requiredString('TokenId', RULES.tokenId);
      return [check(ctx, 'RevokeWorkloadToken', workloadTokenArn(ctx.accountId, id))];
    },
    handler: async (ctx) => {
      const id = ctx.input.requiredString('TokenId', RULES.tokenId);
      const row = await deps.store.workloadTokens.revoke(ctx.accountId, id, deps.now());
      if (!row) throw workloadsError('NoSuchEntityException', { message: `Workload token ${id} cannot be found.` });
      return { WorkloadToken: await tokenShape(deps.store, row) };
    },
  };
}

function profileArnOf(p: InstanceProfileRow): string {
  return instanceProfileArn(p.accountId, p.path, p.instanceProfileName);
}

/**
 * A token as listed: the profile and the role it stands for now (a profile's role may be replaced;
 * the token follows the profile, as an instance does). Both are left out once they no longer exist.
 */
async function tokenShape(store: IamStore, t: WorkloadTokenRow): Promise<JsonResult> {
  const profile = await store.instanceProfiles.getById(t.instanceProfileId);
  const role = profile && (await roleOfProfile(store, profile));
  return {
    TokenId: t.tokenId,
    Arn: workloadTokenArn(t.accountId, t.tokenId),
    Status: t.revokedAt === undefined ? 'Active' : 'Revoked',
    InstanceProfileId: t.instanceProfileId,
    InstanceProfileArn: profile && profileArnOf(profile),
    RoleArn: role && roleArn(role.accountId, role.path, role.roleName),
    Description: t.description,
    CreatedAt: t.createdAt,
    CreatedBy: t.createdByArn,
    RevokedAt: t.revokedAt,
  };
}

/** NextToken: opaque to callers, the id of the last token returned (tokens are never deleted). */
function nextTokenFor(last: WorkloadTokenRow): string {
  return Buffer.from(`v1:${last.tokenId}`, 'utf8').toString('base64');
}

function startAfter(all: readonly WorkloadTokenRow[], nextToken: string): number {
  const m = /^v1:(wt-[a-z2-7]{17})$/.exec(Buffer.from(nextToken, 'base64').toString('utf8'));
  const i = m ? all.findIndex((t) => t.tokenId === m[1]) : -1;
  if (i < 0) throw workloadsError('ValidationException', { message: 'The NextToken value is not valid.' });
  return i + 1;
}
