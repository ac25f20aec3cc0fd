import type { Database, Statement } from 'better-sqlite3';
import type { GeneratedPolicyResult, TrailSelection } from './policy-generation/policy-generation.js';

/**
 * StartPolicyGeneration's jobs (issue #18) in `auditor.sqlite`'s `policy_generations` table: the request,
 * its status (JobStatus), and the result or the job error. Writes are BEGIN IMMEDIATE transactions (a
 * server's workers share the file); nothing is cached, so every process reads what another committed.
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_JobDetails.html
 */

/** botocore's JobStatus. */
export type PolicyGenerationStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'CANCELED';

/** botocore's JobErrorCode. */
export type JobErrorCode =
  'AUTHORIZATION_ERROR' | 'RESOURCE_NOT_FOUND_ERROR' | 'SERVICE_QUOTA_EXCEEDED_ERROR' | 'SERVICE_ERROR';

export interface JobError {
  readonly code: JobErrorCode;
  readonly message: string;
}

/** What StartPolicyGeneration asked for (policyGenerationDetails and cloudTrailDetails, validated). */
export interface PolicyGenerationRequest {
  readonly principalArn: string;
  readonly trails: readonly TrailSelection[];
  readonly accessRole: string;
  readonly startTime: Date;
  readonly endTime: Date;
  readonly clientToken?: string;
}

/** A job as ListPolicyGenerations shows it (botocore's PolicyGeneration), read without its data. */
export interface PolicyGenerationSummary {
  readonly jobId: string;
  readonly accountId: string;
  readonly principalArn: string;
  readonly status: PolicyGenerationStatus;
  readonly startedOn: Date;
  readonly completedOn?: Date;
}

export interface PolicyGenerationJob extends PolicyGenerationSummary {
  readonly request: PolicyGenerationRequest;
  /** SUCCEEDED jobs. */
  readonly result?: GeneratedPolicyResult;
  /** FAILED jobs. */
  readonly jobError?: JobError;
}

/** The limits a new job is admitted under (the service quotas, access-analyzer-quotas.html). */
export interface AdmissionLimits {
  /** Jobs IN_PROGRESS at once per account ("Concurrent policy generations"). */
  readonly maxInProgress: number;
  /** Jobs started per account in the 24 hours before the new one ("Policy generations per day"). */
  readonly maxPerDay: number;
}

/**
 * `Started`: inserted. `Repeated`: a job of the account was started with the same client token (the
 * retry gets that job). `Conflict`: `inProgress` still runs. `QuotaExceeded`: the day's quota is used.
 */
export type InsertOutcome =
  | { readonly kind: 'Started'; readonly job: PolicyGenerationJob }
  | { readonly kind: 'Repeated'; readonly job: PolicyGenerationJob }
  | { readonly kind: 'Conflict'; readonly inProgress: PolicyGenerationJob }
  | { readonly kind: 'QuotaExceeded' };

/** `Canceled`: it was IN_PROGRESS and is now CANCELED; `Finished`: it had already ended (left as it was). */
export type CancelOutcome = 'Canceled' | 'Finished' | 'NotFound';

export type JobCompletion =
  | { readonly status: 'SUCCEEDED'; readonly result: GeneratedPolicyResult }
  | { readonly status: 'FAILED'; readonly jobError: JobError };

interface SummaryRow {
  job_id: string;
  account_id: string;
  principal_arn: string;
  status: string;
  started_on: number;
  completed_on: number | null;
}

interface JobRow extends SummaryRow {
  data: string;
}

/** The `data` column, version 1: dates as ISO 8601 strings. */
interface JobDataV1 {
  readonly v: 1;
  readonly request: Omit<PolicyGenerationRequest, 'startTime' | 'endTime'> & { startTime: string; endTime: string };
  readonly result?: StoredResult;
  readonly jobError?: JobError;
}

type StoredResult = Omit<GeneratedPolicyResult, 'properties'> & {
  readonly properties: Omit<GeneratedPolicyResult['properties'], 'cloudTrailProperties'> & {
    readonly cloudTrailProperties: Omit<
      GeneratedPolicyResult['properties']['cloudTrailProperties'],
      'startTime' | 'endTime'
    > & { readonly startTime: string; readonly endTime: string };
  };
};

