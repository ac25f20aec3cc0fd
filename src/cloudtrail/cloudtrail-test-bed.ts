import type { CloudTrailEvent } from '../audit/cloudtrail-event.js';
import { openAuditStore, type AuditStore } from '../audit/sqlite-audit-store.js';
import type { Caller, RootCaller, UserCaller } from '../identity/caller.js';
import { callJson, type JsonCallResult } from '../json-protocol/test-client.js';
import { CLOUDTRAIL_TARGET_PREFIX, createCloudTrailProtocol } from './cloudtrail-protocol.js';
import type { TrailPublicKey } from './cloudtrail-deps.js';
import type { TrailBucketAccess, TrailBucketAccessInput } from './trail-bucket-access.js';

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const REGION = 'us-east-1';
export const T0 = Date.parse('2026-03-01T10:00:00Z');

/** An in-memory CloudTrail API (audit store `:memory:`) with a settable clock and bucket answers, for unit tests. */
export interface CloudTrailTestBed {
  readonly store: AuditStore;
  readonly root: RootCaller;
  readonly alice: UserCaller;
  readonly otherRoot: RootCaller;
  /** Buckets and what checkBucket answers for them (absent: NoSuchBucket). */
  readonly buckets: Map<string, TrailBucketAccess>;
  /** Every checkBucket call. */
  readonly bucketChecks: TrailBucketAccessInput[];
  readonly keys: TrailPublicKey[];
  advance(ms: number): void;
  call(op: string, input?: Record<string, unknown>, caller?: Caller): Promise<JsonCallResult>;
  ok(op: string, input?: Record<string, unknown>, caller?: Caller): Promise<Record<string, unknown>>;
  code(op: string, input?: Record<string, unknown>, caller?: Caller): Promise<string | undefined>;
}

export function rootOf(accountId: string): RootCaller {
  return { kind: 'Root', accountId, arn: `arn:aws:iam::${accountId}:root`, accessKeyId: 'AKIATESTTESTTESTTEST' };
}

export function cloudTrailTestBed(): CloudTrailTestBed {
  let now = T0;
  const store = openAuditStore({ dataDir: ':memory:' });
  const buckets = new Map<string, TrailBucketAccess>([['logs', 'Allowed'], ['locked', 'Denied']]);
  const bucketChecks: TrailBucketAccessInput[] = [];
  const keys: TrailPublicKey[] = [];
  const adapter = createCloudTrailProtocol({
    events: store.events,
    trails: store.trails,
    region: REGION,
    now: () => new Date(now),
    publicKeys: () => keys,
    checkBucket: async (input) => {
      bucketChecks.push(input);
      return buckets.get(input.bucket) ?? 'NoSuchBucket';
    },
  });
  const alice: UserCaller = {
    kind: 'User', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/alice`, userId: 'AIDAALICEEXAMPLE00001',
    userName: 'alice', path: '/', accessKeyId: 'AKIAALICEALICEALICE1',
  };
  const root = rootOf(ACCOUNT);
  const call = (op: string, input: Record<string, unknown> = {}, caller: Caller = root) =>
    callJson(adapter, caller, `${CLOUDTRAIL_TARGET_PREFIX}.${op}`, input);
  const ok = async (op: string, input?: Record<string, unknown>, caller?: Caller) => {
    const r = await call(op, input, caller);
    if (r.status !== 200) throw new Error(`${op} failed: ${r.status} ${r.body}`);
    return r.json;
  };
  return {
    store, root, alice, otherRoot: rootOf(OTHER_ACCOUNT), buckets, bucketChecks, keys,
    advance: (ms) => {
      now += ms;
    },
    call,
    ok,
    code: async (op, input, caller) => (await call(op, input, caller)).errorCode,
  };
}

let counter = 0;
/** A management event of ACCOUNT (an IAM call by alice), overridable. */
export function testEvent(o: Partial<CloudTrailEvent> = {}): CloudTrailEvent {
  counter++;
  return {
    eventVersion: '1.11',
    userIdentity: {
      type: 'IAMUser', principalId: 'AIDAALICE', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT,
      accessKeyId: 'AKIAALICE', userName: 'alice',
    },
    eventTime: new Date(T0 + counter * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateUser',
    awsRegion: REGION,
    sourceIPAddress: '127.0.0.1',
    requestParameters: { userName: 'bob' },
    responseElements: null,
    requestID: `req-${counter}`,
    eventID: `ev-${counter}`,
    readOnly: false,
    resources: [{ ARN: `arn:aws:iam::${ACCOUNT}:user/bob`, accountId: ACCOUNT, type: 'AWS::IAM::User' }],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...o,
  };
}
