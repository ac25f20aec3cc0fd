import { randomUUID } from 'node:crypto';
import { ServiceError } from '../errors/service-error.js';
import type {
  AdmissionLimits,
  PolicyGenerationJob,
  PolicyGenerationRequest,
  PolicyGenerationStore,
} from '../auditor/policy-generation-store.js';
import { MAX_GENERATION_PERIOD_MS, type TrailSelection } from '../auditor/policy-generation/policy-generation.js';
import { parsePrincipalArn, parseTrailArn } from '../auditor/policy-generation/principal-activity.js';
import { serializationError, type JsonInput } from '../json-protocol/json-input.js';
import type { RestJsonOperation } from '../json-protocol/rest-json-protocol.js';
import type { JsonContext } from '../json-protocol/types.js';
import type { IamStore } from '../iam/store/types.js';
import type { AuthzCheck } from '../server/protocol.js';
import { pageOf } from './analyzer-operations.js';
import { scheduleJob } from './policy-generation-job.js';

/**
 * Access Analyzer's policy generation (issue #18): StartPolicyGeneration stores the job IN_PROGRESS and
 * answers its id at once; the engine (src/auditor/policy-generation) then reads the principal's activity
 * in the named trails and stores the least-privilege policy (SUCCEEDED) or a job error (FAILED), which
 * GetGeneratedPolicy returns; ListPolicyGenerations and CancelPolicyGeneration as the API has them.
 * Authorized as `access-analyzer:<Operation>` on `*` (the Service Authorization Reference lists no
 * resource type for them); StartPolicyGeneration also needs iam:PassRole on the access role, with
 * iam:PassedToService `access-analyzer.amazonaws.com`, as the reference's dependent actions say.
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_StartPolicyGeneration.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html
 *
 * Deviation from AWS: with workers, the job runs in the worker that received the call; a job whose
 * process stopped before it ended is reported FAILED (SERVICE_ERROR) once STALE_AFTER_MS have passed.
 * Deviation from AWS: jobs belong to the account, not to a Region.
 */

export interface PolicyGenerationDeps {
  readonly store: PolicyGenerationStore;
  /** `<dataDir>/audit.sqlite`, which the engine opens read-only. */
  readonly auditDbPath: string;
  readonly now: () => Date;
  readonly iam: IamStore;
  /** Events one job reads at most; default MAX_EVENTS_PER_JOB. */
  readonly maxEvents?: number;
}

/** The model's patterns (botocore: PrincipalArn, CloudTrailArn, RoleArn). */
const PRINCIPAL_ARN = 'arn:[^:]*:iam::[^:]*:(role|user)/.{1,576}';
const CLOUD_TRAIL_ARN = 'arn:[^:]*:cloudtrail:[^:]*:[^:]*:trail/.{1,576}';
const ROLE_ARN = 'arn:[^:]*:iam::[^:]*:role/.{1,576}';

/**
 * "Concurrent policy generations: 1" and "Policy generations per day: 50" (canceled ones count), per
 * account (access-analyzer-quotas.html). Decision: a day is the 24 hours before the request.
 */
export const POLICY_GENERATION_LIMITS: AdmissionLimits = { maxInProgress: 1, maxPerDay: 50 };

/** A job IN_PROGRESS this long ran in a process that stopped (each job is bounded to seconds). */
export const STALE_AFTER_MS = 15 * 60_000;

/**
 * Bounds on what one request names, so one job's streams stay few. Deviation from AWS: the model sets no
 * limit; an account has at most 5 trails per Region, and there are fewer than 50 Regions.
 */
const MAX_TRAILS = 10;
const MAX_REGIONS_PER_TRAIL = 50;

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** ValidationException (reason fieldValidationFailed); the message names the member. */
function validation(message: string, member: string): ServiceError {
  return new ServiceError('ValidationException', `${member}: ${message}`, 400, {
    fields: { reason: 'fieldValidationFailed' },
  });
}

function unknownJob(jobId: string): ServiceError {
  return validation(`Job ${jobId} not found.`, 'jobId');
}

