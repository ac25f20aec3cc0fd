import type { JsonResult } from '../json-protocol/types.js';
import type { LoadedKey } from './loaded-key.js';

/**
 * KeyMetadata as CreateKey and DescribeKey return it for a symmetric encryption key. Members AWS
 * leaves out for such keys (SigningAlgorithms, MacAlgorithms, ValidTo, …) are left out here too.
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_KeyMetadata.html
 */
export function keyMetadata(key: LoadedKey): JsonResult {
  const r = key.record;
  return {
    AWSAccountId: r.accountId,
    KeyId: r.keyId,
    Arn: key.arn,
    CreationDate: r.createdAt,
    Enabled: r.state === 'Enabled',
    Description: r.description,
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeyState: r.state,
    DeletionDate: r.state === 'PendingDeletion' ? r.deletionDate : undefined,
    Origin: 'AWS_KMS',
    KeyManager: r.keyManager,
    CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    KeySpec: 'SYMMETRIC_DEFAULT',
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: false,
    PendingDeletionWindowInDays: r.state === 'PendingDeletion' ? r.pendingWindowDays : undefined,
    CurrentKeyMaterialId: key.current.materialId,
  };
}
