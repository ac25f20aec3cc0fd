import { toDate, type SqliteContext, usageCommit } from './sqlite-context.js';
import type { AccessActivityRepo, AccessActivityUse, AccessAdvisorGranularity, AccessAdvisorJobRow } from './types.js';

interface UseDb {
  account_id: string;
  entity_arn: string;
  service_namespace: string;
  action: string;
  last_authenticated: number;
  region: string;
}

interface JobDb {
  job_id: string;
  account_id: string;
  created_by_arn: string;
  job_type: string;
  created_at: number;
  completed_at: number;
  report: string;
}

const useRow = (r: UseDb): AccessActivityUse => ({
  accountId: r.account_id,
  entityArn: r.entity_arn,
  serviceNamespace: r.service_namespace,
  action: r.action,
  region: r.region,
  at: toDate(r.last_authenticated),
});

const jobRow = (r: JobDb): AccessAdvisorJobRow => ({
  jobId: r.job_id,
  accountId: r.account_id,
  createdByArn: r.created_by_arn,
  jobType: r.job_type as AccessAdvisorGranularity,
  createdAt: toDate(r.created_at),
  completedAt: toDate(r.completed_at),
  report: r.report,
});

/**
 * The access advisor's rows in `iam.sqlite`. A batch of uses is one immediate transaction (several
 * worker processes share the file and each flushes its own batches). Nothing is emitted on the change
 * feed: no cache holds these rows, and an IAM change must not follow every flush.
 */
export function sqliteAccessActivity(ctx: SqliteContext): AccessActivityRepo {
  const { db } = ctx;
  // `WHERE excluded... >=`: the newest use wins whatever order the workers' batches commit in.
  const upsert = db.prepare(
    `INSERT INTO access_activity (account_id, entity_arn, service_namespace, action, last_authenticated, region)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id, entity_arn, service_namespace, action) DO UPDATE
       SET last_authenticated = excluded.last_authenticated, region = excluded.region
       WHERE excluded.last_authenticated >= access_activity.last_authenticated`,
  );
  const forEntities = db.prepare<[string, string, number], UseDb>(
    `SELECT account_id, entity_arn, service_namespace, action, last_authenticated, region FROM access_activity
     WHERE account_id = ? AND entity_arn IN (SELECT value FROM json_each(?)) AND last_authenticated >= ?`,
  );
  const insertJob = db.prepare(
    `INSERT INTO access_advisor_jobs (job_id, account_id, created_by_arn, job_type, created_at, completed_at, report)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const expireJobs = db.prepare<[number]>('DELETE FROM access_advisor_jobs WHERE created_at < ?');
  const expireUses = db.prepare<[number]>('DELETE FROM access_activity WHERE last_authenticated < ?');
  const jobById = db.prepare<[string, string], JobDb>(
    `SELECT job_id, account_id, created_by_arn, job_type, created_at, completed_at, report FROM access_advisor_jobs
     WHERE account_id = ? AND job_id = ?`,
  );
  const recordTx = db.transaction((uses: readonly AccessActivityUse[]) => {
    for (const u of uses) upsert.run(u.accountId, u.entityArn, u.serviceNamespace, u.action, u.at.getTime(), u.region);
  });
  const putJobTx = db.transaction((j: AccessAdvisorJobRow, jobsBefore: number, usesBefore: number) => {
    expireJobs.run(jobsBefore);
    expireUses.run(usesBefore);
    const { jobId, accountId, createdByArn, jobType, createdAt, completedAt, report } = j;
    insertJob.run(jobId, accountId, createdByArn, jobType, createdAt.getTime(), completedAt.getTime(), report);
  });

  return {
    async recordUses(uses) {
      if (uses.length > 0) usageCommit(db, recordTx, uses);
    },
    async listForEntities(accountId, entityArns, since) {
      if (entityArns.length === 0) return [];
      return forEntities.all(accountId, JSON.stringify(entityArns), since.getTime()).map(useRow);
    },
    async putJob(job, expiry) {
      putJobTx.immediate(job, expiry.expireJobsBefore.getTime(), expiry.expireUsesBefore.getTime());
    },
    async getJob(accountId, jobId) {
      const r = jobById.get(accountId, jobId);
      return r && jobRow(r);
    },
  };
}
