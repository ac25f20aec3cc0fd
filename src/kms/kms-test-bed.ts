import { randomBytes } from 'node:crypto';
import { Sealer, sealingKey } from '../crypto/sealer.js';
import type { Caller, RootCaller, UserCaller } from '../identity/caller.js';
import { callJson, type JsonCallResult } from '../json-protocol/test-client.js';
import { KeyDirectory } from './key-directory.js';
import { KeyService } from './key-service.js';
import type { KmsKeyStore } from './key-types.js';
import { createKmsProtocol, KMS_TARGET_PREFIX } from './kms-protocol.js';
import { createSqliteKeyStore } from './sqlite-key-store.js';

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const REGION = 'us-east-1';

/** An in-memory KMS (SQLite `:memory:`) with a settable clock, for unit tests. */
export interface KmsTestBed {
  readonly store: KmsKeyStore;
  readonly directory: KeyDirectory;
  readonly keys: KeyService;
  readonly root: RootCaller;
  readonly alice: UserCaller;
  readonly otherRoot: RootCaller;
  /** Moves the clock forward. */
  advance(ms: number): void;
  call(op: string, input?: Record<string, unknown>, caller?: Caller): Promise<JsonCallResult>;
  /** The output of a successful call (throws with the body otherwise). */
  ok(op: string, input?: Record<string, unknown>, caller?: Caller): Promise<Record<string, unknown>>;
  /** The error code of a call that must fail. */
  code(op: string, input?: Record<string, unknown>, caller?: Caller): Promise<string | undefined>;
  /** CreateKey; returns the key id. */
  createKey(input?: Record<string, unknown>, caller?: Caller): Promise<string>;
}

export function rootOf(accountId: string): RootCaller {
  return { kind: 'Root', accountId, arn: `arn:aws:iam::${accountId}:root`, accessKeyId: 'AKIATESTTESTTESTTEST' };
}

export function kmsTestBed(o: { principals?: readonly string[] } = {}): KmsTestBed {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const clock = () => new Date(now);
  const store = createSqliteKeyStore({ path: ':memory:', sealer: new Sealer(sealingKey(randomBytes(32))) });
  const directory = new KeyDirectory(store, REGION, clock);
  const existing = new Set(o.principals ?? [`arn:aws:iam::${ACCOUNT}:user/alice`, `arn:aws:iam::${ACCOUNT}:user/bob`]);
  const adapter = createKmsProtocol({ directory, principalExists: async (arn) => existing.has(arn), now: clock });
  const root = rootOf(ACCOUNT);
  const alice: UserCaller = {
    kind: 'User',
    accountId: ACCOUNT,
    arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
    userId: 'AIDAALICEEXAMPLE00001',
    userName: 'alice',
    path: '/',
    accessKeyId: 'AKIAALICEALICEALICE1',
  };
  const call = (op: string, input: Record<string, unknown> = {}, caller: Caller = root) =>
    callJson(adapter, caller, `${KMS_TARGET_PREFIX}.${op}`, input);
  const ok = async (op: string, input?: Record<string, unknown>, caller?: Caller) => {
    const r = await call(op, input, caller);
    if (r.status !== 200) throw new Error(`${op} failed: ${r.status} ${r.body}`);
    return r.json;
  };
  return {
    store,
    directory,
    keys: new KeyService(directory),
    root,
    alice,
    otherRoot: rootOf(OTHER_ACCOUNT),
    advance: (ms) => {
      now += ms;
    },
    call,
    ok,
    code: async (op, input, caller) => (await call(op, input, caller)).errorCode,
    createKey: async (input, caller) =>
      ((await ok('CreateKey', input, caller)).KeyMetadata as Record<string, string>).KeyId,
  };
}

export const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
