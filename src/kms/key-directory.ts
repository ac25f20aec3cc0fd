import { randomUUID } from 'node:crypto';
import type { ServiceError } from '../errors/service-error.js';
import { aliasArn, keyArn, parseKeyRef, type KeyRef } from './kms-arns.js';
import { aliasNotFound, keyNotFound, kmsError } from './kms-errors.js';
import { awsS3KeyPolicy } from './key-policy.js';
import type { KeyChange, KmsKeyStore, KmsTag, NewKey, RotationType } from './key-types.js';
import { loadKey, newMaterial, type LoadedKey } from './loaded-key.js';

const DAY_MS = 86_400_000;
/** Loaded keys kept; past this the cache starts over (a bound, not an expected size). */
const MAX_LOADED_KEYS = 10_000;
/** AWS managed keys rotate every year (https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html). */
const AWS_MANAGED_ROTATION_DAYS = 365;

/**
 * The AWS aliases KMS creates a key for on first use ("predefined" aliases): only S3's here.
 * Deviation from AWS: AWS predefines one per integrated service (aws/ebs, aws/rds, …).
 */
const PREDEFINED_ALIASES: Readonly<Record<string, { readonly description: string }>> = {
  'alias/aws/s3': { description: 'Default key that protects my S3 objects when no other key is defined' },
};

export interface FindOptions {
  /** The caller's account: bare key ids and alias names are looked up there. */
  readonly accountId: string;
  /**
   * Whether the operation accepts a key of another account (by key ARN or alias ARN): the
   * cryptographic operations, DescribeKey, GetKeyRotationStatus. The others see only their own.
   */
  readonly crossAccount: boolean;
}

export interface FoundKey {
  readonly key: LoadedKey;
  /** The request named the key by an alias (kms:RequestAlias). */
  readonly requestAlias: string | undefined;
}

/**
 * Finds keys by any of their names and keeps them loaded. Every change made here drops what it
 * changed; a change made by another process (the server's other workers) drops everything, noticed
 * when a lookup starts. Time-driven changes happen when a key is looked up: a key whose waiting
 * period is over is deleted, and a key whose automatic rotation is due gets new key material.
 */
export class KeyDirectory {
  private readonly keys = new Map<string, LoadedKey>();
  private readonly aliases = new Map<string, string>();

  constructor(
    private readonly store: KmsKeyStore,
    readonly region: string,
    private readonly now: () => Date,
  ) {}

  /** A key by id, or undefined when it does not exist (or was just deleted at the end of its waiting period). */
  async byId(keyId: string): Promise<LoadedKey | undefined> {
    this.dropIfChangedElsewhere();
    let key = this.keys.get(keyId);
    if (key === undefined) {
      const stored = await this.store.getKey(keyId);
      if (stored === undefined) return undefined;
      key = loadKey(stored);
      if (this.keys.size >= MAX_LOADED_KEYS) this.keys.clear();
      this.keys.set(keyId, key);
    }
    return this.dueWork(key);
  }

  /** The key `ref` names (key id, key ARN, alias name or alias ARN); NotFoundException otherwise. */
  async find(ref: string, o: FindOptions): Promise<FoundKey> {
    const parsed = parseKeyRef(ref);
    const missing = (): ServiceError => notFound(parsed, ref, this.region, o.accountId);
    if (parsed.kind === 'Invalid') throw missing();
    if (parsed.kind === 'KeyId' || parsed.kind === 'KeyArn') {
      if (parsed.kind === 'KeyArn' && !this.reachable(parsed.region, parsed.accountId, o)) throw missing();
      const key = await this.byId(parsed.keyId);
      const owner = parsed.kind === 'KeyArn' ? parsed.accountId : o.accountId;
      if (!key || key.record.accountId !== owner || key.record.region !== this.region) throw missing();
      return { key, requestAlias: undefined };
    }
    const account = parsed.kind === 'AliasArn' ? parsed.accountId : o.accountId;
    if (parsed.kind === 'AliasArn' && !this.reachable(parsed.region, parsed.accountId, o)) throw missing();
    const keyId = await this.aliasTarget(account, parsed.aliasName, { create: account === o.accountId });
    const key = keyId === undefined ? undefined : await this.byId(keyId);
    if (!key) throw missing();
    return { key, requestAlias: parsed.aliasName };
  }

  /** The account's `aws/s3` key, created on first use. */
  async awsManagedKey(accountId: string, aliasName: 'alias/aws/s3'): Promise<LoadedKey> {
    const keyId = await this.aliasTarget(accountId, aliasName, { create: true });
    const key = keyId === undefined ? undefined : await this.byId(keyId);
    if (!key)
      throw kmsError('KMSInternalException', { message: `the AWS managed key ${aliasName} could not be created` });
    return key;
  }

  /** The key an alias points at; a predefined AWS alias gets its key now when `create`. */
  async aliasTarget(accountId: string, aliasName: string, o: { create: boolean }): Promise<string | undefined> {
    this.dropIfChangedElsewhere();
    const cacheKey = `${accountId} ${aliasName}`;
    const cached = this.aliases.get(cacheKey);
    if (cached !== undefined) return cached;
    let keyId = (await this.store.getAlias(accountId, this.region, aliasName))?.keyId;
    const predefined = Object.hasOwn(PREDEFINED_ALIASES, aliasName) ? PREDEFINED_ALIASES[aliasName] : undefined;
    if (keyId === undefined && predefined !== undefined && o.create) {
      keyId = await this.store.ensureAliasedKey(accountId, this.region, aliasName, () =>
        this.awsManagedKeyRecord(accountId, predefined.description),
      );
    }
    if (keyId === undefined) return undefined;
    if (this.aliases.size >= MAX_LOADED_KEYS) this.aliases.clear();
    this.aliases.set(cacheKey, keyId);
    return keyId;
  }

