import type { FindingRecord } from '../auditor/auditor-types.js';
import { attributeValues, matchesFilter } from '../auditor/finding-filter.js';
import { POSTURE_FINDING_TYPES, type PostureFindingType } from '../auditor/security-posture/posture-types.js';
import { ServiceError } from '../errors/service-error.js';
import type { JsonInput } from '../json-protocol/json-input.js';
import type { RestJsonOperation } from '../json-protocol/rest-json-protocol.js';
import type { JsonContext } from '../json-protocol/types.js';
import type { AuthzCheck } from '../server/protocol.js';
import {
  analyzerByArn,
  filterOf,
  invalidToken,
  notFound,
  pageOf,
  tokenIndex,
  type AnalyzerDeps,
} from './analyzer-operations.js';

/**
 * Access Analyzer's findings (issue #18): ListFindings / GetFinding (external access analyzers),
 * ListFindingsV2 / GetFindingV2 (every analyzer type), UpdateFindings (archive, unarchive) and
 * StartResourceScan. Authorized as `access-analyzer:<action>` on the analyzer's ARN; GetFindingV2 and
 * ListFindingsV2 use GetFinding and ListFindings, as AWS documents.
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_ListFindingsV2.html
 */

function onAnalyzer(action: string, member: string): (ctx: JsonContext) => Promise<readonly AuthzCheck[]> {
  return async (ctx) => [
    {
      action: `access-analyzer:${action}`,
      resource: ctx.input.requiredString(member),
      resourceAccount: undefined,
      context: {},
    },
  ];
}

/** The members of ExternalAccessDetails a finding keeps in its details. */
const EXTERNAL_MEMBERS = [
  'principal',
  'action',
  'condition',
  'isPublic',
  'sources',
  'resourceControlPolicyRestriction',
] as const;

/** FindingDetails' members other than externalAccessDetails (botocore's model). */
const UNION_MEMBERS = [
  'internalAccessDetails',
  'unusedPermissionDetails',
  'unusedIamUserAccessKeyDetails',
  'unusedIamRoleDetails',
  'unusedIamUserPasswordDetails',
] as const;

/** Finding / FindingSummary (external access). */
function findingV1(f: FindingRecord): Record<string, unknown> {
  const d = f.details;
  const out: Record<string, unknown> = {
    id: f.id,
    resource: f.resource,
    resourceType: f.resourceType,
    createdAt: f.createdAt,
    analyzedAt: f.analyzedAt,
    updatedAt: f.updatedAt,
    status: f.status,
    resourceOwnerAccount: f.resourceOwnerAccount,
    error: d.error,
  };
  for (const m of EXTERNAL_MEMBERS) out[m] = d[m];
  out.condition ??= {};
  return out;
}

function summaryV2(f: FindingRecord): Record<string, unknown> {
  return {
    id: f.id,
    resource: f.resource,
    resourceType: f.resourceType,
    resourceOwnerAccount: f.resourceOwnerAccount,
    createdAt: f.createdAt,
    analyzedAt: f.analyzedAt,
    updatedAt: f.updatedAt,
    status: f.status,
    error: f.details.error,
    findingType: f.findingType,
  };
}

/** FindingDetails: the member of the finding's type. */
function detailsV2(f: FindingRecord): Record<string, unknown>[] {
  // Strongbox's security-posture findings: a member of their own, which AWS's SDKs skip.
  if (POSTURE_FINDING_TYPES.includes(f.findingType as PostureFindingType))
    return [{ strongboxPostureDetails: f.details }];
  // FindingDetails is a union: exactly one member (botocore refuses more). Unused and internal access
  // keep theirs under its model name; Strongbox's own additions (severity ...) stay out of the API.
  if (f.findingType !== 'ExternalAccess') {
    const member = UNION_MEMBERS.find((m) => f.details[m] !== undefined);
    return member === undefined ? [] : [{ [member]: f.details[member] }];
  }
  const external: Record<string, unknown> = {};
  for (const m of EXTERNAL_MEMBERS) external[m] = f.details[m];
  external.condition ??= {};
  return [{ externalAccessDetails: external }];
}

/** SortCriteria: by a finding attribute, ASC (default) or DESC; without one, oldest first. */
function sorted(findings: FindingRecord[], input: JsonInput): FindingRecord[] {
  const sort = input.optionalStructure('sort');
  const attribute = sort?.optionalString('attributeName');
  if (attribute === undefined) return findings;
  const desc = sort?.optionalString('orderBy', { enum: ['ASC', 'DESC'] }) === 'DESC';
  const value = (f: FindingRecord) => {
    const raw =
      attribute in f ? (f as unknown as Record<string, unknown>)[attribute] : attributeValues(f, attribute)?.[0];
    return raw instanceof Date ? raw.toISOString() : String(raw ?? '');
  };
  return findings.sort((a, b) => (desc ? -1 : 1) * value(a).localeCompare(value(b)));
}

