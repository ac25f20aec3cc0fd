import type { OrganizationRow, OrgUnitRow } from '../iam/store/types.js';
import type { JsonContext, JsonOperation } from '../json-protocol/types.js';
import { managedOrganization, orgCheck, organizationForChecks } from './access.js';
import { ouArn, targetArn } from './arns.js';
import type { OrganizationsDeps } from './deps.js';
import { constraintViolation, orgError } from './errors.js';
import { newOrganizationalUnitId } from './ids.js';
import { paginate, readTags, requestTagContext, resourceTagContext } from './request-helpers.js';
import { RULES } from './rules.js';
import { ancestry, orgPath, ouShape } from './shapes.js';

/** Organizational units and the tree: parents, children. */

async function unitCheck(deps: OrganizationsDeps, ctx: JsonContext, action: string) {
  const org = await organizationForChecks(deps);
  const id = ctx.input.requiredString('OrganizationalUnitId', RULES.ouId);
  if (!org) return [orgCheck(ctx, action)];
  return [orgCheck(ctx, action, ouArn(org, id), resourceTagContext(await deps.store.organizations.listTags(id)))];
}

async function parentCheck(deps: OrganizationsDeps, ctx: JsonContext, action: string, context = {}) {
  const org = await organizationForChecks(deps);
  const parentId = ctx.input.requiredString('ParentId', RULES.parentId);
  return [orgCheck(ctx, action, org ? targetArn(org, parentId) : '*', context)];
}

async function mustGetUnit(deps: OrganizationsDeps, id: string): Promise<OrgUnitRow> {
  const u = await deps.store.organizations.getUnit(id);
  if (!u) throw orgError('OrganizationalUnitNotFoundException');
  return u;
}

async function shapeOf(deps: OrganizationsDeps, org: OrganizationRow, u: OrgUnitRow) {
  return ouShape(org, u, orgPath(org, await ancestry(deps.store, org, u.id)));
}

/** ParentNotFoundException for a parent that is neither the root nor an OU; the parent's depth otherwise. */
async function parentDepth(deps: OrganizationsDeps, org: OrganizationRow, parentId: string): Promise<number> {
  if (parentId !== org.rootId && (await deps.store.organizations.getUnit(parentId)) === undefined)
    throw orgError('ParentNotFoundException');
  return (await ancestry(deps.store, org, parentId)).length - 1;
}

async function countUnits(deps: OrganizationsDeps, parentId: string): Promise<number> {
  let n = 0;
  for (const u of await deps.store.organizations.listUnits(parentId)) n += 1 + (await countUnits(deps, u.id));
  return n;
}

