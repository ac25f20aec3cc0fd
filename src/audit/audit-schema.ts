import type { Database } from 'better-sqlite3';

/**
 * Ordered migrations of `<dataDir>/audit.sqlite` (issue #16). Each runs once, in a transaction, and
 * bumps `PRAGMA user_version`. Never edit a released migration; append a new one. Times are integer
 * milliseconds since the epoch.
 *
 * The audit trail keeps its own database rather than tables in metadata.sqlite or iam.sqlite: every
 * request may append to it, and those appends must neither take the metadata write lock that object
 * writes wait on nor make every worker process drop its IAM caches.
 *
 * Two logs, for two readers (since migration 2):
 * - `events`, the event history LookupEvents reads: management events, indexed. The lookup indexes are
 *   partial (`WHERE management = 1`, from when data events were rows too); each ends with
 *   (event_time, seq), so a lookup walks it newest first and needs no sort.
 * - `delivery_log`, what trails deliver: one row per group commit holding the events logging trails
 *   selected, pre-rendered, with the keys of those trails (trail-delivery-log.ts). Data events (the
 *   bulk: every GetObject of a trail that selects them) are only here, a line each, never a row each.
 *   `delivery_log.seq` is AUTOINCREMENT: a seq is never reused, even after pruning removed the newest
 *   rows, because each trail keeps its place as "the last seq considered".
 */
export const AUDIT_MIGRATIONS: readonly string[] = [
  // 1: events and the resources they name; trails.
  `
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_time INTEGER NOT NULL,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    management INTEGER NOT NULL,
    read_only INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    event_name TEXT NOT NULL,
    event_source TEXT NOT NULL,
    username TEXT,
    access_key_id TEXT,
    event TEXT NOT NULL
  );
  CREATE INDEX events_by_time ON events (account_id, region, event_time, seq) WHERE management = 1;
  CREATE INDEX events_by_id ON events (account_id, region, event_id) WHERE management = 1;
  CREATE INDEX events_by_name ON events (account_id, region, event_name, event_time, seq) WHERE management = 1;
  CREATE INDEX events_by_source ON events (account_id, region, event_source, event_time, seq) WHERE management = 1;
  CREATE INDEX events_by_read_only ON events (account_id, region, read_only, event_time, seq) WHERE management = 1;
  CREATE INDEX events_by_username ON events (account_id, region, username, event_time, seq)
    WHERE management = 1 AND username IS NOT NULL;
  CREATE INDEX events_by_access_key ON events (account_id, region, access_key_id, event_time, seq)
    WHERE management = 1 AND access_key_id IS NOT NULL;
  CREATE TABLE event_resources (
    seq INTEGER NOT NULL,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    event_time INTEGER NOT NULL,
    resource_type TEXT NOT NULL,
    resource_name TEXT NOT NULL,
    PRIMARY KEY (seq, resource_type, resource_name)
  ) WITHOUT ROWID;
  CREATE INDEX event_resources_by_type ON event_resources (account_id, region, resource_type, event_time, seq);
  CREATE INDEX event_resources_by_name ON event_resources (account_id, region, resource_name, event_time, seq);
  CREATE TABLE trails (
    account_id TEXT NOT NULL,
    name TEXT NOT NULL,
    is_logging INTEGER NOT NULL,
    config TEXT NOT NULL,
    delivery TEXT NOT NULL,
    PRIMARY KEY (account_id, name)
  ) WITHOUT ROWID;
  CREATE INDEX trails_logging ON trails (is_logging) WHERE is_logging = 1;
  -- trails_version: bumped by every trail write, so a process sees another's change without reading trails.
  CREATE TABLE audit_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO audit_meta (key, value) VALUES ('trails_version', 0);
  `,
  // 2: the delivery log (trail-delivery-log.ts): trails select events when they are recorded, and each
  // group commit's selected events are one row of pre-rendered lines, so a data event costs the request
  // path a line in a string, not a row of its own. The event history keeps management events only;
  // trail cursors now count delivery-log batches, so they start again at 0.
  `
  CREATE TABLE delivery_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    first_time INTEGER NOT NULL,
    count INTEGER NOT NULL,
    lines TEXT NOT NULL
  );
  DELETE FROM events WHERE management = 0;
  UPDATE trails SET delivery = json_set(delivery, '$.deliveredSeq', 0);
  `,
];

export const AUDIT_SCHEMA_VERSION = AUDIT_MIGRATIONS.length;

/** Applies pending migrations (BEGIN IMMEDIATE: worker processes may open the file at once). */
export function migrateAudit(db: Database): void {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > AUDIT_SCHEMA_VERSION) {
      throw new Error(
        `audit.sqlite has schema version ${current}, newer than this build supports (${AUDIT_SCHEMA_VERSION})`,
      );
    }
    for (let v = current; v < AUDIT_SCHEMA_VERSION; v++) {
      db.exec(AUDIT_MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}
