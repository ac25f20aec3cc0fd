import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { migrate, MIGRATIONS, SchemaTooNewError, type Migration } from './migrations.js';

const version = (db: BetterSqlite3.Database) => db.pragma('user_version', { simple: true }) as number;

describe('migrate', () => {
  it('applies the real migrations once; running again is a no-op', () => {
    const db = new BetterSqlite3(':memory:');
    assert.deepEqual(migrate(db), MIGRATIONS.map((m) => m.version));
    assert.equal(version(db), MIGRATIONS.length);
    assert.deepEqual(migrate(db), []);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    for (const t of ['buckets', 'inline_bytes', 'object_segments', 'object_versions', 'objects', 'parts', 'uploads', 'version_segments']) {
      assert.ok(tables.includes(t), t);
    }
    db.close();
  });

  it('brings a version-1 database with objects to version 2; its objects keep their segments', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS.slice(0, 1));
    db.prepare(
      `INSERT INTO objects (bucket, key, version_id, size, etag, last_modified, user_metadata, tags, storage_class, owner_account_id)
       VALUES ('b', x'6b', NULL, 3, 'e', 0, '{}', '[]', 'STANDARD', '111122223333')`,
    ).run();
    assert.deepEqual(migrate(db, MIGRATIONS.slice(0, 2)), [2]);
    assert.equal(db.prepare('SELECT inline_id FROM objects').pluck().get(), null);
    db.close();
  });

  it('brings a version-2 bucket to version 3 as a new bucket is made: ACLs disabled, public access blocked', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS.slice(0, 2));
    db.prepare("INSERT INTO buckets VALUES ('b', '111122223333', 'us-east-1', 0, NULL)").run();
    assert.deepEqual(migrate(db, MIGRATIONS.slice(0, 3)), [3]);
    const row = db.prepare('SELECT policy, policy_revision, ownership, acl, public_access_block FROM buckets').get() as Record<string, unknown>;
    assert.deepEqual(row, {
      policy: null,
      policy_revision: 0,
      ownership: 'BucketOwnerEnforced',
      acl: null,
      public_access_block: '{"blockPublicAcls":true,"ignorePublicAcls":true,"blockPublicPolicy":true,"restrictPublicBuckets":true}',
    });
    db.close();
  });

  it('brings a version-4 database to version 5: its objects are null versions, with no history yet', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS.slice(0, 4));
    db.prepare(
      `INSERT INTO objects (bucket, key, version_id, size, etag, last_modified, user_metadata, tags, storage_class, owner_account_id)
       VALUES ('b', x'6b', NULL, 3, 'e', 0, '{}', '[]', 'STANDARD', '111122223333')`,
    ).run();
    assert.deepEqual(migrate(db, MIGRATIONS.slice(0, 5)), [5]);
    assert.equal(db.prepare('SELECT version_id FROM objects').pluck().get(), null);
    assert.equal(db.prepare('SELECT count(*) FROM object_versions').pluck().get(), 0);
    db.close();
  });

  it('runs pending migrations in order, each with its version bump', () => {
    const db = new BetterSqlite3(':memory:');
    const log: number[] = [];
    const step = (v: number): Migration => ({ version: v, description: `v${v}`, up: (d) => { log.push(v); d.exec(`CREATE TABLE t${v} (x)`); } });
    assert.deepEqual(migrate(db, [step(1)]), [1]);
    assert.deepEqual(migrate(db, [step(1), step(2), step(3)]), [2, 3]);
    assert.deepEqual(log, [1, 2, 3]);
    assert.equal(version(db), 3);
    db.close();
  });

  it('rolls back a failing migration with its version bump', () => {
    const db = new BetterSqlite3(':memory:');
    const ok: Migration = { version: 1, description: 'ok', up: (d) => d.exec('CREATE TABLE a (x)') };
    const bad: Migration = { version: 2, description: 'bad', up: (d) => { d.exec('CREATE TABLE b (x)'); throw new Error('boom'); } };
    assert.throws(() => migrate(db, [ok, bad]), /boom/);
    assert.equal(version(db), 1);
    assert.equal(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'b'").pluck().get(), 0);
    db.close();
  });

  it('refuses a database written by a newer build, and a migration list with gaps', () => {
    const db = new BetterSqlite3(':memory:');
    db.pragma('user_version = 99');
    assert.throws(() => migrate(db), SchemaTooNewError);
    const gap: Migration = { version: 3, description: 'gap', up: () => undefined };
    assert.throws(() => migrate(new BetterSqlite3(':memory:'), [gap]), /expected 1/);
    db.close();
  });
});