export function unitOperations(deps: OrganizationsDeps): JsonOperation[] {
  const { store } = deps;
  return [
    {
      name: 'CreateOrganizationalUnit',
      checks: async (ctx) =>
        parentCheck(deps, ctx, 'CreateOrganizationalUnit', requestTagContext(readTags(ctx.input, deps.limits))),
      handler: async (ctx) => {
        const parentId = ctx.input.requiredString('ParentId', RULES.parentId);
        const name = ctx.input.requiredString('Name', RULES.ouName);
        const tags = readTags(ctx.input, deps.limits);
        const org = await managedOrganization(deps, ctx);
        if ((await parentDepth(deps, org, parentId)) >= deps.limits.ouDepth) {
          throw constraintViolation(
            'OU_DEPTH_LIMIT_EXCEEDED',
            `You can nest OUs at most ${deps.limits.ouDepth} levels deep under the root.`,
          );
        }
        if ((await countUnits(deps, org.rootId)) >= deps.limits.organizationalUnits) {
          throw constraintViolation(
            'OU_NUMBER_LIMIT_EXCEEDED',
            'You have reached the maximum number of OUs in the organization.',
          );
        }
        const unit: OrgUnitRow = { id: newOrganizationalUnitId(org.rootId), parentId, name, createdAt: deps.now() };
        await store.organizations.createUnit(unit, tags);
        return { OrganizationalUnit: await shapeOf(deps, org, unit) };
      },
    },
    {
      name: 'DescribeOrganizationalUnit',
      checks: async (ctx) => unitCheck(deps, ctx, 'DescribeOrganizationalUnit'),
      handler: async (ctx) => {
        const id = ctx.input.requiredString('OrganizationalUnitId', RULES.ouId);
        const org = await managedOrganization(deps, ctx);
        return { OrganizationalUnit: await shapeOf(deps, org, await mustGetUnit(deps, id)) };
      },
    },
    {
      name: 'UpdateOrganizationalUnit',
      checks: async (ctx) => unitCheck(deps, ctx, 'UpdateOrganizationalUnit'),
      handler: async (ctx) => {
        const id = ctx.input.requiredString('OrganizationalUnitId', RULES.ouId);
        const name = ctx.input.optionalString('Name', RULES.ouName);
        const org = await managedOrganization(deps, ctx);
        const unit = name === undefined ? await mustGetUnit(deps, id) : await store.organizations.renameUnit(id, name);
        return { OrganizationalUnit: await shapeOf(deps, org, unit) };
      },
    },
    {
      name: 'DeleteOrganizationalUnit',
      checks: async (ctx) => unitCheck(deps, ctx, 'DeleteOrganizationalUnit'),
      handler: async (ctx) => {
        const id = ctx.input.requiredString('OrganizationalUnitId', RULES.ouId);
        await managedOrganization(deps, ctx);
        await store.organizations.deleteUnit(id);
        return undefined;
      },
    },
    {
      name: 'ListOrganizationalUnitsForParent',
      checks: async (ctx) => parentCheck(deps, ctx, 'ListOrganizationalUnitsForParent'),
      handler: async (ctx) => {
        const parentId = ctx.input.requiredString('ParentId', RULES.parentId);
        const org = await managedOrganization(deps, ctx);
        await parentDepth(deps, org, parentId);
        const path = orgPath(org, await ancestry(store, org, parentId));
        const page = paginate(await store.organizations.listUnits(parentId), (u) => u.id, ctx.input);
        return {
          OrganizationalUnits: page.items.map((u) => ouShape(org, u, `${path}${u.id}/`)),
          NextToken: page.NextToken,
        };
      },
    },
    {
      name: 'ListChildren',
      checks: async (ctx) => parentCheck(deps, ctx, 'ListChildren'),
      handler: async (ctx) => {
        const parentId = ctx.input.requiredString('ParentId', RULES.parentId);
        const childType = ctx.input.requiredString('ChildType', RULES.childType);
        const org = await managedOrganization(deps, ctx);
        await parentDepth(deps, org, parentId);
        const ids =
          childType === 'ACCOUNT'
            ? (await store.organizations.listAccounts(parentId)).map((a) => a.accountId)
            : (await store.organizations.listUnits(parentId)).map((u) => u.id);
        const page = paginate(ids, (id) => id, ctx.input);
        return { Children: page.items.map((Id) => ({ Id, Type: childType })), NextToken: page.NextToken };
      },
    },
    {
      name: 'ListParents',
      checks: async (ctx) => {
        const org = await organizationForChecks(deps);
        const childId = ctx.input.requiredString('ChildId', RULES.childId);
        return [orgCheck(ctx, 'ListParents', org ? targetArn(org, childId) : '*')];
      },
      handler: async (ctx) => {
        const childId = ctx.input.requiredString('ChildId', RULES.childId);
        await managedOrganization(deps, ctx);
        const parentId = childId.startsWith('ou-')
          ? (await store.organizations.getUnit(childId))?.parentId
          : (await store.organizations.getAccount(childId))?.parentId;
        if (parentId === undefined) throw orgError('ChildNotFoundException');
        const page = paginate([parentId], (id) => id, ctx.input);
        return {
          Parents: page.items.map((Id) => ({ Id, Type: Id.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT' })),
          NextToken: page.NextToken,
        };
      },
    },
  ];
}
