import type {
  AnalyzerRecord,
  AnalyzerType,
  ArchiveRuleRecord,
  Criterion,
  FilterCriteria,
} from '../auditor/auditor-types.js';
import { ANALYZER_TYPES } from '../auditor/auditor-types.js';
import { matchesFilter as matches } from '../auditor/finding-filter.js';
import type { SqliteAuditorStore } from '../auditor/sqlite-auditor-store.js';
import { ServiceError } from '../errors/service-error.js';
import type { IamStore } from '../iam/store/types.js';
import type { JsonInput } from '../json-protocol/json-input.js';
import type { RestJsonOperation } from '../json-protocol/rest-json-protocol.js';
import type { JsonContext } from '../json-protocol/types.js';
import type { AuthzCheck } from '../server/protocol.js';

/**
 * Access Analyzer's analyzers and archive rules (issue #18): CreateAnalyzer, GetAnalyzer, ListAnalyzers,
 * DeleteAnalyzer, and Create/Get/List/Update/Delete/ApplyArchiveRule, kept in the auditor's store; the
 * auditor's job (src/auditor/auditor-job.ts) analyzes their resources. Authorized on the analyzer's ARN
 * (`arn:aws:access-analyzer:<region>:<account>:analyzer/<name>`) or the archive rule's, as the Service
 * Authorization Reference lists them.
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CreateAnalyzer.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementaccessanalyzer.html
 */

export interface AnalyzerDeps {
  readonly store: SqliteAuditorStore;
  readonly iam: IamStore;
  readonly now: () => Date;
}

/**
 * The analyzer types the auditor analyzes. Deviation from AWS: STRONGBOX_SECURITY_POSTURE is Strongbox's (Security Monkey's checks: src/auditor/security-posture), its
 * security team named by the analyzer's tag `strongbox:security-team` (ARNs of users, roles or groups,
 * separated by spaces or commas) and its key age by `strongbox:access-key-max-age-days` (default 90).
 */
const SUPPORTED_TYPES: readonly AnalyzerType[] = [
  'ACCOUNT',
  'ORGANIZATION',
  'ACCOUNT_UNUSED_ACCESS',
  'ORGANIZATION_UNUSED_ACCESS',
  'ACCOUNT_INTERNAL_ACCESS',
  'ORGANIZATION_INTERNAL_ACCESS',
  'STRONGBOX_SECURITY_POSTURE',
];
const NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;
/** AWS's quota: analyzers per Region per account (ServiceQuotaExceededException). */
const MAX_ANALYZERS = 10;

export function regionOf(ctx: JsonContext): string {
  return ctx.auth.region ?? ctx.info.region;
}

export function analyzerArn(ctx: JsonContext, name: string): string {
  return `arn:aws:access-analyzer:${regionOf(ctx)}:${ctx.accountId}:analyzer/${name}`;
}

function check(action: string, resource: string): readonly AuthzCheck[] {
  return [{ action: `access-analyzer:${action}`, resource, resourceAccount: undefined, context: {} }];
}

export function notFound(resourceType: string, resourceId: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', `${resourceType} not found: ${resourceId}`, 404, {
    fields: { resourceId, resourceType },
  });
}

function conflict(resourceType: string, resourceId: string): ServiceError {
  return new ServiceError('ConflictException', `${resourceType} ${resourceId} already exists.`, 409, {
    fields: { resourceId, resourceType },
  });
}

function analyzerName(input: JsonInput, member = 'analyzerName'): string {
  const name = input.requiredString(member, { min: 1, max: 255 });
  if (!NAME.test(name))
    throw input.problem(
      member,
      'INVALID_PATTERN',
      name,
      'Member must satisfy regular expression pattern: [A-Za-z][A-Za-z0-9_.-]*',
    );
  return name;
}

