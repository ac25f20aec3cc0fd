import { orUndefined, toDate, type SqliteContext } from './sqlite-context.js';
import type { WorkloadTokenRepo, WorkloadTokenRow } from './types.js';

interface TokenDb {
  token_id: string;
  account_id: string;
  instance_profile_id: string;
  description: string | null;
  created_at: number;
  created_by_arn: string;
  revoked_at: number | null;
}

const COLUMNS = 'token_id, account_id, instance_profile_id, description, created_at, created_by_arn, revoked_at';

const tokenRow = (r: TokenDb): WorkloadTokenRow => ({
  tokenId: r.token_id,
  accountId: r.account_id,
  instanceProfileId: r.instance_profile_id,
  description: orUndefined(r.description),
  createdAt: toDate(r.created_at),
  createdByArn: r.created_by_arn,
  revokedAt: toDate(r.revoked_at),
});

/**
 * Workload tokens in `iam.sqlite`. Writes are single statements in immediate transactions (several
 * worker processes share the file). Nothing is emitted on the change feed: no cache holds tokens,
 * the credentials endpoint reads the row on every request, so a revocation applies at once in every
 * process.
 */
export function sqliteWorkloadTokens(ctx: SqliteContext): WorkloadTokenRepo {
  const { db } = ctx;
  const byId = db.prepare<[string, string], TokenDb>(
    `SELECT ${COLUMNS} FROM workload_tokens WHERE account_id = ? AND token_id = ?`,
  );
  const byHash = db.prepare<[string], TokenDb>(`SELECT ${COLUMNS} FROM workload_tokens WHERE token_sha256 = ?`);
  const byAccount = db.prepare<[string], TokenDb>(
    `SELECT ${COLUMNS} FROM workload_tokens WHERE account_id = ? ORDER BY created_at, token_id`,
  );
  const insert = db.prepare(
    `INSERT INTO workload_tokens (token_id, account_id, instance_profile_id, token_sha256, description, created_at,
       created_by_arn) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const revoke = db.prepare<[number, string, string], TokenDb>(
    `UPDATE workload_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE account_id = ? AND token_id = ?
     RETURNING ${COLUMNS}`,
  );
  const createTx = db.transaction((t: Parameters<WorkloadTokenRepo['create']>[0], at: number) => {
    insert.run(t.tokenId, t.accountId, t.instanceProfileId, t.tokenSha256, t.description ?? null, at, t.createdByArn);
  });
  const revokeTx = db.transaction((accountId: string, tokenId: string, at: number) =>
    revoke.get(at, accountId, tokenId),
  );

  return {
    async create(t) {
      createTx.immediate(t, ctx.now().getTime());
      return tokenRow(byId.get(t.accountId, t.tokenId) as TokenDb);
    },
    async findBySha256(tokenSha256) {
      const r = byHash.get(tokenSha256);
      return r && tokenRow(r);
    },
    async get(accountId, tokenId) {
      const r = byId.get(accountId, tokenId);
      return r && tokenRow(r);
    },
    async list(accountId) {
      return byAccount.all(accountId).map(tokenRow);
    },
    async revoke(accountId, tokenId, at) {
      const r = revokeTx.immediate(accountId, tokenId, at.getTime());
      return r && tokenRow(r);
    },
  };
}
