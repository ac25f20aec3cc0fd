import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { bucketRecord } from '../contract/fixtures.js';
import { openEmbeddedStorage } from '../embedded.js';

const dir = mkdtempSync(join(tmpdir(), 'strongbox-background-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const rules = { rules: [{ id: 'r', status: 'Enabled' as const, filter: { form: 'Empty' as const }, expiration: { days: 1 }, transitions: [], noncurrentVersionTransitions: [] }] };

it('progress per job and scope survives a reopen; buckets with lifecycle rules are listed in name order', async () => {
  let storage = await openEmbeddedStorage({ dataDir: dir });
  for (const name of ['c-bucket', 'a-bucket', 'b-bucket', 'd-bucket']) await storage.buckets.createBucket(bucketRecord(name));
  for (const name of ['c-bucket', 'a-bucket', 'd-bucket']) await storage.buckets.updateBucketConfig(name, { lifecycle: rules });
  await storage.buckets.updateBucketConfig('d-bucket', { lifecycle: null });
  assert.deepEqual(await storage.background.bucketsWithLifecycle('', 10), ['a-bucket', 'c-bucket']);
  assert.deepEqual(await storage.background.bucketsWithLifecycle('a-bucket', 10), ['c-bucket']);
  assert.deepEqual(await storage.background.bucketsWithLifecycle('', 1), ['a-bucket']);

  await storage.background.putProgress('lifecycle', 'a-bucket', '{"n":1}', new Date());
  await storage.background.putProgress('lifecycle', 'a-bucket', '{"n":2}', new Date());
  await storage.background.putProgress('lifecycle', 'c-bucket', '{"n":3}', new Date());
  await storage.background.putProgress('other', 'a-bucket', '{}', new Date());
  await storage.close();

  storage = await openEmbeddedStorage({ dataDir: dir });
  try {
    assert.equal(await storage.background.getProgress('lifecycle', 'a-bucket'), '{"n":2}');
    assert.deepEqual(await storage.background.listProgressScopes('lifecycle'), ['a-bucket', 'c-bucket']);
    await storage.background.putProgress('lifecycle', 'c-bucket', undefined, new Date());
    assert.equal(await storage.background.getProgress('lifecycle', 'c-bucket'), undefined);
    assert.deepEqual(await storage.background.listProgressScopes('other'), ['a-bucket']);
  } finally {
    await storage.close();
  }
});
