/**
 * DescribeTrails and ListTrails: the trails of the caller's account. Strongbox serves one region, so
 * there are no shadow trails (a multi-Region trail seen from another region): includeShadowTrails
 * changes nothing.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DescribeTrails.html
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_ListTrails.html
 */
import type { TrailRecord } from '../audit/audit-ports.js';
import type { JsonContext, JsonOperation } from '../json-protocol/types.js';
import { cloudTrailCheck, type CloudTrailDeps } from './cloudtrail-deps.js';
import { isServiceError } from '../errors/service-error.js';
import { trailNameOf } from './trail-names.js';
import { arnOf, trailShape } from './trail-shapes.js';

/**
 * trailNameList: names or ARNs; names that are not valid are InvalidTrailNameException, malformed ARNs
 * CloudTrailARNInvalidException; trails that do not exist (or ARNs of another account or region) are
 * left out of the answer, not an error. An empty or absent list: every trail.
 */
function describedTrails(deps: CloudTrailDeps, ctx: JsonContext): TrailRecord[] {
  ctx.input.optionalBoolean('includeShadowTrails');
  const refs = ctx.input.optionalStringList('trailNameList') ?? [];
  const all = deps.trails.list(ctx.accountId);
  if (refs.length === 0) return [...all];
  const wanted = new Set<string>();
  for (const ref of refs) {
    try {
      wanted.add(trailNameOf(ref, { accountId: ctx.accountId, region: deps.region }));
    } catch (e) {
      if (!(isServiceError(e) && e.code === 'TrailNotFoundException')) throw e;
    }
  }
  return all.filter((t) => wanted.has(t.name));
}

export function describeTrailsOperation(deps: CloudTrailDeps): JsonOperation {
  return {
    name: 'DescribeTrails',
    checks: async (ctx) => [cloudTrailCheck(ctx.accountId, 'DescribeTrails')],
    handler: async (ctx) => ({ trailList: describedTrails(deps, ctx).map(trailShape) }),
  };
}

/** Every trail of the account (one region: one page; NextToken is never needed). */
export function listTrailsOperation(deps: CloudTrailDeps): JsonOperation {
  return {
    name: 'ListTrails',
    checks: async (ctx) => [cloudTrailCheck(ctx.accountId, 'ListTrails')],
    async handler(ctx) {
      ctx.input.optionalString('NextToken');
      const trails = deps.trails.list(ctx.accountId);
      return { Trails: trails.map((t) => ({ TrailARN: arnOf(t), Name: t.name, HomeRegion: t.homeRegion })) };
    },
  };
}