/** Another job of the account is IN_PROGRESS ("Concurrent policy generations: 1"). */
function conflict(jobId: string): ServiceError {
  return new ServiceError('ConflictException', `The policy generation ${jobId} is in progress.`, 409, {
    fields: { resourceId: jobId, resourceType: 'PolicyGeneration' },
  });
}

function quotaExceeded(principalArn: string, perDay: number): ServiceError {
  return new ServiceError(
    'ServiceQuotaExceededException',
    `At most ${perDay} policy generations can be started per day.`,
    402,
    { fields: { resourceId: principalArn, resourceType: 'PolicyGeneration' } },
  );
}

function anyResource(action: string): AuthzCheck {
  return { action: `access-analyzer:${action}`, resource: '*', resourceAccount: undefined, context: {} };
}

/** A timestamp member: the model's `iso8601` format, as the CLI, boto3 and the SDKs send it. */
function timestampOf(input: JsonInput, member: string): Date | undefined {
  const text = input.optionalString(member);
  if (text === undefined) return undefined;
  const at = new Date(text);
  if (!ISO_8601.test(text) || Number.isNaN(at.getTime())) {
    throw serializationError(`Expected an ISO 8601 timestamp for ${member}`);
  }
  return at;
}

/** A query-string boolean (`true` / `false`). */
function queryBoolean(input: JsonInput, member: string): boolean | undefined {
  const text = input.optionalString(member);
  if (text === undefined) return undefined;
  if (text !== 'true' && text !== 'false') throw serializationError(`Expected a boolean for ${member}`);
  return text === 'true';
}

/** The principal: a user or role of the caller's account (its activity is the caller's to read). */
function principalOf(input: JsonInput, accountId: string): string {
  const details = input.optionalStructure('policyGenerationDetails');
  if (details === undefined) {
    throw input.problem('policyGenerationDetails', 'INPUT_REQUIRED', undefined, 'Member must not be null');
  }
  const arn = details.requiredString('principalArn', { pattern: PRINCIPAL_ARN });
  const principal = parsePrincipalArn(arn);
  if (principal === undefined || principal.accountId !== accountId) {
    throw validation(`The principal ${arn} is not a user or role of account ${accountId}.`, 'principalArn');
  }
  return arn;
}

/**
 * A trail of the caller's account. Deviation from AWS: a trail of another account (an organization
 * trail in the management account) cannot be read; AWS reads it through the access role.
 */
function trailOf(input: JsonInput, accountId: string): TrailSelection {
  const cloudTrailArn = input.requiredString('cloudTrailArn', { pattern: CLOUD_TRAIL_ARN });
  const name = parseTrailArn(cloudTrailArn);
  if (name === undefined || name.accountId !== accountId) {
    throw validation(`The trail ${cloudTrailArn} is not a trail of account ${accountId}.`, 'cloudTrailArn');
  }
  const regions = input.optionalStringList('regions', { min: 1, max: 64 });
  if (regions !== undefined && regions.length > MAX_REGIONS_PER_TRAIL) {
    throw validation(`A trail can name at most ${MAX_REGIONS_PER_TRAIL} Regions.`, 'regions');
  }
  const allRegions = input.optionalBoolean('allRegions');
  return {
    cloudTrailArn,
    ...(regions !== undefined ? { regions } : {}),
    ...(allRegions !== undefined ? { allRegions } : {}),
  };
}

function trailsOf(details: JsonInput, accountId: string): TrailSelection[] {
  const list = details.optionalStructureList('trails');
  if (list === undefined) throw details.problem('trails', 'INPUT_REQUIRED', undefined, 'Member must not be null');
  // AWS: "You must specify the CloudTrail trail that is logging events for the account".
  if (list.length === 0) throw validation('Specify at least one trail.', 'trails');
  if (list.length > MAX_TRAILS) throw validation(`Specify at most ${MAX_TRAILS} trails.`, 'trails');
  return list.map((t) => trailOf(t, accountId));
}

