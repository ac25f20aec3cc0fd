/**
 * The IAM access advisor: GenerateServiceLastAccessedDetails, GetServiceLastAccessedDetails and
 * GetServiceLastAccessedDetailsWithEntities, fed by the recorded uses of actions
 * (src/iam/access-activity.ts). https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html
 *
 * Jobs complete synchronously: Generate builds the report and stores it with the job, so every Get*
 * sees JobStatus COMPLETED and pages through one snapshot, from any worker process.
 * Authorization (Service Authorization Reference, IAM): iam:GenerateServiceLastAccessedDetails on the
 * user, group, role or policy the report is about; the two Get* on `*`.
 */
import { randomUUID } from 'node:crypto';
import type { XmlNode } from '../../protocol/xml.js';
import { optionalEnum, requiredString } from '../../query/params.js';
import { isoSeconds, members } from '../../query/render.js';
import type { QueryContext, QueryOperation } from '../../query/types.js';
import { iamError } from '../errors.js';
import type { AccessAdvisorGranularity, AccessAdvisorJobRow } from '../store/types.js';
import type { IamApiDeps } from './deps.js';
import { paginate } from './paginate.js';
import { iamCheck } from './resolve.js';
import { RULES } from './validate.js';
import {
  buildReport,
  entitiesByRecency,
  type AccessAdvisorReport,
  type ReportService,
  type ReportTrackedAction,
} from './access-advisor-report.js';
import { allowedPermissions, trackedActionCatalog } from './access-advisor-services.js';
import { resolveSubject } from './access-advisor-subject.js';

const DAY_MS = 86_400_000;
/** AWS: "IAM reports activity for at least the last 400 days". Older uses are dropped. */
const TRACKING_PERIOD_MS = 400 * DAY_MS;
/**
 * How long a generated report can be retrieved. AWS keeps reports "for a while" without a figure in its
 * documentation; Strongbox keeps them 30 days.
 */
const JOB_RETENTION_MS = 30 * DAY_MS;

const GRANULARITIES: readonly AccessAdvisorGranularity[] = ['SERVICE_LEVEL', 'ACTION_LEVEL'];
const JOB_ID = { min: 36, max: 36 } as const;
const SERVICE_NAMESPACE = { min: 1, max: 64, pattern: '[\\w-]*' } as const;

export interface AccessAdvisorOptions {
  /**
   * The IAM actions Strongbox serves (its IAM operation names): the tracked IAM actions that an
   * ACTION_LEVEL report can list. Asked lazily, once, from the registry that holds every operation.
   */
  readonly iamActionNames: () => readonly string[];
}

