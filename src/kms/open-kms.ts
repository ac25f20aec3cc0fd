import { loadOrCreateMasterKey } from '../crypto/master-key.js';
import { Sealer } from '../crypto/sealer.js';
import type { ProtocolAdapter } from '../server/protocol.js';
import { KeyDirectory } from './key-directory.js';
import { KeyService } from './key-service.js';
import type { KmsKeyStore } from './key-types.js';
import { createKmsProtocol } from './kms-protocol.js';
import { openKeyStore } from './sqlite-key-store.js';

export interface KmsOptions {
  readonly dataDir: string;
  /** The region keys live in (the server's). */
  readonly region: string;
  /** Other processes (the server's workers) share the data directory. */
  readonly shared?: boolean;
  /** Seals key material at rest (the server's: SseKeyRing.kmsSealer); default: the data directory's master key (tests). */
  readonly sealer?: Sealer;
  /** Whether an IAM user or role ARN a key policy names exists. */
  readonly principalExists: (arn: string) => Promise<boolean>;
  readonly now?: () => Date;
}

export interface Kms {
  /** The KMS JSON API (`TrentService`), for the pipeline's services map. */
  readonly protocol: ProtocolAdapter;
  /** What S3's SSE-KMS uses in-process (key-service.ts). */
  readonly keys: KeyService;
  /** The key records, for readers outside the request path (the auditor). */
  readonly store: KmsKeyStore;
  close(): Promise<void>;
}

/** Opens `<dataDir>/kms.sqlite` and builds the KMS service and S3's key service over one key directory. */
export function openKms(options: KmsOptions): Kms {
  const now = options.now ?? (() => new Date());
  const sealer = options.sealer ?? new Sealer(loadOrCreateMasterKey(options.dataDir));
  const store = openKeyStore({ dataDir: options.dataDir, sealer, shared: options.shared });
  const directory = new KeyDirectory(store, options.region, now);
  return {
    protocol: createKmsProtocol({ directory, principalExists: options.principalExists, now }),
    keys: new KeyService(directory),
    store,
    close: () => store.close(),
  };
}