/** "You can specify a time period of up to 90 days" (access-analyzer-policy-generation.html). */
function checkPeriod(startTime: Date, endTime: Date): void {
  if (startTime.getTime() >= endTime.getTime()) throw validation('startTime must be before endTime.', 'startTime');
  if (endTime.getTime() - startTime.getTime() > MAX_GENERATION_PERIOD_MS) {
    throw validation('The time period between startTime and endTime cannot exceed 90 days.', 'endTime');
  }
}

/** The access role's ARN, which must name a role of the caller's account. */
function accessRoleOf(details: JsonInput, accountId: string): string {
  const role = details.requiredString('accessRole', { pattern: ROLE_ARN });
  if (parsePrincipalArn(role)?.accountId !== accountId) {
    throw validation(`The access role ${role} is not a role of account ${accountId}.`, 'accessRole');
  }
  return role;
}

/**
 * StartPolicyGeneration's input, checked against the model and the rules above. Decision: the model
 * lets cloudTrailDetails be left out (AWS then uses the service last accessed data alone); this server
 * generates from trails only, so it is required here (Deviation from AWS).
 */
function startRequest(input: JsonInput, o: { accountId: string; now: Date }): PolicyGenerationRequest {
  const principalArn = principalOf(input, o.accountId);
  const details = input.optionalStructure('cloudTrailDetails');
  if (details === undefined) {
    throw validation(
      'cloudTrailDetails is required: policies are generated from CloudTrail trails.',
      'cloudTrailDetails',
    );
  }
  const trails = trailsOf(details, o.accountId);
  const accessRole = accessRoleOf(details, o.accountId);
  const startTime = timestampOf(details, 'startTime');
  if (startTime === undefined)
    throw details.problem('startTime', 'INPUT_REQUIRED', undefined, 'Member must not be null');
  // API_CloudTrailDetails.html: "If this is not included in the request, the default value is the current time."
  const endTime = timestampOf(details, 'endTime') ?? o.now;
  checkPeriod(startTime, endTime);
  const clientToken = input.optionalString('clientToken');
  return {
    principalArn,
    trails,
    accessRole,
    startTime,
    endTime,
    ...(clientToken !== undefined ? { clientToken } : {}),
  };
}

/** The access role must exist: the job would run as it. Decision: answered as ValidationException. */
async function requireRole(iam: IamStore, accountId: string, roleArn: string): Promise<void> {
  const name = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  const role = await iam.roles.getByName(accountId, name);
  if (role === undefined || `arn:aws:iam::${accountId}:role${role.path}${role.roleName}` !== roleArn) {
    throw validation(`The access role ${roleArn} does not exist.`, 'accessRole');
  }
}

function failStale(deps: PolicyGenerationDeps, accountId: string): void {
  const at = deps.now();
  deps.store.failStale(accountId, {
    startedBefore: new Date(at.getTime() - STALE_AFTER_MS),
    at,
    jobError: { code: 'SERVICE_ERROR', message: 'The policy generation was interrupted. Start it again.' },
  });
}

/** The caller's job named in the URI. Decision: an unknown id is a ValidationException (the model lists no other). */
function namedJob(deps: PolicyGenerationDeps, ctx: JsonContext): PolicyGenerationJob {
  const jobId = ctx.input.requiredString('jobId');
  failStale(deps, ctx.accountId);
  const job = deps.store.get(ctx.accountId, jobId);
  if (job === undefined) throw unknownJob(jobId);
  return job;
}

function jobDetails(job: PolicyGenerationJob): Record<string, unknown> {
  return {
    jobId: job.jobId,
    status: job.status,
    startedOn: job.startedOn,
    completedOn: job.completedOn,
    jobError: job.jobError,
  };
}

