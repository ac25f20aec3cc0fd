import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { runStorageContract } from '../contract/run-storage-contract.js';
import { openEmbeddedStorage } from '../embedded.js';

let dataDir = '';
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'strongbox-contract-'));
});
after(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

runStorageContract('embedded (SQLite + files)', () => openEmbeddedStorage({ dataDir }));
