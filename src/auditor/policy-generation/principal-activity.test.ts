import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CloudTrailEvent } from '../../audit/cloudtrail-event.js';
import { AUDIT_DB_FILE, openAuditStore, type AuditStore } from '../../audit/sqlite-audit-store.js';
import { recorded } from '../../audit/testing/recorded-events.js';
import { PolicyGenerationError } from './policy-generation-error.js';
import {
  forEachPrincipalEvent,
  parsePrincipalArn,
  parseTrailArn,
  type PrincipalActivityQuery,
} from './principal-activity.js';
import {
  ACCT,
  ALICE,
  ROLE_ARN,
  T0,
  USER_ARN,
  ctEvent,
  roleSession,
  s3Event,
  trail,
  TRAIL_ARN,
} from './policy-generation-test-support.js';

const MAIN = `${ACCT}/main`;
const MAIN_ARN = TRAIL_ARN;

/** A real audit.sqlite in a temp dir, written by the audit store's own code, with trails `main` and `other`. */
function withStore(run: (store: AuditStore, path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'policygen-'));
  const store = openAuditStore({ dataDir: dir });
  try {
    store.trails.create(trail('main'));
    store.trails.create(trail('other'));
    run(store, join(dir, AUDIT_DB_FILE));
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function query(path: string, o: Partial<PrincipalActivityQuery> = {}): PrincipalActivityQuery {
  return {
    auditDbPath: path,
    principalArn: USER_ARN,
    trails: [{ cloudTrailArn: MAIN_ARN }],
    startTime: new Date(T0 - 3_600_000),
    endTime: new Date(T0 + 3_600_000),
    maxEvents: 1000,
    ...o,
  };
}

function visited(q: PrincipalActivityQuery): { ids: string[]; scan: ReturnType<typeof forEachPrincipalEvent> } {
  const ids: string[] = [];
  const scan = forEachPrincipalEvent(q, (e: CloudTrailEvent) => ids.push(e.eventID));
  return { ids, scan };
}

describe('principal activity', { timeout: 10_000 }, () => {
  it("finds a user's own management events and the named trail's data events, once each", () => {
    withStore((store, path) => {
      const own = ctEvent();
      const bob = ctEvent({ userIdentity: { ...ALICE, arn: `arn:aws:iam::${ACCT}:user/bob`, userName: 'bob' } });
      const sameName = ctEvent({ userIdentity: roleSession('alice') }); // a role session named like the user
      const delivered = ctEvent({ eventName: 'DeleteUser' });
      const data = s3Event('GetObject', { bucket: 'b', key: 'k' });
      const elsewhere = s3Event('PutObject', { bucket: 'b', key: 'k' });
      store.events.append(recorded([own, bob, sameName]));
      store.events.append(recorded([delivered, data], [MAIN]));
      store.events.append(recorded([elsewhere], [`${ACCT}/other`]));
      const { ids, scan } = visited(query(path));
      assert.deepEqual(ids.sort(), [own.eventID, delivered.eventID, data.eventID].sort());
      assert.equal(scan.eventsMatched, 3);
      assert.equal(scan.isComplete, true);
    });
  });

  it('finds every session of a role, and nothing of other roles or users', () => {
    withStore((store, path) => {
      const s1 = ctEvent({ userIdentity: roleSession('s1') });
      const s2 = s3Event('GetObject', { bucket: 'b', key: 'k', userIdentity: roleSession('s2') });
      const otherRole = ctEvent({ userIdentity: roleSession('s1', `arn:aws:iam::${ACCT}:role/other`) });
      const user = ctEvent();
      store.events.append(recorded([s1, otherRole, user]));
      store.events.append(recorded([s2], [MAIN]));
      assert.deepEqual(visited(query(path, { principalArn: ROLE_ARN })).ids.sort(), [s1.eventID, s2.eventID].sort());
    });
  });

  it('keeps the time window, both ends inclusive, and the Regions asked', () => {
    withStore((store, path) => {
      const at = (ms: number) => ctEvent({ at: ms });
      const [before, first, last, after] = [at(T0 - 1000), at(T0), at(T0 + 60_000), at(T0 + 61_000)];
      const euManagement = ctEvent({
        at: T0 + 1000,
        awsRegion: 'eu-west-1',
        eventSource: 'kms.amazonaws.com',
        eventName: 'ListKeys',
      });
      const euData = s3Event('GetObject', { bucket: 'b', key: 'k', at: T0 + 2000, region: 'eu-west-1' });
      store.events.append(recorded([before, first, last, after, euManagement]));
      store.events.append(recorded([euData], [MAIN]));
      const window = { startTime: new Date(T0), endTime: new Date(T0 + 60_000) };
      const usOnly = visited(query(path, { ...window, trails: [{ cloudTrailArn: MAIN_ARN, regions: ['us-east-1'] }] }));
      assert.deepEqual(usOnly.ids.sort(), [first.eventID, last.eventID].sort());
      const all = visited(query(path, { ...window, trails: [{ cloudTrailArn: MAIN_ARN, allRegions: true }] }));
      assert.deepEqual(all.ids.sort(), [first.eventID, last.eventID, euManagement.eventID, euData.eventID].sort());
    });
  });

  it('reads at most maxEvents events, newest first, and then says it is not complete', () => {
    withStore((store, path) => {
      const events = [0, 1, 2, 3, 4].map((i) => ctEvent({ at: T0 + i * 10_000 }));
      const data = s3Event('GetObject', { bucket: 'b', key: 'k', at: T0 + 35_000 });
      store.events.append(recorded(events));
      store.events.append(recorded([data], [MAIN]));
      const bounded = visited(query(path, { maxEvents: 3 }));
      assert.deepEqual(bounded.ids, [events[4]!.eventID, data.eventID, events[3]!.eventID]);
      assert.deepEqual(bounded.scan, { eventsScanned: 3, eventsMatched: 3, windowPruned: false, isComplete: false });
      assert.equal(visited(query(path, { maxEvents: 6 })).scan.isComplete, true);
    });
  });

  it('is not complete when retention deleted events the window may have held', () => {
    withStore((store, path) => {
      const events = [0, 1, 2, 3].map((i) => ctEvent({ at: T0 + i * 10_000 }));
      store.events.append(recorded(events.slice(0, 2)));
      store.events.append(recorded(events.slice(2), [MAIN]));
      assert.equal(visited(query(path)).scan.isComplete, true);
      store.events.prune({ before: new Date(T0 + 15_000), maxEvents: 1000 });
      const early = visited(query(path));
      assert.deepEqual(early.ids, [events[3]!.eventID, events[2]!.eventID]);
      assert.deepEqual([early.scan.windowPruned, early.scan.isComplete], [true, false]);
      const late = visited(query(path, { startTime: new Date(T0 + 20_000) }));
      assert.deepEqual([late.scan.windowPruned, late.scan.isComplete], [false, true]);
      store.events.prune({ before: new Date(T0 + 100_000), maxEvents: 1000 });
      assert.equal(visited(query(path, { startTime: new Date(T0 + 20_000) })).scan.windowPruned, true, 'all gone');
    });
  });

  it('reads while the store is being written, never writing itself', () => {
    withStore((store, path) => {
      store.events.append(recorded([ctEvent()]));
      assert.equal(visited(query(path)).ids.length, 1);
      assert.equal(store.events.tryAppend(recorded([ctEvent()])), true, 'no lock left behind');
      assert.equal(visited(query(path)).ids.length, 2);
    });
  });

  it('refuses a principal that is not a user or role, a malformed trail ARN and a trail that does not exist', () => {
    withStore((_store, path) => {
      const code = (q: PrincipalActivityQuery) => {
        try {
          forEachPrincipalEvent(q, () => undefined);
          return 'none';
        } catch (e) {
          return e instanceof PolicyGenerationError ? e.code : String(e);
        }
      };
      assert.equal(code(query(path, { principalArn: `arn:aws:iam::${ACCT}:root` })), 'InvalidPrincipalArn');
      assert.equal(code(query(path, { trails: [{ cloudTrailArn: 'arn:aws:s3:::b' }] })), 'InvalidTrailArn');
      assert.equal(
        code(query(path, { trails: [{ cloudTrailArn: `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/gone` }] })),
        'TrailNotFound',
      );
      assert.throws(
        () => forEachPrincipalEvent(query(`${path}.missing`), () => undefined),
        /SQLITE_CANTOPEN|unable to open|not exist/i,
      );
    });
  });

  it('parses principal and trail ARNs', () => {
    assert.deepEqual(parsePrincipalArn(ROLE_ARN), { kind: 'role', arn: ROLE_ARN, accountId: ACCT, name: 'worker' });
    assert.equal(parsePrincipalArn(`arn:aws:sts::${ACCT}:assumed-role/r/s`), undefined);
    assert.deepEqual(parseTrailArn(MAIN_ARN), { region: 'us-east-1', accountId: ACCT, name: 'main', key: MAIN });
  });
});