const DAY_MS = 86_400_000;
const SUMMARY = 'job_id, account_id, principal_arn, status, started_on, completed_on';

export class PolicyGenerationStore {
  private readonly s: {
    readonly insert: Statement;
    readonly byId: Statement<[string, string], JobRow>;
    readonly byToken: Statement<[string, string], JobRow>;
    readonly ofAccount: Statement<[string], SummaryRow>;
    readonly ofPrincipal: Statement<[string, string], SummaryRow>;
    readonly inProgress: Statement<[string], JobRow>;
    readonly startedSince: Statement<[string, number], { n: number }>;
    readonly complete: Statement<[string, number, string, string]>;
    readonly cancel: Statement<[number, string, string]>;
  };

  constructor(private readonly db: Database) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO policy_generations (job_id, account_id, principal_arn, status, started_on, completed_on, data)
         VALUES (?, ?, ?, ?, ?, NULL, ?)`,
      ),
      byId: db.prepare('SELECT * FROM policy_generations WHERE account_id = ? AND job_id = ?'),
      byToken: db.prepare(
        "SELECT * FROM policy_generations WHERE account_id = ? AND json_extract(data, '$.request.clientToken') = ?",
      ),
      ofAccount: db.prepare(
        `SELECT ${SUMMARY} FROM policy_generations WHERE account_id = ? ORDER BY started_on DESC, job_id DESC`,
      ),
      ofPrincipal: db.prepare(
        `SELECT ${SUMMARY} FROM policy_generations WHERE account_id = ? AND principal_arn = ?
         ORDER BY started_on DESC, job_id DESC`,
      ),
      inProgress: db.prepare(
        "SELECT * FROM policy_generations WHERE account_id = ? AND status = 'IN_PROGRESS' ORDER BY started_on",
      ),
      startedSince: db.prepare('SELECT count(*) AS n FROM policy_generations WHERE account_id = ? AND started_on > ?'),
      complete: db.prepare(
        "UPDATE policy_generations SET status = ?, completed_on = ?, data = ? WHERE job_id = ? AND status = 'IN_PROGRESS'",
      ),
      cancel: db.prepare(
        "UPDATE policy_generations SET status = 'CANCELED', completed_on = ? WHERE account_id = ? AND job_id = ? AND status = 'IN_PROGRESS'",
      ),
    };
  }

  /**
   * Inserts `job` (IN_PROGRESS) unless the same client token already started one, another job of the
   * account is IN_PROGRESS, or the day's quota is used — checked and written in one transaction.
   */
  insert(job: PolicyGenerationJob, limits: AdmissionLimits): InsertOutcome {
    return this.db
      .transaction((): InsertOutcome => {
        const token = job.request.clientToken;
        const same = token === undefined ? undefined : this.s.byToken.get(job.accountId, token);
        if (same !== undefined) return { kind: 'Repeated', job: toJob(same) };
        const running = this.s.inProgress.all(job.accountId);
        if (running.length >= limits.maxInProgress) return { kind: 'Conflict', inProgress: toJob(running[0]!) };
        const since = job.startedOn.getTime() - DAY_MS;
        if (this.s.startedSince.get(job.accountId, since)!.n >= limits.maxPerDay) return { kind: 'QuotaExceeded' };
        this.s.insert.run(
          job.jobId,
          job.accountId,
          job.principalArn,
          'IN_PROGRESS',
          job.startedOn.getTime(),
          JSON.stringify(dataOf(job)),
        );
        return { kind: 'Started', job: { ...job, status: 'IN_PROGRESS' } };
      })
      .immediate();
  }

  get(accountId: string, jobId: string): PolicyGenerationJob | undefined {
    const row = this.s.byId.get(accountId, jobId);
    return row === undefined ? undefined : toJob(row);
  }

  /** The account's jobs, newest first; only the principal's when one is named. */
  list(accountId: string, principalArn?: string): PolicyGenerationSummary[] {
    const rows =
      principalArn === undefined ? this.s.ofAccount.all(accountId) : this.s.ofPrincipal.all(accountId, principalArn);
    return rows.map(toSummary);
  }

  /** Records how an IN_PROGRESS job ended; false when it is no longer IN_PROGRESS (canceled meanwhile). */
  complete(job: PolicyGenerationJob, completion: JobCompletion, at: Date): boolean {
    return this.db.transaction(() => this.completeRow(job, completion, at)).immediate();
  }

  cancel(accountId: string, jobId: string, at: Date): CancelOutcome {
    return this.db
      .transaction((): CancelOutcome => {
        if (this.s.cancel.run(at.getTime(), accountId, jobId).changes === 1) return 'Canceled';
        return this.s.byId.get(accountId, jobId) === undefined ? 'NotFound' : 'Finished';
      })
      .immediate();
  }

  /**
   * Fails the account's jobs IN_PROGRESS since before `startedBefore`: the process running them stopped
   * (a job runs in the process that accepted it, and each is bounded to finish in far less). Reads
   * first: the write lock is taken only when there is such a job.
   */
  failStale(accountId: string, o: { startedBefore: Date; at: Date; jobError: JobError }): number {
    const stale = (): JobRow[] =>
      this.s.inProgress.all(accountId).filter((r) => r.started_on < o.startedBefore.getTime());
    if (stale().length === 0) return 0;
    return this.db
      .transaction(() => {
        let n = 0;
        for (const row of stale()) {
          if (this.completeRow(toJob(row), { status: 'FAILED', jobError: o.jobError }, o.at)) n++;
        }
        return n;
      })
      .immediate();
  }

  private completeRow(job: PolicyGenerationJob, completion: JobCompletion, at: Date): boolean {
    const data = dataOf({
      ...job,
      ...(completion.status === 'SUCCEEDED' ? { result: completion.result } : { jobError: completion.jobError }),
    });
    return this.s.complete.run(completion.status, at.getTime(), JSON.stringify(data), job.jobId).changes === 1;
  }
}

function dataOf(job: PolicyGenerationJob): JobDataV1 {
  const { request, result, jobError } = job;
  return {
    v: 1,
    request: { ...request, startTime: request.startTime.toISOString(), endTime: request.endTime.toISOString() },
    ...(result !== undefined ? { result: storedResult(result) } : {}),
    ...(jobError !== undefined ? { jobError } : {}),
  };
}

function storedResult(r: GeneratedPolicyResult): StoredResult {
  const ct = r.properties.cloudTrailProperties;
  return {
    ...r,
    properties: {
      ...r.properties,
      cloudTrailProperties: { ...ct, startTime: ct.startTime.toISOString(), endTime: ct.endTime.toISOString() },
    },
  };
}

function toSummary(row: SummaryRow): PolicyGenerationSummary {
  return {
    jobId: row.job_id,
    accountId: row.account_id,
    principalArn: row.principal_arn,
    status: row.status as PolicyGenerationStatus,
    startedOn: new Date(row.started_on),
    ...(row.completed_on !== null ? { completedOn: new Date(row.completed_on) } : {}),
  };
}

function toJob(row: JobRow): PolicyGenerationJob {
  const data = JSON.parse(row.data) as JobDataV1;
  const request: PolicyGenerationRequest = {
    ...data.request,
    startTime: new Date(data.request.startTime),
    endTime: new Date(data.request.endTime),
  };
  return {
    ...toSummary(row),
    request,
    ...(data.result !== undefined ? { result: loadedResult(data.result) } : {}),
    ...(data.jobError !== undefined ? { jobError: data.jobError } : {}),
  };
}

function loadedResult(r: StoredResult): GeneratedPolicyResult {
  const ct = r.properties.cloudTrailProperties;
  return {
    ...r,
    properties: {
      ...r.properties,
      cloudTrailProperties: { ...ct, startTime: new Date(ct.startTime), endTime: new Date(ct.endTime) },
    },
  };
}
