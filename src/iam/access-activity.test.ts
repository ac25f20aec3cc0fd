import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestRecord } from '../audit/request-record.js';
import type { Caller } from '../identity/caller.js';
import { accessActivityObserver, accessActivityOf, createAccessActivityRecorder } from './access-activity.js';
import { openMemoryIamStore } from './store/memory-store.js';
import type { AccessActivityUse } from './store/types.js';

const ACCT = '111122223333';
const ALICE = `arn:aws:iam::${ACCT}:user/alice`;
const ROLE = `arn:aws:iam::${ACCT}:role/app`;
const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;
const activity = (entityArn: string, actions: string[], at: number, region = 'us-east-1') => ({
  accountId: ACCT,
  entityArn,
  actions,
  region,
  at: new Date(at),
});
const USER: Caller = {
  kind: 'User',
  accountId: ACCT,
  arn: `arn:aws:iam::${ACCT}:user/alice`,
  userId: 'AIDAEXAMPLE',
  userName: 'alice',
  path: '/',
  accessKeyId: 'AKIA',
};
const noError = (err: unknown) => assert.fail(`unexpected write failure: ${String(err)}`);

/** A store double that keeps each batch it is given (and can be told to fail, or to hold a write). */
function batches() {
  const written: AccessActivityUse[][] = [];
  let fail = false;
  let hold: Promise<void> | undefined;
  return {
    written,
    failNext: () => (fail = true),
    holdWrites: (p: Promise<void>) => (hold = p),
    store: {
      async recordUses(batch: readonly AccessActivityUse[]) {
        if (hold) await hold;
        if (fail) {
          fail = false;
          throw new Error('disk full');
        }
        written.push([...batch]);
      },
    },
  };
}

test('record buffers in memory: nothing is written before a flush, one batch after it', async () => {
  const b = batches();
  const r = createAccessActivityRecorder({ store: b.store, onError: noError, intervalMs: 60_000 });
  r.record(activity(ALICE, ['s3:PutObject', 's3:PutObjectTagging'], T0));
  assert.equal(b.written.length, 0, 'record never writes on the request path');
  await r.flush();
  assert.equal(b.written.length, 1);
  const written = b.written[0].map((u) => [u.serviceNamespace, u.action]);
  assert.deepEqual(written, [['s3', 's3:PutObject'], ['s3', 's3:PutObjectTagging']]);
  await r.flush();
  assert.equal(b.written.length, 1, 'an empty buffer writes nothing');
  await r.close();
});

test('the latest use per (account, entity, action) wins inside a batch; an older one does not replace it', async () => {
  const b = batches();
  const r = createAccessActivityRecorder({ store: b.store, onError: noError, intervalMs: 60_000 });
  r.record(activity(ALICE, ['s3:GetObject'], T0 + 2 * HOUR));
  r.record(activity(ALICE, ['s3:GetObject'], T0 + HOUR, 'eu-west-1'));
  r.record(activity(ROLE, ['s3:GetObject', 'iam:GetRole'], T0, 'eu-west-1'));
  await r.close();
  const batch = b.written[0];
  assert.equal(batch.length, 3);
  const alice = batch.find((u) => u.entityArn === ALICE);
  assert.equal(alice?.at.getTime(), T0 + 2 * HOUR);
  assert.equal(alice?.region, 'us-east-1');
  assert.deepEqual(batch.filter((u) => u.entityArn === ROLE).map((u) => u.serviceNamespace).sort(), ['iam', 's3']);
});

test('an action without a service prefix is not recorded', async () => {
  const b = batches();
  const r = createAccessActivityRecorder({ store: b.store, onError: noError, intervalMs: 60_000 });
  r.record(activity(ALICE, ['GetObject', ':x', 'S3:GetObject'], T0));
  await r.close();
  assert.deepEqual(b.written[0].map((u) => [u.serviceNamespace, u.action]), [['s3', 'S3:GetObject']]);
});

test('a failed batch is reported to onError, not thrown; later uses are still written', async () => {
  const b = batches();
  const errors: unknown[] = [];
  const r = createAccessActivityRecorder({ store: b.store, onError: (e) => errors.push(e), intervalMs: 60_000 });
  b.failNext();
  r.record(activity(ALICE, ['iam:ListUsers'], T0));
  await r.flush();
  assert.equal(errors.length, 1);
  r.record(activity(ALICE, ['iam:ListRoles'], T0));
  await r.close();
  assert.deepEqual(b.written.flat().map((u) => u.action), ['iam:ListRoles']);
});