/** The caller's analyzer named in the URI, or ResourceNotFoundException. */
export function namedAnalyzer(deps: AnalyzerDeps, ctx: JsonContext): AnalyzerRecord {
  const name = ctx.input.requiredString('analyzerName');
  const a = deps.store.getAnalyzer(ctx.accountId, regionOf(ctx), name);
  if (a === undefined) throw notFound('Analyzer', name);
  return a;
}

/** The caller's analyzer an `analyzerArn` member names (another account's or Region's is not found). */
export function analyzerByArn(deps: AnalyzerDeps, ctx: JsonContext, member = 'analyzerArn'): AnalyzerRecord {
  const arn = ctx.input.requiredString(member);
  const a = deps.store.getAnalyzerByArn(arn);
  if (a === undefined || a.accountId !== ctx.accountId || a.region !== regionOf(ctx)) throw notFound('Analyzer', arn);
  return a;
}

/** FilterCriteriaMap: each key's Criterion with at least one of eq / neq / contains / exists. */
export function filterOf(input: JsonInput, member: string, required: boolean): FilterCriteria | undefined {
  const map = input.optionalStructureMap(member);
  if (map === undefined) {
    if (required) throw input.problem(member, 'INPUT_REQUIRED', undefined, 'Member must not be null');
    return undefined;
  }
  const out: Record<string, Criterion> = {};
  for (const [key, c] of Object.entries(map)) {
    const criterion: Criterion = {
      ...(c.has('eq') ? { eq: c.optionalStringList('eq') } : {}),
      ...(c.has('neq') ? { neq: c.optionalStringList('neq') } : {}),
      ...(c.has('contains') ? { contains: c.optionalStringList('contains') } : {}),
      ...(c.has('exists') ? { exists: c.optionalBoolean('exists') } : {}),
    };
    for (const list of [criterion.eq, criterion.neq, criterion.contains]) {
      if (list !== undefined && (list.length < 1 || list.length > 20)) {
        throw input.problem(
          `${member}.${key}`,
          'MAX_LENGTH_EXCEEDED',
          undefined,
          'Member must have length between 1 and 20',
        );
      }
    }
    if (Object.keys(criterion).length === 0) {
      throw new ServiceError(
        'ValidationException',
        `Invalid filter criterion for ${key}: it needs eq, neq, contains or exists.`,
        400,
        {
          fields: { reason: 'fieldValidationFailed' },
        },
      );
    }
    out[key] = criterion;
  }
  return out;
}

export function analyzerSummary(a: AnalyzerRecord): Record<string, unknown> {
  return {
    arn: a.arn,
    name: a.name,
    type: a.type,
    createdAt: a.createdAt,
    lastResourceAnalyzed: a.lastResourceAnalyzed,
    lastResourceAnalyzedAt: a.lastResourceAnalyzedAt,
    tags: a.tags,
    status: 'ACTIVE',
    configuration: a.configuration,
  };
}

function ruleSummary(r: ArchiveRuleRecord): Record<string, unknown> {
  return { ruleName: r.ruleName, filter: r.filter, createdAt: r.createdAt, updatedAt: r.updatedAt };
}

async function requireOrganizationMember(deps: AnalyzerDeps, accountId: string): Promise<void> {
  const org = await deps.iam.organizations.get();
  if (org === undefined || org.managementAccountId !== accountId) {
    throw new ServiceError(
      'ValidationException',
      'An organization analyzer can be created only in the management account of an organization.',
      400,
      {
        fields: { reason: 'notSupported' },
      },
    );
  }
}

function configurationOf(input: JsonInput, type: AnalyzerType): Record<string, unknown> | undefined {
  const c = input.optionalStructure('configuration');
  if (type.endsWith('INTERNAL_ACCESS')) return internalAccessConfiguration(c);
  const unused = c?.optionalStructure('unusedAccess');
  if (!type.endsWith('UNUSED_ACCESS')) return undefined;
  const age = unused?.optionalInt('unusedAccessAge', { min: 1, max: 365 }) ?? 90;
  return { unusedAccess: { unusedAccessAge: age } };
}

