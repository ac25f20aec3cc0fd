import type {
  JobCompletion,
  JobError,
  PolicyGenerationJob,
  PolicyGenerationStore,
} from '../auditor/policy-generation-store.js';
import { generatePolicyFromTrail, PolicyGenerationError } from '../auditor/policy-generation/policy-generation.js';

/**
 * Runs a StartPolicyGeneration job after the response that named it: the engine reads the audit store
 * (synchronously: better-sqlite3), so a job holds its process's event loop while it runs; it is bounded
 * by `maxEvents` events read. Its end is recorded only if the job is still IN_PROGRESS (not canceled).
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_GetGeneratedPolicy.html
 */

/**
 * Events one job reads at most (the principal's and others' in the window, newest first); past it the
 * policy is generated from what was read and `isComplete` is false. Measured: 50,000 events take about
 * 0.35 s when few are the principal's and 0.75 s when all are (each is then parsed): the longest a job
 * holds the event loop.
 */
export const MAX_EVENTS_PER_JOB = 50_000;

export interface PolicyGenerationJobDeps {
  readonly store: PolicyGenerationStore;
  readonly auditDbPath: string;
  readonly now: () => Date;
  readonly maxEvents?: number;
}

/**
 * On a timer, not setImmediate or a microtask: the response waits for the audit trail's write-ahead,
 * which the recorder commits from setImmediate in this turn; a timer fires in a later turn, once the
 * response has been written.
 */
export function scheduleJob(deps: PolicyGenerationJobDeps, job: PolicyGenerationJob): void {
  setTimeout(() => runJob(deps, job), 0);
}

/** Generates the job's policy and records SUCCEEDED or FAILED, unless it was canceled meanwhile. */
export function runJob(deps: PolicyGenerationJobDeps, job: PolicyGenerationJob): void {
  try {
    if (deps.store.get(job.accountId, job.jobId)?.status !== 'IN_PROGRESS') return;
    deps.store.complete(job, completionOf(deps, job), deps.now());
  } catch {
    // The store stayed busy past its timeout: the job stays IN_PROGRESS until it is failed as stale.
  }
}

function completionOf(deps: PolicyGenerationJobDeps, job: PolicyGenerationJob): JobCompletion {
  const { principalArn, trails, startTime, endTime } = job.request;
  try {
    const result = generatePolicyFromTrail({
      auditDbPath: deps.auditDbPath,
      principalArn,
      trails,
      startTime,
      endTime,
      maxEvents: deps.maxEvents ?? MAX_EVENTS_PER_JOB,
    });
    return { status: 'SUCCEEDED', result };
  } catch (err) {
    return { status: 'FAILED', jobError: jobErrorOf(err) };
  }
}

/**
 * The job error (API_JobError.html): a trail that does not exist is RESOURCE_NOT_FOUND_ERROR, as AWS
 * reports a resource it cannot find; anything else is SERVICE_ERROR, without the internal detail.
 */
export function jobErrorOf(err: unknown): JobError {
  if (err instanceof PolicyGenerationError && err.code === 'TrailNotFound') {
    return { code: 'RESOURCE_NOT_FOUND_ERROR', message: err.message };
  }
  if (err instanceof PolicyGenerationError) return { code: 'SERVICE_ERROR', message: err.message };
  return { code: 'SERVICE_ERROR', message: 'The policy could not be generated.' };
}