test('flush and close also write what was recorded while an earlier write was in flight', async () => {
  const b = batches();
  let release!: () => void;
  b.holdWrites(new Promise<void>((resolve) => (release = resolve)));
  const r = createAccessActivityRecorder({ store: b.store, onError: noError, intervalMs: 60_000 });
  r.record(activity(ALICE, ['s3:CreateBucket'], T0));
  const first = r.flush();
  r.record(activity(ALICE, ['s3:PutBucketPolicy'], T0));
  const closing = r.close();
  release();
  await Promise.all([first, closing]);
  assert.deepEqual(b.written.flat().map((u) => u.action).sort(), ['s3:CreateBucket', 's3:PutBucketPolicy']);
});

test('the timer flushes on its own (every intervalMs) into the IAM store', async () => {
  const store = openMemoryIamStore();
  const r = createAccessActivityRecorder({ store: store.accessActivity, onError: noError, intervalMs: 20 });
  r.record(activity(ALICE, ['s3:ListAllMyBuckets'], T0));
  const deadline = Date.now() + 2000;
  let rows: AccessActivityUse[] = [];
  while (rows.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    rows = await store.accessActivity.listForEntities(ACCT, [ALICE], new Date(0));
  }
  assert.deepEqual(rows.map((u) => u.action), ['s3:ListAllMyBuckets']);
  await r.close();
  await store.close();
});

function requestRecord(caller: Caller | undefined, extra: Partial<RequestRecord> = {}): RequestRecord {
  return {
    requestId: 'REQ',
    eventTime: new Date(T0),
    service: 's3',
    region: 'eu-central-1',
    operation: 'PutObject',
    caller,
    authenticationType: 'AuthHeader',
    sourceIp: '127.0.0.1',
    http: { method: 'PUT', uri: '/b/k', version: 'HTTP/1.1' },
    status: 200,
    decision: 'Allow',
    authorizedActions: ['s3:PutObject'],
    bytesIn: 0,
    bytesOut: 0,
    totalTimeMs: 1,
    completed: true,
    ...extra,
  };
}

test('accessActivityOf: a user counts under its ARN, a role session under its role ARN; others do not', () => {
  const user = USER;
  assert.deepEqual(accessActivityOf(requestRecord(user)), {
    accountId: ACCT,
    entityArn: ALICE,
    actions: ['s3:PutObject'],
    region: 'eu-central-1',
    at: new Date(T0),
  });
  const session = {
    kind: 'AssumedRole',
    accountId: ACCT,
    arn: `arn:aws:sts::${ACCT}:assumed-role/app/s1`,
    roleArn: ROLE,
    roleId: 'AROAEXAMPLE',
    roleName: 'app',
    sessionName: 's1',
    accessKeyId: 'ASIA',
    session: {},
  } as unknown as Caller;
  assert.equal(accessActivityOf(requestRecord(session))?.entityArn, ROLE);
  const root: Caller = { kind: 'Root', accountId: ACCT, arn: `arn:aws:iam::${ACCT}:root`, accessKeyId: 'AKIA' };
  assert.equal(accessActivityOf(requestRecord(root)), undefined);
  assert.equal(accessActivityOf(requestRecord({ kind: 'Anonymous' })), undefined);
  assert.equal(accessActivityOf(requestRecord(undefined)), undefined);
  const denied = requestRecord(user, { decision: 'ImplicitDeny', authorizedActions: undefined });
  assert.equal(accessActivityOf(denied), undefined);
  assert.equal(accessActivityOf(requestRecord(user, { authorizedActions: [] })), undefined);
});

test('accessActivityObserver feeds the recorder after the response', async () => {
  const b = batches();
  const r = createAccessActivityRecorder({ store: b.store, onError: noError, intervalMs: 60_000 });
  const observer = accessActivityObserver(r);
  const user = USER;
  assert.equal(observer.beforeResponse, undefined, 'nothing waits on the advisor before the response');
  observer.afterResponse?.(requestRecord(user, { authorizedActions: ['s3:PutObject', 's3:PutObjectTagging'] }));
  observer.afterResponse?.(requestRecord(user, { decision: 'ExplicitDeny', authorizedActions: undefined }));
  await r.close();
  assert.deepEqual(b.written.flat().map((u) => u.action), ['s3:PutObject', 's3:PutObjectTagging']);
});
