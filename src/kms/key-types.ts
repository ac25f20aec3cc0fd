/**
 * What KMS stores: keys (metadata, key policy, rotation schedule, tags), their key material (one
 * 256-bit AES key per rotation, kept so old ciphertexts still decrypt) and aliases.
 * https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html
 */

/** The states Strongbox's keys can be in (no imported material, no custom key stores, no replicas). */
export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';
export type KeyManager = 'CUSTOMER' | 'AWS';
export type RotationType = 'AUTOMATIC' | 'ON_DEMAND';

export interface KmsTag {
  readonly TagKey: string;
  readonly TagValue: string;
}

export interface KeyRotation {
  readonly enabled: boolean;
  /** RotationPeriodInDays (90..2560; 365 by default). Kept when rotation is disabled. */
  readonly periodDays: number | undefined;
  /** When automatic rotation next adds key material; undefined while rotation is disabled. */
  readonly nextRotationAt: Date | undefined;
}

export interface KeyRecord {
  /** A UUID. */
  readonly keyId: string;
  readonly accountId: string;
  readonly region: string;
  readonly description: string;
  readonly keyManager: KeyManager;
  readonly state: KeyState;
  readonly createdAt: Date;
  /** PendingDeletion: when the key is deleted, and the waiting period it was scheduled with. */
  readonly deletionDate: Date | undefined;
  readonly pendingWindowDays: number | undefined;
  /** The key policy (policy name `default`), validated when written. */
  readonly policy: string;
  /** Moves on every PutKeyPolicy: names one immutable policy version for the compiled-policy cache. */
  readonly policyRevision: number;
  readonly rotation: KeyRotation;
  readonly tags: readonly KmsTag[];
  /** Alias names pointing at the key (kms:ResourceAliases). */
  readonly aliases: readonly string[];
}

/** One generation of key material. Version 1 is the original; each rotation adds the next. */
export interface KeyMaterial {
  readonly version: number;
  /** KeyMaterialId: 64 hex characters. */
  readonly materialId: string;
  /** 32 bytes, unsealed. */
  readonly key: Buffer;
  readonly createdAt: Date;
  /** How the material came: undefined for the original. */
  readonly rotationType: RotationType | undefined;
}

/** A key with its material, as the store returns it. */
export interface StoredKey {
  readonly record: KeyRecord;
  /** Oldest first; the last is current. */
  readonly materials: readonly KeyMaterial[];
}

export interface AliasRecord {
  readonly accountId: string;
  readonly region: string;
  /** `alias/…` */
  readonly aliasName: string;
  readonly keyId: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What a key-level update may change; the store bumps nothing else. */
export interface KeyChange {
  readonly description?: string;
  readonly state?: KeyState;
  /** null clears it. */
  readonly deletionDate?: Date | null;
  readonly pendingWindowDays?: number | null;
  readonly policy?: string;
  readonly rotation?: KeyRotation;
}

export interface NewKey {
  readonly record: Omit<KeyRecord, 'aliases' | 'policyRevision'>;
  readonly material: KeyMaterial;
}

/**
 * The KMS store port. Every write is one transaction that commits before the promise resolves;
 * `add*` / `create*` that may race another process return what they found.
 */
export interface KmsKeyStore {
  getKey(keyId: string): Promise<StoredKey | undefined>;
  /** Key ids of one account and Region, in key-id order. */
  listKeyIds(accountId: string, region: string): Promise<string[]>;
  createKey(key: NewKey): Promise<void>;
  /**
   * The key an AWS alias (`alias/aws/s3`) names, created with `make` in the same transaction when
   * the alias does not exist yet: concurrent first uses in several processes create one key.
   */
  ensureAliasedKey(accountId: string, region: string, aliasName: string, make: () => NewKey): Promise<string>;
  /** False when the key does not exist. */
  updateKey(keyId: string, change: KeyChange): Promise<boolean>;
  /**
   * Adds key material when the newest version is still `expectedVersion` (an automatic rotation
   * due in two processes happens once); `nextRotationAt` moves the schedule in the same write.
   */
  addMaterial(
    keyId: string,
    material: KeyMaterial,
    o: { expectedVersion: number; nextRotationAt?: Date },
  ): Promise<boolean>;
  deleteKey(keyId: string): Promise<void>;
  putTags(keyId: string, tags: readonly KmsTag[]): Promise<void>;
  removeTags(keyId: string, tagKeys: readonly string[]): Promise<void>;
  getAlias(accountId: string, region: string, aliasName: string): Promise<AliasRecord | undefined>;
  /** Aliases of one account and Region, by name. */
  listAliases(accountId: string, region: string): Promise<AliasRecord[]>;
  /** False when the alias name is taken. */
  createAlias(alias: AliasRecord): Promise<boolean>;
  /** False when the alias does not exist. */
  updateAlias(accountId: string, region: string, aliasName: string, keyId: string, at: Date): Promise<boolean>;
  deleteAlias(accountId: string, region: string, aliasName: string): Promise<boolean>;
  /** Whether another process committed since the last call (always false for a store not shared). */
  changedElsewhere(): boolean;
  close(): Promise<void>;
}