function startOperation(deps: PolicyGenerationDeps): RestJsonOperation {
  return {
    name: 'StartPolicyGeneration',
    method: 'PUT',
    uri: '/policy/generation',
    async checks(ctx) {
      // The rest of the input is checked by the handler, once the caller is known to be allowed.
      const details = ctx.input.optionalStructure('cloudTrailDetails');
      if (details === undefined || !details.has('accessRole')) return [anyResource('StartPolicyGeneration')];
      return [
        anyResource('StartPolicyGeneration'),
        {
          action: 'iam:PassRole',
          resource: accessRoleOf(details, ctx.accountId),
          resourceAccount: ctx.accountId,
          context: { 'iam:PassedToService': 'access-analyzer.amazonaws.com' },
        },
      ];
    },
    async handler(ctx) {
      const now = deps.now();
      const request = startRequest(ctx.input, { accountId: ctx.accountId, now });
      await requireRole(deps.iam, ctx.accountId, request.accessRole);
      failStale(deps, ctx.accountId);
      const job: PolicyGenerationJob = {
        jobId: randomUUID(),
        accountId: ctx.accountId,
        principalArn: request.principalArn,
        status: 'IN_PROGRESS',
        startedOn: now,
        request,
      };
      const outcome = deps.store.insert(job, POLICY_GENERATION_LIMITS);
      if (outcome.kind === 'Conflict') throw conflict(outcome.inProgress.jobId);
      if (outcome.kind === 'QuotaExceeded')
        throw quotaExceeded(request.principalArn, POLICY_GENERATION_LIMITS.maxPerDay);
      if (outcome.kind === 'Started') scheduleJob(deps, outcome.job);
      return { jobId: outcome.job.jobId };
    },
  };
}

function getOperation(deps: PolicyGenerationDeps): RestJsonOperation {
  return {
    name: 'GetGeneratedPolicy',
    method: 'GET',
    uri: '/policy/generation/{jobId}',
    query: {
      includeResourcePlaceholders: { member: 'includeResourcePlaceholders', type: 'string' },
      includeServiceLevelTemplate: { member: 'includeServiceLevelTemplate', type: 'string' },
    },
    checks: async () => [anyResource('GetGeneratedPolicy')],
    async handler(ctx) {
      // Deviation from AWS: resources are always the ARNs the trail shows (narrowed), never placeholders,
      // and no service-level template is added: both flags are read and checked, then have no effect.
      queryBoolean(ctx.input, 'includeResourcePlaceholders');
      queryBoolean(ctx.input, 'includeServiceLevelTemplate');
      const job = namedJob(deps, ctx);
      return {
        jobDetails: jobDetails(job),
        generatedPolicyResult: job.result ?? { properties: { principalArn: job.principalArn } },
      };
    },
  };
}

function listOperation(deps: PolicyGenerationDeps): RestJsonOperation {
  return {
    name: 'ListPolicyGenerations',
    method: 'GET',
    uri: '/policy/generation',
    query: {
      principalArn: { member: 'principalArn', type: 'string' },
      maxResults: { member: 'maxResults', type: 'integer' },
      nextToken: { member: 'nextToken', type: 'string' },
    },
    checks: async () => [anyResource('ListPolicyGenerations')],
    async handler(ctx) {
      const principalArn = ctx.input.optionalString('principalArn', { pattern: PRINCIPAL_ARN });
      failStale(deps, ctx.accountId);
      const { page, nextToken } = pageOf(deps.store.list(ctx.accountId, principalArn), ctx.input);
      return {
        policyGenerations: page.map((j) => ({
          jobId: j.jobId,
          principalArn: j.principalArn,
          status: j.status,
          startedOn: j.startedOn,
          completedOn: j.completedOn,
        })),
        nextToken,
      };
    },
  };
}

function cancelOperation(deps: PolicyGenerationDeps): RestJsonOperation {
  return {
    name: 'CancelPolicyGeneration',
    method: 'PUT',
    uri: '/policy/generation/{jobId}',
    checks: async () => [anyResource('CancelPolicyGeneration')],
    async handler(ctx) {
      const jobId = ctx.input.requiredString('jobId');
      // Decision: canceling a job that already ended leaves it as it was (the operation is idempotent).
      if (deps.store.cancel(ctx.accountId, jobId, deps.now()) === 'NotFound') throw unknownJob(jobId);
      return {};
    },
  };
}

export function policyGenerationOperations(deps: PolicyGenerationDeps): RestJsonOperation[] {
  return [startOperation(deps), getOperation(deps), listOperation(deps), cancelOperation(deps)];
}
