/**
 * LookupEvents: the event history of the caller's account in this region — management events, newest
 * first, one lookup attribute at most, a time range, pages of up to 50 with an opaque NextToken.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
 */
import type { LookupAttributeKey, LookupQuery } from '../audit/audit-ports.js';
import type { CloudTrailEvent } from '../audit/cloudtrail-event.js';
import type { JsonContext, JsonOperation } from '../json-protocol/types.js';
import { cloudTrailCheck, type CloudTrailDeps } from './cloudtrail-deps.js';
import { cloudTrailError } from './cloudtrail-errors.js';
import { lookupResources, lookupUsername } from './lookup-fields.js';

const KEYS: readonly LookupAttributeKey[] = [
  'EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId',
];
export const DEFAULT_MAX_RESULTS = 50;

/** LookupAttributes: "Currently the list can contain only one item"; AttributeValue 1..2000 characters. */
function readAttribute(ctx: JsonContext): LookupQuery['attribute'] {
  const list = ctx.input.optionalStructureList('LookupAttributes') ?? [];
  if (list.length === 0) return undefined;
  const bad = (message: string) => cloudTrailError('InvalidLookupAttributesException', { message });
  if (list.length > 1) throw bad('You cannot specify more than one lookup attribute.');
  const key = list[0].optionalString('AttributeKey');
  const value = list[0].optionalString('AttributeValue');
  if (key === undefined || !KEYS.includes(key as LookupAttributeKey)) throw bad(`Invalid attribute key: ${String(key)}`);
  if (value === undefined || value.length < 1 || value.length > 2000) throw bad('AttributeValue must have 1 to 2000 characters.');
  if (key === 'ReadOnly' && value !== 'true' && value !== 'false') throw bad('ReadOnly must be true or false.');
  return { key: key as LookupAttributeKey, value };
}

function readQuery(deps: CloudTrailDeps, ctx: JsonContext): LookupQuery {
  const attribute = readAttribute(ctx);
  const startTime = ctx.input.optionalTimestamp('StartTime');
  const endTime = ctx.input.optionalTimestamp('EndTime');
  if (startTime && endTime && startTime.getTime() > endTime.getTime()) throw cloudTrailError('InvalidTimeRangeException');
  const raw = ctx.input.optionalInt('MaxResults');
  if (raw !== undefined && (raw < 1 || raw > DEFAULT_MAX_RESULTS)) throw cloudTrailError('InvalidMaxResultsException');
  const nextToken = ctx.input.optionalString('NextToken');
  return {
    accountId: ctx.accountId,
    region: deps.region,
    ...(attribute ? { attribute } : {}),
    ...(startTime ? { startTime } : {}),
    ...(endTime ? { endTime } : {}),
    maxResults: raw ?? DEFAULT_MAX_RESULTS,
    ...(nextToken !== undefined ? { nextToken } : {}),
  };
}

/** The `Event` structure: CloudTrailEvent is the event as delivered, a JSON string. */
export function eventShape(e: CloudTrailEvent): Record<string, unknown> {
  return {
    EventId: e.eventID,
    EventName: e.eventName,
    ReadOnly: String(e.readOnly),
    AccessKeyId: e.userIdentity.accessKeyId || undefined,
    EventTime: new Date(e.eventTime),
    EventSource: e.eventSource,
    Username: lookupUsername(e),
    Resources: lookupResources(e),
    CloudTrailEvent: JSON.stringify(e),
  };
}

export function lookupEventsOperation(deps: CloudTrailDeps): JsonOperation {
  return {
    name: 'LookupEvents',
    checks: async (ctx) => [cloudTrailCheck(ctx.accountId, 'LookupEvents')],
    async handler(ctx) {
      const query = readQuery(deps, ctx);
      // Insights events: Strongbox has none, so asking for them finds nothing.
      const category = ctx.input.optionalString('EventCategory');
      if (category !== undefined && category !== 'insight') throw cloudTrailError('InvalidEventCategoryException');
      if (category === 'insight') return { Events: [] };
      const page = deps.events.lookup(query);
      if (page === 'InvalidNextToken') throw cloudTrailError('InvalidNextTokenException');
      return { Events: page.events.map(eventShape), NextToken: page.nextToken };
    },
  };
}
