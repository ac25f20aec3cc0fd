/**
 * The access advisor's report: built once, when GenerateServiceLastAccessedDetails runs, from the
 * subject's allowed services and its entities' recorded uses; stored with the job (as JSON) so that
 * GetServiceLastAccessedDetails and ...WithEntities page through the same snapshot. Pure.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed-view-data.html
 */
import type { AccessActivityUse, AccessAdvisorGranularity } from '../store/types.js';
import { serviceName, type AllowedPermissions } from './access-advisor-services.js';

/** An entity whose uses the report counts (EntityInfo): a user or a role. */
export interface ReportEntity {
  readonly arn: string;
  readonly name: string;
  readonly type: 'USER' | 'ROLE';
  readonly id: string;
  readonly path: string;
}

export interface ReportAccess {
  /** Epoch milliseconds. */
  readonly at: number;
  readonly entityArn: string;
  readonly region: string;
}

export interface ReportTrackedAction {
  /** Without the service prefix (`CreateBucket`), as AWS's ActionName. */
  readonly actionName: string;
  readonly last?: ReportAccess;
}

export interface ReportService {
  readonly namespace: string;
  readonly name: string;
  /** The latest use of any action of the service by any of the report's entities. */
  readonly last?: ReportAccess;
  /** How many of the report's entities used the service (0 when none did, as AWS's examples show). */
  readonly totalEntities: number;
  /** ACTION_LEVEL reports of services with tracked actions only. */
  readonly trackedActions?: readonly ReportTrackedAction[];
  /** entity ARN → its latest use of the service (epoch ms): GetServiceLastAccessedDetailsWithEntities. */
  readonly entityLast: Readonly<Record<string, number>>;
}

export interface AccessAdvisorReport {
  readonly entities: readonly ReportEntity[];
  /** Sorted by namespace. */
  readonly services: readonly ReportService[];
}

export interface BuildReportInput {
  readonly granularity: AccessAdvisorGranularity;
  readonly allowed: AllowedPermissions;
  readonly entities: readonly ReportEntity[];
  /** The entities' recorded uses within the tracking period. */
  readonly uses: readonly AccessActivityUse[];
}

export function buildReport(input: BuildReportInput): AccessAdvisorReport {
  const entityArns = new Set(input.entities.map((e) => e.arn));
  const byService = new Map<string, AccessActivityUse[]>();
  for (const u of input.uses) {
    if (!entityArns.has(u.entityArn)) continue;
    const list = byService.get(u.serviceNamespace);
    if (list) list.push(u);
    else byService.set(u.serviceNamespace, [u]);
  }
  const services = input.allowed.services.map((ns) => {
    const uses = byService.get(ns) ?? [];
    const entityLast: Record<string, number> = {};
    for (const u of uses) entityLast[u.entityArn] = Math.max(entityLast[u.entityArn] ?? 0, u.at.getTime());
    const tracked = input.granularity === 'ACTION_LEVEL' ? input.allowed.trackedActions.get(ns) : undefined;
    const service: ReportService = {
      namespace: ns,
      name: serviceName(ns),
      ...lastOf(uses),
      totalEntities: Object.keys(entityLast).length,
      ...(tracked && tracked.length > 0 ? { trackedActions: tracked.map((a) => trackedAction(a, uses)) } : {}),
      entityLast,
    };
    return service;
  });
  return { entities: input.entities, services };
}

function trackedAction(action: string, uses: readonly AccessActivityUse[]): ReportTrackedAction {
  const lc = action.toLowerCase();
  const own = uses.filter((u) => u.action.toLowerCase() === lc);
  return { actionName: action.slice(action.indexOf(':') + 1), ...lastOf(own) };
}

/** `{ last }` of the latest use (ties: the entity ARN that sorts first, so the report is deterministic). */
function lastOf(uses: readonly AccessActivityUse[]): { last?: ReportAccess } {
  let best: AccessActivityUse | undefined;
  for (const u of uses) {
    const t = u.at.getTime();
    if (!best || t > best.at.getTime() || (t === best.at.getTime() && u.entityArn < best.entityArn)) best = u;
  }
  return best ? { last: { at: best.at.getTime(), entityArn: best.entityArn, region: best.region } } : {};
}

export interface RankedEntity {
  readonly entity: ReportEntity;
  /** Its latest use of the service (epoch ms); undefined when it never used it. */
  readonly at?: number;
}

/**
 * The entities of a report with their latest use of one service: most recent first ("By default, the
 * list of associated entities is sorted by date, with the most recent access listed first"), then the
 * entities that never used it, by ARN.
 */
export function entitiesByRecency(report: AccessAdvisorReport, namespace: string): RankedEntity[] {
  const service = report.services.find((s) => s.namespace === namespace);
  if (!service) return [];
  return report.entities
    .map((entity) => ({ entity, at: service.entityLast[entity.arn] }))
    .sort((a, b) => (b.at ?? -1) - (a.at ?? -1) || compareText(a.entity.arn, b.entity.arn));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
