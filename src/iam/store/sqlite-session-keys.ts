import type { SqliteContext } from './sqlite-context.js';
import type { SessionKeyRepo } from './types.js';

interface KeyDb { key_id: string; key_sealed: string; created_at: number }

/** STS session-token keys, each sealed by the master key with its id bound as context. */
export function sqliteSessionKeys(ctx: SqliteContext): SessionKeyRepo {
  const { db, sealer } = ctx;
  const list = db.prepare<[], KeyDb>('SELECT * FROM session_keys ORDER BY created_at');
  const insert = db.prepare('INSERT INTO session_keys (key_id, key_sealed, created_at) VALUES (?, ?, ?) ON CONFLICT (key_id) DO NOTHING');
  const prune = db.prepare('DELETE FROM session_keys WHERE created_at < ?');
  return {
    async list() {
      return list.all().map((r) => ({ keyId: r.key_id, key: sealer.unsealToBuffer(r.key_sealed, r.key_id), createdAt: new Date(r.created_at) }));
    },
    async add(row) {
      insert.run(row.keyId, sealer.seal(row.key, row.keyId), row.createdAt.getTime());
    },
    async deleteCreatedBefore(at) {
      prune.run(at.getTime());
    },
  };
}