/**
 * An internal access analyzer's critical resources: `internalAccess.analysisRule.inclusions`, each with
 * accountIds, resourceTypes or resourceArns (at least one inclusion: the analysis costs principals ×
 * resources × actions, src/auditor/internal-access.ts).
 */
function internalAccessConfiguration(c: JsonInput | undefined): Record<string, unknown> {
  const rule = c?.optionalStructure('internalAccess')?.optionalStructure('analysisRule');
  const inclusions = (rule?.optionalStructureList('inclusions') ?? []).map((i) => ({
    ...(i.has('accountIds') ? { accountIds: i.optionalStringList('accountIds') } : {}),
    ...(i.has('resourceTypes') ? { resourceTypes: i.optionalStringList('resourceTypes') } : {}),
    ...(i.has('resourceArns') ? { resourceArns: i.optionalStringList('resourceArns') } : {}),
  }));
  if (inclusions.length === 0) {
    throw new ServiceError(
      'ValidationException',
      'An internal access analyzer needs configuration.internalAccess.analysisRule.inclusions naming its critical resources.',
      400,
      {
        fields: { reason: 'fieldValidationFailed' },
      },
    );
  }
  return { internalAccess: { analysisRule: { inclusions } } };
}

export function analyzerOperations(deps: AnalyzerDeps): RestJsonOperation[] {
  const createAnalyzer: RestJsonOperation = {
    name: 'CreateAnalyzer',
    method: 'PUT',
    uri: '/analyzer',
    checks: async (ctx) => check('CreateAnalyzer', analyzerArn(ctx, analyzerName(ctx.input))),
    async handler(ctx) {
      const { input } = ctx;
      const name = analyzerName(input);
      const type = input.requiredString('type', { enum: ANALYZER_TYPES }) as AnalyzerType;
      if (!SUPPORTED_TYPES.includes(type)) {
        throw new ServiceError('ValidationException', `Analyzer type ${type} is not supported by this server.`, 400, {
          fields: { reason: 'notSupported' },
        });
      }
      if (type.startsWith('ORGANIZATION')) await requireOrganizationMember(deps, ctx.accountId);
      const rules = (input.optionalStructureList('archiveRules') ?? []).map((r) => ({
        ruleName: analyzerName(r, 'ruleName'),
        filter: filterOf(r, 'filter', true)!,
      }));
      const region = regionOf(ctx);
      if (deps.store.listAnalyzers(ctx.accountId, region).length >= MAX_ANALYZERS) {
        throw new ServiceError(
          'ServiceQuotaExceededException',
          `You can have at most ${MAX_ANALYZERS} analyzers in a Region.`,
          402,
          {
            fields: { resourceId: name, resourceType: 'Analyzer' },
          },
        );
      }
      const arn = analyzerArn(ctx, name);
      const configuration = configurationOf(input, type);
      const clientToken = input.optionalString('clientToken');
      const record: AnalyzerRecord = {
        arn,
        accountId: ctx.accountId,
        region,
        name,
        type,
        createdAt: deps.now(),
        tags: input.optionalStringMap('tags') ?? {},
        ...(configuration ? { configuration } : {}),
        ...(clientToken !== undefined ? { clientToken } : {}),
      };
      if (deps.store.createAnalyzer(record, rules) === 'Exists') {
        // Only a retry of the same request (its idempotency token) gets the analyzer; any other conflicts.
        const existing = deps.store.getAnalyzer(ctx.accountId, region, name);
        if (clientToken === undefined || existing?.clientToken !== clientToken) throw conflict('Analyzer', name);
      }
      return { arn };
    },
  };
  const getAnalyzer: RestJsonOperation = {
    name: 'GetAnalyzer',
    method: 'GET',
    uri: '/analyzer/{analyzerName}',
    checks: async (ctx) => check('GetAnalyzer', analyzerArn(ctx, ctx.input.requiredString('analyzerName'))),
    handler: async (ctx) => ({ analyzer: analyzerSummary(namedAnalyzer(deps, ctx)) }),
  };
  const listAnalyzers: RestJsonOperation = {
    name: 'ListAnalyzers',
    method: 'GET',
    uri: '/analyzer',
    query: {
      nextToken: { member: 'nextToken', type: 'string' },
      maxResults: { member: 'maxResults', type: 'integer' },
      type: { member: 'type', type: 'string' },
    },
    checks: async () => check('ListAnalyzers', '*'),
    async handler(ctx) {
      const type = ctx.input.optionalString('type', { enum: ANALYZER_TYPES });
      const all = deps.store
        .listAnalyzers(ctx.accountId, regionOf(ctx))
        .filter((a) => type === undefined || a.type === type);
      const { page, nextToken } = pageOf(all, ctx.input);
      return { analyzers: page.map(analyzerSummary), nextToken };
    },
  };
  const deleteAnalyzer: RestJsonOperation = {
    name: 'DeleteAnalyzer',
    method: 'DELETE',
    uri: '/analyzer/{analyzerName}',
    query: { clientToken: { member: 'clientToken', type: 'string' } },
    checks: async (ctx) => check('DeleteAnalyzer', analyzerArn(ctx, ctx.input.requiredString('analyzerName'))),
    async handler(ctx) {
      deps.store.deleteAnalyzer(namedAnalyzer(deps, ctx).arn);
      return undefined;
    },
  };
  return [createAnalyzer, getAnalyzer, listAnalyzers, deleteAnalyzer, ...archiveRuleOperations(deps)];
}

