import type { AccessKeyLookupOptions, AccessKeyRecord, CredentialProvider } from '../auth/types.js';
import type { Caller } from '../identity/caller.js';
import { callerOfSession } from '../sts/session-caller.js';
import type { SessionClaims } from '../sts/session-token.js';
import { rootArn, userArn } from './arn.js';
import { LastUseBuffer } from './last-use-buffer.js';
import type { IamStore, KeyUse } from './store/types.js';

export interface IamCredentialProviderOptions {
  /** How often buffered key uses are written (GetAccessKeyLastUsed); default 1000 ms. */
  readonly flushIntervalMs?: number;
  /** Upper bound on cached keys; the cache is simply cleared when full. */
  readonly maxCacheEntries?: number;
  /** Where flush failures go (the composition root passes the logger). */
  readonly onError?: (err: unknown) => void;
  /** Opens STS session tokens (temporary `ASIA…` keys); without it, temporary keys are unknown. */
  readonly sessions?: { open(token: string): Promise<SessionClaims | undefined> };
}

/** Opened session tokens kept; each entry is a pure function of its token, so no invalidation is needed. */
const MAX_SESSIONS_CACHED = 10_000;

/**
 * Resolves access keys to callers over the IAM store, with a cache that is cleared on every key or
 * user change the store reports (status changes, deletions, renames), so an inactive or deleted key
 * is refused on the very next request. Other worker processes' changes arrive through the same feed
 * (the server polls the store when a request starts: `pollExternalChanges`). ROADMAP scale-out: it
 * would carry other nodes' changes too (PostgreSQL LISTEN/NOTIFY); nothing else holds state.
 */
export class IamCredentialProvider implements CredentialProvider {
  private readonly store: IamStore;
  private readonly cache = new Map<string, AccessKeyRecord>();
  private readonly sessions = new Map<string, AccessKeyRecord | undefined>();
  private readonly maxCacheEntries: number;
  /** Bumped on every invalidation so a lookup that raced with a change does not cache stale data. */
  private generation = 0;
  private readonly uses: LastUseBuffer<KeyUse>;
  private readonly unsubscribe: () => void;
  private readonly onError: (err: unknown) => void;
  private readonly openSession: (token: string) => Promise<SessionClaims | undefined>;

  constructor(store: IamStore, options: IamCredentialProviderOptions = {}) {
    this.store = store;
    this.maxCacheEntries = options.maxCacheEntries ?? 10_000;
    this.onError = options.onError ?? (() => undefined);
    this.openSession = options.sessions ? (t) => options.sessions!.open(t) : async () => undefined;
    this.unsubscribe = store.onChange((c) => {
      if (c.kind === 'accessKey' || c.kind === 'user' || c.kind === 'external') this.invalidate();
    });
    this.uses = new LastUseBuffer((batch) => this.store.accessKeys.recordUses(batch), this.onError, options.flushIntervalMs ?? 1000);
  }

  /** Drops every cached key (explicit invalidation path for callers outside the store feed). */
  invalidate(): void {
    this.generation++;
    this.cache.clear();
  }

  async findAccessKey(accessKeyId: string, options?: AccessKeyLookupOptions): Promise<AccessKeyRecord | undefined> {
    if (accessKeyId.startsWith('ASIA')) return options?.sessionToken === undefined ? undefined : this.temporary(accessKeyId, options.sessionToken);
    const hit = this.cache.get(accessKeyId);
    if (hit) return hit;
    const generation = this.generation;
    const record = await this.load(accessKeyId);
    if (record && generation === this.generation) {
      if (this.cache.size >= this.maxCacheEntries) this.cache.clear();
      this.cache.set(accessKeyId, record);
    }
    return record;
  }

  /**
   * Temporary credentials: the record is the opened session token, with no store read. A token that
   * does not open, or was issued with another key id, makes the key unknown.
   */
  private async temporary(accessKeyId: string, token: string): Promise<AccessKeyRecord | undefined> {
    let record = this.sessions.get(token);
    if (record === undefined && !this.sessions.has(token)) {
      const claims = await this.openSession(token);
      record = claims && {
        accessKeyId: claims.accessKeyId,
        secretAccessKey: claims.secretAccessKey,
        status: 'Active',
        caller: callerOfSession(claims),
        sessionToken: token,
        expiration: claims.session.expiresAt,
        tokenIssueTime: claims.session.issuedAt,
        mfaAuthenticatedAt: claims.session.mfaAuthenticatedAt,
      };
      if (this.sessions.size >= MAX_SESSIONS_CACHED) this.sessions.clear();
      this.sessions.set(token, record);
    }
    return record?.accessKeyId === accessKeyId ? record : undefined;
  }

  private async load(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    const key = await this.store.accessKeys.getWithSecret(accessKeyId);
    if (!key) return undefined;
    let caller: Caller;
    if (key.userId === undefined) {
      caller = { kind: 'Root', accountId: key.accountId, arn: rootArn(key.accountId), accessKeyId };
    } else {
      const user = await this.store.users.getById(key.userId);
      if (!user) return undefined;
      caller = { kind: 'User', accountId: user.accountId, arn: userArn(user.accountId, user.path, user.userName), userId: user.userId, userName: user.userName, path: user.path, accessKeyId };
    }
    return { accessKeyId, secretAccessKey: key.secretAccessKey, status: key.status, caller };
  }

  /**
   * Records that a key signed a request (GetAccessKeyLastUsed, the credential report's last-used
   * columns), from the request's record (main.ts): buffered, written once a second.
   */
  recordKeyUse(accessKeyId: string, service: string, region: string, at: Date): void {
    this.uses.record(accessKeyId, { accessKeyId, service, region, at });
  }

  /** Writes buffered key uses; concurrent calls share one write. */
  flush(): Promise<void> {
    return this.uses.flush();
  }

  /** Stops the timer and writes what is buffered. Call before closing the store. */
  async close(): Promise<void> {
    this.unsubscribe();
    await this.uses.close();
  }
}

export function createCredentialProvider(store: IamStore, options: IamCredentialProviderOptions = {}): IamCredentialProvider {
  return new IamCredentialProvider(store, options);
}
