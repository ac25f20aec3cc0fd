import { createJsonProtocol } from '../json-protocol/json-protocol.js';
import type { JsonOperation } from '../json-protocol/types.js';
import type { ProtocolAdapter } from '../server/protocol.js';
import { aliasOperations } from './alias-ops.js';
import { cryptoOperations } from './crypto-ops.js';
import type { KeyDirectory } from './key-directory.js';
import { keyOperations } from './key-ops.js';
import type { KmsDeps } from './kms-request.js';
import { policyOperations } from './policy-ops.js';
import { rotationOperations } from './rotation-ops.js';
import { tagOperations } from './tag-ops.js';

/** `X-Amz-Target: TrentService.<Operation>` (botocore `kms/2014-11-01` metadata). */
export const KMS_TARGET_PREFIX = 'TrentService';

export interface KmsProtocolOptions {
  readonly directory: KeyDirectory;
  readonly principalExists: (arn: string) => Promise<boolean>;
  readonly now?: () => Date;
}

/** Every KMS operation, declared as data (name, checks, handler). */
export function kmsOperations(deps: KmsDeps): JsonOperation[] {
  return [
    ...keyOperations(deps),
    ...aliasOperations(deps),
    ...policyOperations(deps),
    ...cryptoOperations(deps),
    ...rotationOperations(deps),
    ...tagOperations(deps),
  ];
}

/**
 * AWS KMS over the AWS JSON 1.1 protocol. A regional service: requests are signed for the server's
 * region, and keys and aliases live in it.
 * https://docs.aws.amazon.com/kms/latest/APIReference/
 */
export function createKmsProtocol(options: KmsProtocolOptions): ProtocolAdapter {
  const deps: KmsDeps = {
    directory: options.directory,
    now: options.now ?? (() => new Date()),
    principalExists: options.principalExists,
  };
  return createJsonProtocol({
    service: 'kms',
    targetPrefix: KMS_TARGET_PREFIX,
    jsonVersion: '1.1',
    operations: kmsOperations(deps),
    internalErrorCode: 'KMSInternalException',
  });
}
