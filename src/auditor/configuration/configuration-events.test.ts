/**
 * Every write operation the S3, S3 Control, IAM, KMS and Organizations protocols declare is either in
 * the table of configuration changes or in the commented list of writes that are none — so a new
 * operation cannot be recorded without the history deciding about it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { isReadOnlyOperation } from '../../audit/cloudtrail-classification.js';
import { Sealer, sealingKey } from '../../crypto/sealer.js';
import { iamApiDeps, iamOperations } from '../../iam/iam-protocol.js';
import { openMemoryIamStore } from '../../iam/store/memory-store.js';
import { KeyDirectory } from '../../kms/key-directory.js';
import { kmsOperations } from '../../kms/kms-protocol.js';
import { createSqliteKeyStore } from '../../kms/sqlite-key-store.js';
import { DEFAULT_ORGANIZATIONS_LIMITS } from '../../organizations/deps.js';
import { organizationsOperations } from '../../organizations/organizations-protocol.js';
import { IMPLEMENTED_OPERATIONS } from '../../s3/operations.js';
import type { AccountPublicAccessBlocks } from '../../s3control/account-public-access-blocks.js';
import { publicAccessBlockOperations } from '../../s3control/public-access-block-ops.js';
import { resourceTaggingOperations } from '../../s3control/resource-tagging-ops.js';
import {
  CONFIGURATION_EVENT_RULES,
  CONFIGURATION_EVENTS,
  eventKey,
  IAM_SOURCE,
  KMS_SOURCE,
  ORGANIZATIONS_SOURCE,
  S3_SOURCE,
} from './configuration-events.js';
import { NOT_CONFIGURATION_CHANGES } from './not-configuration-changes.js';

/** Each protocol's declared operations, by the event source its events carry. */
function declaredOperations(): Map<string, string[]> {
  const store = openMemoryIamStore();
  const accountPublicAccessBlocks: AccountPublicAccessBlocks = {
    state: async () => ({ effective: undefined, managedByOrganization: false }),
    effective: async () => undefined,
    close: () => undefined,
  };
  const buckets = { getBucket: async () => undefined, updateBucketConfig: async () => false };
  const s3control = [
    ...publicAccessBlockOperations({ store, accountPublicAccessBlocks }),
    ...resourceTaggingOperations({ buckets, accountPublicAccessBlocks }),
  ];
  const keyStore = createSqliteKeyStore({ path: ':memory:', sealer: new Sealer(sealingKey(randomBytes(32))) });
  const now = () => new Date();
  const kms = kmsOperations({
    directory: new KeyDirectory(keyStore, 'us-east-1', now),
    now,
    principalExists: async () => true,
  });
  const organizations = organizationsOperations({ store, limits: DEFAULT_ORGANIZATIONS_LIMITS, now });
  return new Map([
    [S3_SOURCE, [...IMPLEMENTED_OPERATIONS, ...s3control.map((o) => o.name)]],
    [IAM_SOURCE, iamOperations(iamApiDeps({ store })).map((o) => o.name)],
    [KMS_SOURCE, kms.map((o) => o.name)],
    [ORGANIZATIONS_SOURCE, organizations.map((o) => o.name)],
  ]);
}

const excluded = new Set(NOT_CONFIGURATION_CHANGES.flatMap((x) => x.eventNames.map((n) => eventKey(x.eventSource, n))));

describe('the configuration event table', () => {
  const declared = declaredOperations();

  it('decides about every write operation of every protocol: a configuration change, or a listed non-change', () => {
    const undecided: string[] = [];
    const both: string[] = [];
    let writes = 0;
    for (const [source, names] of declared) {
      for (const name of names.filter((n) => !isReadOnlyOperation(n))) {
        writes++;
        const key = eventKey(source, name);
        const mapped = CONFIGURATION_EVENTS.has(key);
        if (!mapped && !excluded.has(key)) undecided.push(key);
        if (mapped && excluded.has(key)) both.push(key);
      }
    }
    assert.deepEqual(undecided, [], 'write operations neither mapped nor listed as no configuration change');
    assert.deepEqual(both, [], 'operations both mapped and listed as no change');
    // 149 when written: a sanity check that the walk found the protocols' operations at all.
    assert.ok(writes > 140, `expected the protocols' write operations, found ${writes}`);
  });

  it('lists as non-changes only operations the protocols have, and no read', () => {
    for (const x of NOT_CONFIGURATION_CHANGES) {
      assert.ok(x.why.length > 20, 'every non-change says why');
      for (const name of x.eventNames) {
        assert.ok(declared.get(x.eventSource)?.includes(name), `${x.eventSource} ${name} is not an operation`);
        assert.equal(isReadOnlyOperation(name), false, `${name} is a read`);
      }
    }
  });

  it('names each event once per source, and maps no read-only operation', () => {
    const seen = new Set<string>();
    for (const r of CONFIGURATION_EVENT_RULES) {
      for (const name of r.eventNames) {
        const key = eventKey(r.eventSource, name);
        assert.ok(!seen.has(key), `${key} appears twice`);
        seen.add(key);
        assert.equal(isReadOnlyOperation(name), false, `${name} is a read`);
        assert.ok(r.changes.length > 0);
      }
    }
  });

  it("maps the bucket configuration operations issue #18 lists, and AWS's own event names for them", () => {
    for (const name of [
      'PutBucketPolicy',
      'DeleteBucketPolicy',
      'PutBucketAcl',
      'PutBucketOwnershipControls',
      'PutPublicAccessBlock',
      'PutBucketEncryption',
      'PutBucketVersioning',
      'PutObjectLockConfiguration',
      'PutBucketLifecycleConfiguration',
      'PutBucketLifecycle',
      'PutBucketLogging',
      'PutBucketWebsite',
      'PutBucketTagging',
      'CreateBucket',
      'DeleteBucket',
      'PutBucketPublicAccessBlock',
      'PutAccountPublicAccessBlock',
      'DeleteAccountPublicAccessBlock',
    ]) {
      assert.ok(CONFIGURATION_EVENTS.has(eventKey(S3_SOURCE, name)), name);
    }
  });
});