function listed(
  deps: AnalyzerDeps,
  ctx: JsonContext,
  externalOnly: boolean,
): { page: readonly FindingRecord[]; nextToken?: string } {
  const analyzer = analyzerByArn(deps, ctx);
  if (externalOnly && !['ACCOUNT', 'ORGANIZATION'].includes(analyzer.type)) {
    throw new ServiceError(
      'ValidationException',
      'ListFindings is supported only for external access analyzers. Use ListFindingsV2.',
      400,
      {
        fields: { reason: 'notSupported' },
      },
    );
  }
  const filter = filterOf(ctx.input, 'filter', false);
  if (ctx.input.has('sort')) {
    const all = sorted(
      deps.store.listFindings(analyzer.arn).filter((f) => matchesFilter(f, filter)),
      ctx.input,
    );
    return pageOf(all, ctx.input, DEFAULT_PAGE);
  }
  // Unsorted (oldest first): read only as far as the page needs, not every finding of a large analyzer.
  const start = tokenIndex(ctx.input.optionalString('nextToken'));
  const max = ctx.input.optionalInt('maxResults', { min: 1 }) ?? DEFAULT_PAGE;
  const page: FindingRecord[] = [];
  let index = 0;
  for (const f of deps.store.iterateFindings(analyzer.arn)) {
    if (!matchesFilter(f, filter)) continue;
    if (index++ < start) continue;
    if (page.length === max) return { page, nextToken: String(start + max) };
    page.push(f);
  }
  if (index < start) throw invalidToken();
  return { page };
}

function notFoundFinding(id: string): never {
  throw notFound('Finding', id);
}

/** Findings per page when maxResults is not given. */
const DEFAULT_PAGE = 100;

function found(deps: AnalyzerDeps, ctx: JsonContext): FindingRecord {
  const analyzer = analyzerByArn(deps, ctx);
  const id = ctx.input.requiredString('id');
  const f = deps.store.getFinding(analyzer.arn, id);
  if (f === undefined) throw notFound('Finding', id);
  return f;
}

export function findingOperations(deps: AnalyzerDeps): RestJsonOperation[] {
  const analyzerQuery = { analyzerArn: { member: 'analyzerArn', type: 'string' } } as const;
  return [
    {
      name: 'ListFindings',
      method: 'POST',
      uri: '/finding',
      checks: onAnalyzer('ListFindings', 'analyzerArn'),
      async handler(ctx) {
        const { page, nextToken } = listed(deps, ctx, true);
        return { findings: page.map(findingV1), nextToken };
      },
    },
    {
      name: 'ListFindingsV2',
      method: 'POST',
      uri: '/findingv2',
      checks: onAnalyzer('ListFindings', 'analyzerArn'),
      async handler(ctx) {
        const { page, nextToken } = listed(deps, ctx, false);
        return { findings: page.map(summaryV2), nextToken };
      },
    },
    {
      name: 'GetFinding',
      method: 'GET',
      uri: '/finding/{id}',
      query: analyzerQuery,
      checks: onAnalyzer('GetFinding', 'analyzerArn'),
      handler: async (ctx) => ({ finding: findingV1(found(deps, ctx)) }),
    },
    {
      name: 'GetFindingV2',
      method: 'GET',
      uri: '/findingv2/{id}',
      query: {
        ...analyzerQuery,
        maxResults: { member: 'maxResults', type: 'integer' },
        nextToken: { member: 'nextToken', type: 'string' },
      },
      checks: onAnalyzer('GetFinding', 'analyzerArn'),
      async handler(ctx) {
        const f = found(deps, ctx);
        const { page, nextToken } = pageOf(detailsV2(f), ctx.input);
        return { ...summaryV2(f), findingDetails: page, nextToken };
      },
    },
    {
      name: 'UpdateFindings',
      method: 'PUT',
      uri: '/finding',
      checks: onAnalyzer('UpdateFindings', 'analyzerArn'),
      async handler(ctx) {
        const analyzer = analyzerByArn(deps, ctx);
        const status = ctx.input.requiredString('status', { enum: ['ACTIVE', 'ARCHIVED'] }) as 'ACTIVE' | 'ARCHIVED';
        const ids = ctx.input.optionalStringList('ids');
        const resourceArn = ctx.input.optionalString('resourceArn');
        ctx.input.optionalString('clientToken');
        if ((ids === undefined) === (resourceArn === undefined)) {
          throw new ServiceError('ValidationException', 'Specify either ids or resourceArn.', 400, {
            fields: { reason: 'fieldValidationFailed' },
          });
        }
        const named = ids
          ? ids.map((id) => deps.store.getFinding(analyzer.arn, id) ?? notFoundFinding(id))
          : deps.store.listFindings(analyzer.arn).filter((f) => f.resource === resourceArn);
        // A resolved finding stays resolved.
        const chosen = named.filter((f) => f.status !== 'RESOLVED');
        deps.store.setFindingStatus(
          chosen.map((f) => f.id),
          status,
          deps.now(),
        );
        return undefined;
      },
    },
    {
      name: 'StartResourceScan',
      method: 'POST',
      uri: '/resource/scan',
      checks: onAnalyzer('StartResourceScan', 'analyzerArn'),
      async handler(ctx) {
        const analyzer = analyzerByArn(deps, ctx);
        ctx.input.requiredString('resourceArn');
        ctx.input.optionalString('resourceOwnerAccount');
        // Deviation from AWS: the whole analyzer is scanned again (within its job interval), not the one resource.
        deps.store.requestScan(analyzer.arn, deps.now().getTime());
        return undefined;
      },
    },
  ];
}
