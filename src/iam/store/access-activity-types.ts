/**
 * IAM store port for the access advisor (issue #16): the last authorized use of each action by each
 * IAM entity, and the reports GenerateServiceLastAccessedDetails produced.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html
 */

/** The last use of one action by one entity: one row of `access_activity`. */
export interface AccessActivityUse {
  readonly accountId: string;
  /** A user's ARN, or for a role session the role's ARN. */
  readonly entityArn: string;
  /** `s3`, `iam`: the action's prefix, lower-cased. */
  readonly serviceNamespace: string;
  /** `s3:PutObject`, as the operation declared it. */
  readonly action: string;
  readonly region: string;
  readonly at: Date;
}

export type AccessAdvisorGranularity = 'SERVICE_LEVEL' | 'ACTION_LEVEL';

/** A finished report job. Jobs complete synchronously, so every stored job is COMPLETED. */
export interface AccessAdvisorJobRow {
  /** 36 characters (the model's `jobIDType`): a UUID. */
  readonly jobId: string;
  readonly accountId: string;
  /** AWS: the job id may be used only by the user or role session that generated it. */
  readonly createdByArn: string;
  readonly jobType: AccessAdvisorGranularity;
  readonly createdAt: Date;
  readonly completedAt: Date;
  /** The report as JSON (`AccessAdvisorReport`, src/iam/api/access-advisor-report.ts). */
  readonly report: string;
}

export interface AccessAdvisorExpiry {
  readonly expireJobsBefore: Date;
  readonly expireUsesBefore: Date;
}

export interface AccessActivityRepo {
  /**
   * Upserts a batch in one transaction; a row only moves forward in time (a late, older use of an
   * action does not replace a newer one).
   */
  recordUses(uses: readonly AccessActivityUse[]): Promise<void>;
  /** Every row of these entities used at or after `since`. */
  listForEntities(accountId: string, entityArns: readonly string[], since: Date): Promise<AccessActivityUse[]>;
  /** Stores a job; deletes jobs created before `expireJobsBefore` and activity older than `expireUsesBefore`. */
  putJob(job: AccessAdvisorJobRow, expiry: AccessAdvisorExpiry): Promise<void>;
  getJob(accountId: string, jobId: string): Promise<AccessAdvisorJobRow | undefined>;
}
