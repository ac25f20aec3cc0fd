/**
 * PutEventSelectors and GetEventSelectors: which events a trail logs. A trail has basic or advanced
 * selectors; putting one kind replaces the other.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetEventSelectors.html
 */
import type { TrailRecord } from '../audit/audit-ports.js';
import type { JsonOperation } from '../json-protocol/types.js';
import { cloudTrailCheck, type CloudTrailDeps } from './cloudtrail-deps.js';
import { trailNotFound } from './cloudtrail-errors.js';
import { readSelectors } from './event-selector-rules.js';
import { existingTrail, namedTrail } from './trail-ops.js';
import { arnOf, DEFAULT_EVENT_SELECTORS } from './trail-shapes.js';

function selectorsShape(t: TrailRecord): Record<string, unknown> {
  return t.advancedEventSelectors !== undefined
    ? { TrailARN: arnOf(t), AdvancedEventSelectors: t.advancedEventSelectors }
    : { TrailARN: arnOf(t), EventSelectors: t.eventSelectors ?? DEFAULT_EVENT_SELECTORS };
}

export function eventSelectorOperations(deps: CloudTrailDeps): JsonOperation[] {
  return [
    {
      name: 'PutEventSelectors',
      checks: async (ctx) => [cloudTrailCheck(ctx.accountId, 'PutEventSelectors', namedTrail(deps, ctx, 'TrailName').arn)],
      async handler(ctx) {
        const t = existingTrail(deps, ctx, 'TrailName');
        const selectors = readSelectors(ctx.input);
        const updated = deps.trails.update(ctx.accountId, t.name, (cur) => {
          const { eventSelectors: _b, advancedEventSelectors: _a, ...rest } = cur;
          return { ...rest, ...selectors };
        });
        if (updated === undefined) throw trailNotFound(arnOf(t));
        return selectorsShape(updated);
      },
    },
    {
      name: 'GetEventSelectors',
      checks: async (ctx) => [cloudTrailCheck(ctx.accountId, 'GetEventSelectors', namedTrail(deps, ctx, 'TrailName').arn)],
      handler: async (ctx) => selectorsShape(existingTrail(deps, ctx, 'TrailName')),
    },
  ];
}