function ruleArn(ctx: JsonContext): string {
  return `${analyzerArn(ctx, ctx.input.requiredString('analyzerName'))}/archive-rule/${ctx.input.requiredString('ruleName')}`;
}

function archiveRuleOperations(deps: AnalyzerDeps): RestJsonOperation[] {
  const putRule = (name: 'CreateArchiveRule' | 'UpdateArchiveRule'): RestJsonOperation => ({
    name,
    method: 'PUT',
    uri:
      name === 'CreateArchiveRule'
        ? '/analyzer/{analyzerName}/archive-rule'
        : '/analyzer/{analyzerName}/archive-rule/{ruleName}',
    checks: async (ctx) => check(name, ruleArn(ctx)),
    async handler(ctx) {
      const analyzer = namedAnalyzer(deps, ctx);
      const ruleName = analyzerName(ctx.input, 'ruleName');
      const filter = filterOf(ctx.input, 'filter', true)!;
      ctx.input.optionalString('clientToken');
      const existing = deps.store.getArchiveRule(analyzer.arn, ruleName);
      if (name === 'CreateArchiveRule' && existing) throw conflict('ArchiveRule', ruleName);
      if (name === 'UpdateArchiveRule' && !existing) throw notFound('ArchiveRule', ruleName);
      deps.store.putArchiveRule(analyzer.arn, ruleName, filter, deps.now());
      // AWS: a new rule archives the existing findings it matches.
      if (name === 'CreateArchiveRule') applyRule(deps, analyzer.arn, filter);
      return undefined;
    },
  });
  const getRule: RestJsonOperation = {
    name: 'GetArchiveRule',
    method: 'GET',
    uri: '/analyzer/{analyzerName}/archive-rule/{ruleName}',
    checks: async (ctx) => check('GetArchiveRule', ruleArn(ctx)),
    async handler(ctx) {
      const analyzer = namedAnalyzer(deps, ctx);
      const rule = deps.store.getArchiveRule(analyzer.arn, ctx.input.requiredString('ruleName'));
      if (rule === undefined) throw notFound('ArchiveRule', ctx.input.requiredString('ruleName'));
      return { archiveRule: ruleSummary(rule) };
    },
  };
  const listRules: RestJsonOperation = {
    name: 'ListArchiveRules',
    method: 'GET',
    uri: '/analyzer/{analyzerName}/archive-rule',
    query: {
      nextToken: { member: 'nextToken', type: 'string' },
      maxResults: { member: 'maxResults', type: 'integer' },
    },
    checks: async (ctx) => check('ListArchiveRules', analyzerArn(ctx, ctx.input.requiredString('analyzerName'))),
    async handler(ctx) {
      const { page, nextToken } = pageOf(deps.store.listArchiveRules(namedAnalyzer(deps, ctx).arn), ctx.input);
      return { archiveRules: page.map(ruleSummary), nextToken };
    },
  };
  const deleteRule: RestJsonOperation = {
    name: 'DeleteArchiveRule',
    method: 'DELETE',
    uri: '/analyzer/{analyzerName}/archive-rule/{ruleName}',
    query: { clientToken: { member: 'clientToken', type: 'string' } },
    checks: async (ctx) => check('DeleteArchiveRule', ruleArn(ctx)),
    async handler(ctx) {
      const analyzer = namedAnalyzer(deps, ctx);
      const ruleName = ctx.input.requiredString('ruleName');
      if (!deps.store.deleteArchiveRule(analyzer.arn, ruleName)) throw notFound('ArchiveRule', ruleName);
      return undefined;
    },
  };
  const applyArchiveRule: RestJsonOperation = {
    name: 'ApplyArchiveRule',
    method: 'PUT',
    uri: '/archive-rule',
    checks: async (ctx) =>
      check(
        'ApplyArchiveRule',
        `${ctx.input.requiredString('analyzerArn')}/archive-rule/${ctx.input.requiredString('ruleName')}`,
      ),
    async handler(ctx) {
      const analyzer = analyzerByArn(deps, ctx);
      const ruleName = ctx.input.requiredString('ruleName');
      const rule = deps.store.getArchiveRule(analyzer.arn, ruleName);
      if (rule === undefined) throw notFound('ArchiveRule', ruleName);
      ctx.input.optionalString('clientToken');
      applyRule(deps, analyzer.arn, rule.filter);
      return undefined;
    },
  };
  return [putRule('CreateArchiveRule'), getRule, listRules, putRule('UpdateArchiveRule'), deleteRule, applyArchiveRule];
}

