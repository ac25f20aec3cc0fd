import { iamError } from '../errors.js';
import { toDate, type SqliteContext } from './sqlite-context.js';
import type { OidcProviderRepo, OidcProviderRow, Tag, TaggableKind } from './types.js';

interface OidcDb {
  arn: string;
  account_id: string;
  url: string;
  client_ids: string;
  thumbprints: string;
  created_at: number;
}

type TagInserter = (accountId: string, kind: TaggableKind, id: string, tags: readonly Tag[]) => void;

const providerRow = (r: OidcDb): OidcProviderRow => ({
  arn: r.arn,
  accountId: r.account_id,
  url: r.url,
  clientIds: JSON.parse(r.client_ids) as string[],
  thumbprints: JSON.parse(r.thumbprints) as string[],
  createdAt: toDate(r.created_at),
});

const noSuchProvider = (arn: string) =>
  iamError('NoSuchEntity', { message: `OpenIDConnect Provider not found for arn ${arn}` });

/** IAM OpenID Connect providers (table `oidc_providers`; client ids and thumbprints as JSON arrays). */
export function sqliteOidcProviders(ctx: SqliteContext, insertTags: TagInserter): OidcProviderRepo {
  const { db } = ctx;
  const get = db.prepare<[string], OidcDb>('SELECT * FROM oidc_providers WHERE arn = ?');

  const createTx = db.transaction((p: Parameters<OidcProviderRepo['create']>[0], at: number) => {
    // One provider per issuer URL in an account (the ARN is made of the URL, so either check would do).
    const taken = db.prepare('SELECT 1 FROM oidc_providers WHERE account_id = ? AND (url = ? OR arn = ?)')
      .get(p.accountId, p.url, p.arn);
    if (taken) throw iamError('EntityAlreadyExists', { message: `Provider with url https://${p.url} already exists.` });
    const [clientIds, thumbprints] = [JSON.stringify(p.clientIds), JSON.stringify(p.thumbprints)];
    db.prepare(`INSERT INTO oidc_providers (arn, account_id, url, client_ids, thumbprints, created_at)
      VALUES (?, ?, ?, ?, ?, ?)`).run(p.arn, p.accountId, p.url, clientIds, thumbprints, at);
    if (p.tags && p.tags.length > 0) insertTags(p.accountId, 'oidc-provider', p.arn, p.tags);
  });

  const deleteTx = db.transaction((arn: string): OidcDb => {
    const r = get.get(arn);
    if (!r) throw noSuchProvider(arn);
    db.prepare(`DELETE FROM tags WHERE entity_kind = 'oidc-provider' AND entity_id = ?`).run(arn);
    db.prepare('DELETE FROM oidc_providers WHERE arn = ?').run(arn);
    return r;
  });

  const updateTx = db.transaction((arn: string, change: Parameters<OidcProviderRepo['update']>[1]): OidcDb => {
    const r = get.get(arn);
    if (!r) throw noSuchProvider(arn);
    const clientIds = change.clientIds === undefined ? r.client_ids : JSON.stringify(change.clientIds);
    const thumbprints = change.thumbprints === undefined ? r.thumbprints : JSON.stringify(change.thumbprints);
    db.prepare('UPDATE oidc_providers SET client_ids = ?, thumbprints = ? WHERE arn = ?')
      .run(clientIds, thumbprints, arn);
    return get.get(arn) as OidcDb;
  });

  return {
    async create(p) {
      createTx.immediate(p, ctx.now().getTime());
      ctx.emit({ kind: 'oidcProvider', accountId: p.accountId });
      return providerRow(get.get(p.arn) as OidcDb);
    },
    async get(arn) {
      const r = get.get(arn);
      return r && providerRow(r);
    },
    async list(accountId) {
      const sql = 'SELECT * FROM oidc_providers WHERE account_id = ? ORDER BY arn';
      return db.prepare<[string], OidcDb>(sql).all(accountId).map(providerRow);
    },
    async delete(arn) {
      const r = deleteTx.immediate(arn);
      ctx.emit({ kind: 'oidcProvider', accountId: r.account_id });
    },
    async update(arn, change) {
      const r = updateTx.immediate(arn, change);
      ctx.emit({ kind: 'oidcProvider', accountId: r.account_id });
      return providerRow(r);
    },
  };
}