  static predefinedAliases(): readonly string[] {
    return Object.keys(PREDEFINED_ALIASES);
  }

  // --- writes: each drops what it changed ---

  async createKey(key: NewKey): Promise<LoadedKey> {
    await this.store.createKey(key);
    return (await this.byId(key.record.keyId)) as LoadedKey;
  }

  async updateKey(keyId: string, change: KeyChange): Promise<LoadedKey> {
    await this.store.updateKey(keyId, change);
    this.keys.delete(keyId);
    const key = await this.byId(keyId);
    if (!key) throw keyNotFound(keyId);
    return key;
  }

  /** New key material; false when another process rotated first. */
  async rotate(key: LoadedKey, type: RotationType, nextRotationAt?: Date): Promise<boolean> {
    const material = newMaterial(key.current.version + 1, this.now(), type);
    const added = await this.store.addMaterial(key.record.keyId, material, {
      expectedVersion: key.current.version,
      nextRotationAt,
    });
    this.keys.delete(key.record.keyId);
    return added;
  }

  async putTags(keyId: string, tags: readonly KmsTag[]): Promise<void> {
    await this.store.putTags(keyId, tags);
    this.keys.delete(keyId);
  }

  async removeTags(keyId: string, tagKeys: readonly string[]): Promise<void> {
    await this.store.removeTags(keyId, tagKeys);
    this.keys.delete(keyId);
  }

  /** Alias writes change the keys' kms:ResourceAliases too: drop every loaded key and alias. */
  async changeAliases<T>(write: (store: KmsKeyStore) => Promise<T>): Promise<T> {
    try {
      return await write(this.store);
    } finally {
      this.keys.clear();
      this.aliases.clear();
    }
  }

  async listKeyIds(accountId: string): Promise<string[]> {
    return this.store.listKeyIds(accountId, this.region);
  }

  async listAliases(accountId: string) {
    return this.store.listAliases(accountId, this.region);
  }

  newKeyId(): string {
    return randomUUID();
  }

  arnOf(accountId: string, keyId: string): string {
    return keyArn(this.region, accountId, keyId);
  }

  private reachable(region: string, accountId: string, o: FindOptions): boolean {
    return region === this.region && (o.crossAccount || accountId === o.accountId);
  }

  private dropIfChangedElsewhere(): void {
    if (this.store.changedElsewhere()) {
      this.keys.clear();
      this.aliases.clear();
    }
  }

  /** Deletion at the end of the waiting period; automatic rotation when due (enabled keys only). */
  private async dueWork(key: LoadedKey): Promise<LoadedKey | undefined> {
    const r = key.record;
    const now = this.now().getTime();
    if (r.state === 'PendingDeletion' && r.deletionDate !== undefined && r.deletionDate.getTime() <= now) {
      await this.changeAliases((store) => store.deleteKey(r.keyId));
      return undefined;
    }
    const next = r.rotation.nextRotationAt;
    if (r.state !== 'Enabled' || !r.rotation.enabled || next === undefined || next.getTime() > now) return key;
    const period = (r.rotation.periodDays ?? AWS_MANAGED_ROTATION_DAYS) * DAY_MS;
    await this.rotate(key, 'AUTOMATIC', new Date(now + period));
    const stored = await this.store.getKey(r.keyId);
    if (stored === undefined) return undefined;
    const fresh = loadKey(stored);
    this.keys.set(r.keyId, fresh);
    return fresh;
  }

  private awsManagedKeyRecord(accountId: string, description: string): NewKey {
    const at = this.now();
    return {
      record: {
        keyId: randomUUID(),
        accountId,
        region: this.region,
        description,
        keyManager: 'AWS',
        state: 'Enabled',
        createdAt: at,
        deletionDate: undefined,
        pendingWindowDays: undefined,
        policy: awsS3KeyPolicy(accountId, this.region),
        rotation: {
          enabled: true,
          periodDays: AWS_MANAGED_ROTATION_DAYS,
          nextRotationAt: new Date(at.getTime() + AWS_MANAGED_ROTATION_DAYS * DAY_MS),
        },
        tags: [],
      },
      material: newMaterial(1, at),
    };
  }
}

/** KMS's NotFoundException for a reference that names nothing. */
function notFound(ref: KeyRef, raw: string, region: string, accountId: string): ServiceError {
  switch (ref.kind) {
    case 'Invalid':
      return kmsError('NotFoundException', { message: `Invalid keyId '${raw}'` });
    case 'KeyId':
      return keyNotFound(keyArn(region, accountId, ref.keyId));
    case 'KeyArn':
      return keyNotFound(raw);
    case 'AliasName':
      return aliasNotFound(aliasArn(region, accountId, ref.aliasName));
    case 'AliasArn':
      return aliasNotFound(raw);
  }
}