/** Archives the analyzer's ACTIVE findings the filter matches. */
function applyRule(deps: AnalyzerDeps, analyzerArnValue: string, filter: FilterCriteria): void {
  const ids = deps.store
    .listFindings(analyzerArnValue)
    .filter((f) => f.status === 'ACTIVE' && matches(f, filter))
    .map((f) => f.id);
  deps.store.setFindingStatus(ids, 'ARCHIVED', deps.now());
}

/** A page of `items`: `nextToken` is the index of the next item; `maxResults` default 100. */
export function pageOf<T>(
  items: readonly T[],
  input: JsonInput,
  defaultMax = 100,
): { page: readonly T[]; nextToken?: string } {
  const start = tokenIndex(input.optionalString('nextToken'));
  if (start > items.length) throw invalidToken();
  const max = input.optionalInt('maxResults', { min: 1 }) ?? defaultMax;
  const end = Math.min(items.length, start + max);
  return { page: items.slice(start, end), nextToken: end < items.length ? String(end) : undefined };
}

/** A page token: the index of the next item, as this service issues them. */
export function tokenIndex(token: string | undefined): number {
  if (token === undefined) return 0;
  const n = Number(token);
  if (!Number.isSafeInteger(n) || n < 0 || String(n) !== token) throw invalidToken();
  return n;
}

export function invalidToken(): ServiceError {
  return new ServiceError('ValidationException', 'Invalid pagination token.', 400, { fields: { reason: 'other' } });
}