export function accessAdvisorOperations(deps: IamApiDeps, options: AccessAdvisorOptions): QueryOperation[] {
  let tracked: ReadonlyMap<string, readonly string[]> | undefined;
  const trackedActions = () => (tracked ??= trackedActionCatalog(options.iamActionNames()));

  return [
    {
      name: 'GenerateServiceLastAccessedDetails',
      checks: async (ctx) => {
        readGranularity(ctx);
        return [iamCheck(ctx, 'GenerateServiceLastAccessedDetails', requiredString(ctx.params, 'Arn', RULES.arn))];
      },
      handler: async (ctx) => {
        const granularity = readGranularity(ctx);
        const createdAt = deps.now();
        const subject = await resolveSubject(deps, ctx.accountId, requiredString(ctx.params, 'Arn', RULES.arn));
        const since = new Date(createdAt.getTime() - TRACKING_PERIOD_MS);
        const entityArns = subject.entities.map((e) => e.arn);
        const uses = await deps.store.accessActivity.listForEntities(ctx.accountId, entityArns, since);
        const allowed = allowedPermissions(subject.documents, trackedActions());
        const report = buildReport({ granularity, allowed, entities: subject.entities, uses });
        const job: AccessAdvisorJobRow = {
          jobId: randomUUID(),
          accountId: ctx.accountId,
          createdByArn: ctx.caller.arn,
          jobType: granularity,
          createdAt,
          completedAt: deps.now(),
          report: JSON.stringify(report),
        };
        await deps.store.accessActivity.putJob(job, {
          expireJobsBefore: new Date(createdAt.getTime() - JOB_RETENTION_MS),
          expireUsesBefore: since,
        });
        return { JobId: job.jobId };
      },
    },
    {
      name: 'GetServiceLastAccessedDetails',
      checks: async (ctx) => {
        requiredString(ctx.params, 'JobId', JOB_ID);
        return [iamCheck(ctx, 'GetServiceLastAccessedDetails', '*')];
      },
      handler: async (ctx) => {
        const { job, report } = await mustGetJob(deps, ctx);
        const page = paginate(report.services, (s) => s.namespace, ctx.params);
        return {
          JobStatus: 'COMPLETED',
          JobType: job.jobType,
          JobCreationDate: job.createdAt,
          ServicesLastAccessed: members(page.items.map(serviceShape)),
          JobCompletionDate: job.completedAt,
          IsTruncated: page.IsTruncated,
          Marker: page.Marker,
        };
      },
    },
    {
      name: 'GetServiceLastAccessedDetailsWithEntities',
      checks: async (ctx) => {
        requiredString(ctx.params, 'JobId', JOB_ID);
        requiredString(ctx.params, 'ServiceNamespace', SERVICE_NAMESPACE);
        return [iamCheck(ctx, 'GetServiceLastAccessedDetailsWithEntities', '*')];
      },
      handler: async (ctx) => {
        const { job, report } = await mustGetJob(deps, ctx);
        const namespace = requiredString(ctx.params, 'ServiceNamespace', SERVICE_NAMESPACE).toLowerCase();
        // The snapshot does not change, so a position is a stable marker.
        const ranked = entitiesByRecency(report, namespace).map((e, i) => ({ ...e, key: String(i).padStart(8, '0') }));
        const page = paginate(ranked, (e) => e.key, ctx.params);
        return {
          JobStatus: 'COMPLETED',
          JobCreationDate: job.createdAt,
          JobCompletionDate: job.completedAt,
          EntityDetailsList: members(
            page.items.map(({ entity, at }) => ({
              EntityInfo: { Arn: entity.arn, Name: entity.name, Type: entity.type, Id: entity.id, Path: entity.path },
              LastAuthenticated: at === undefined ? undefined : isoSeconds(new Date(at)),
            })),
          ),
          IsTruncated: page.IsTruncated,
          Marker: page.Marker,
        };
      },
    },
  ];
}

function readGranularity(ctx: QueryContext): AccessAdvisorGranularity {
  return optionalEnum(ctx.params, 'Granularity', GRANULARITIES) ?? 'SERVICE_LEVEL';
}

interface StoredJob {
  readonly job: AccessAdvisorJobRow;
  readonly report: AccessAdvisorReport;
}

/**
 * The job of this account, asked by the principal that generated it. AWS: "The JobId returned by
 * GenerateServiceLastAccessedDetail must be used by the same role within a session, or by the same
 * user"; any other caller is told there is no such job.
 */
async function mustGetJob(deps: IamApiDeps, ctx: QueryContext): Promise<StoredJob> {
  const jobId = requiredString(ctx.params, 'JobId', JOB_ID);
  const job = await deps.store.accessActivity.getJob(ctx.accountId, jobId);
  if (!job || job.createdByArn !== ctx.caller.arn) {
    throw iamError('NoSuchEntity', { message: `No report job with ID ${jobId} was found.` });
  }
  return { job, report: JSON.parse(job.report) as AccessAdvisorReport };
}

/** ServiceLastAccessed, members in the model's order. */
function serviceShape(s: ReportService): XmlNode {
  return {
    ServiceName: s.name,
    LastAuthenticated: s.last && isoSeconds(new Date(s.last.at)),
    ServiceNamespace: s.namespace,
    LastAuthenticatedEntity: s.last?.entityArn,
    LastAuthenticatedRegion: s.last?.region,
    TotalAuthenticatedEntities: s.totalEntities,
    TrackedActionsLastAccessed: s.trackedActions && members(s.trackedActions.map(trackedShape)),
  };
}

function trackedShape({ actionName, last }: ReportTrackedAction): XmlNode {
  return {
    ActionName: actionName,
    LastAccessedEntity: last?.entityArn,
    LastAccessedTime: last && isoSeconds(new Date(last.at)),
    LastAccessedRegion: last?.region,
  };
}
