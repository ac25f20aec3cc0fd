import { randomBytes } from 'node:crypto';
import type { ResourcePolicyRef } from '../server/protocol.js';
import { keyArn } from './kms-arns.js';
import { keyPolicyRef } from './key-policy.js';
import type { KeyMaterial, KeyRecord, RotationType, StoredKey } from './key-types.js';

/**
 * A key as the request path uses it: its record, its material by version (unsealed), the key policy
 * reference checks carry, and the condition keys that describe it. Built once per stored version of
 * the key and cached (key-directory.ts).
 */
export interface LoadedKey {
  readonly record: KeyRecord;
  readonly arn: string;
  readonly materials: ReadonlyMap<number, KeyMaterial>;
  /** The newest material: what Encrypt and GenerateDataKey use. */
  readonly current: KeyMaterial;
  readonly policyRef: ResourcePolicyRef;
  /**
   * Condition keys of every request on the key: kms:KeySpec, kms:KeyUsage, kms:KeyOrigin,
   * kms:MultiRegion, kms:ResourceAliases, aws:ResourceTag/<key>.
   * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
   */
  readonly conditionKeys: Readonly<Record<string, string | readonly string[]>>;
}

export function loadKey(stored: StoredKey): LoadedKey {
  const r = stored.record;
  const materials = new Map(stored.materials.map((m) => [m.version, m]));
  const current = stored.materials[stored.materials.length - 1];
  if (current === undefined) throw new Error(`KMS key ${r.keyId} has no key material`);
  const conditionKeys: Record<string, string | readonly string[]> = {
    'kms:KeySpec': 'SYMMETRIC_DEFAULT',
    'kms:KeyUsage': 'ENCRYPT_DECRYPT',
    'kms:KeyOrigin': 'AWS_KMS',
    'kms:MultiRegion': 'false',
  };
  if (r.aliases.length > 0) conditionKeys['kms:ResourceAliases'] = r.aliases;
  for (const t of r.tags) conditionKeys[`aws:ResourceTag/${t.TagKey}`] = t.TagValue;
  return {
    record: r,
    arn: keyArn(r.region, r.accountId, r.keyId),
    materials,
    current,
    policyRef: keyPolicyRef(r),
    conditionKeys,
  };
}

/** 256-bit key material from node:crypto's CSPRNG, with a KeyMaterialId (64 hex characters). */
export function newMaterial(version: number, at: Date, rotationType?: RotationType): KeyMaterial {
  return { version, materialId: randomBytes(32).toString('hex'), key: randomBytes(32), createdAt: at, rotationType };
}
