/**
 * Test fixture: the S3 adapter behind the real request pipeline (SigV4 authenticator, root-only
 * authorizer) on real embedded storage in a temp directory, on 127.0.0.1 with an ephemeral port. Unit
 * tests drive it with the real AWS SDK and raw signed requests; the full server is covered by
 * test/integration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import pino from 'pino';
import { Authenticator } from '../../auth/authenticator.js';
import { FakeCredentials } from '../../auth/testing/fake-credentials.js';
import type { AccessKeyRecord } from '../../auth/types.js';
import { verifyPostPolicy } from '../../auth/post-policy.js';
import { RootOnlyAuthorizer } from '../../authz/root-only-authorizer.js';
import { startHttpServer } from '../../server/http-server.js';
import { RequestPipeline } from '../../server/pipeline.js';
import type { Authorizer } from '../../server/protocol.js';
import { openEmbeddedStorage, type EmbeddedStorage } from '../../storage/embedded.js';
import { createS3Protocol, type S3ProtocolOptions } from '../s3-protocol.js';
import { canonicalUserDirectory } from '../canonical-user-directory.js';

export const TEST_ACCOUNT = '111122223333';
export const TEST_CREDENTIALS = { accessKeyId: 'AKIAS3TESTROOT000001', secretAccessKey: 'test/secret/key/0000000000000000000000000' };
export const OTHER_CREDENTIALS = { accessKeyId: 'AKIAS3TESTUSER000002', secretAccessKey: 'other/secret/key/000000000000000000000000' };

export interface S3TestServer {
  readonly endpoint: string;
  readonly port: number;
  readonly dataDir: string;
  readonly storage: EmbeddedStorage;
  client(creds?: { accessKeyId: string; secretAccessKey: string }): S3Client;
  close(): Promise<void>;
}

export async function startS3TestServer(
  options: Partial<Pick<S3ProtocolOptions, 'baseDomain' | 'now' | 'principalExists'>> & {
    region?: string;
    authorizer?: Authorizer;
    /** More callers to sign as (users, other accounts' roots), beside the two roots. */
    callers?: readonly Pick<AccessKeyRecord, 'accessKeyId' | 'secretAccessKey' | 'caller'>[];
  } = {},
): Promise<S3TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'strongbox-s3-unit-'));
  const storage = await openEmbeddedStorage({ dataDir });
  const region = options.region ?? 'us-east-1';
  const credentials = new FakeCredentials()
    .add({ ...TEST_CREDENTIALS, caller: { kind: 'Root', accountId: TEST_ACCOUNT, arn: `arn:aws:iam::${TEST_ACCOUNT}:root`, accessKeyId: TEST_CREDENTIALS.accessKeyId } })
    .add({ ...OTHER_CREDENTIALS, caller: { kind: 'Root', accountId: '444455556666', arn: 'arn:aws:iam::444455556666:root', accessKeyId: OTHER_CREDENTIALS.accessKeyId } });
  for (const c of options.callers ?? []) credentials.add(c);
  const authenticator = new Authenticator({ credentials, region });
  const pipeline = new RequestPipeline({
    authenticate: (raw, body, now) => authenticator.authenticate(raw, body, now),
    authorizer: options.authorizer ?? new RootOnlyAuthorizer(),
    s3: createS3Protocol({ storage, region, baseDomain: options.baseDomain, now: options.now, verifyPostPolicy: (fields, now) => verifyPostPolicy(fields, credentials, now, region), principalExists: options.principalExists,
      // ACL grantees: the two roots' accounts exist.
      canonicalUserAccount: canonicalUserDirectory({ listAccountIds: async () => [TEST_ACCOUNT, '444455556666'] }) }),
    services: new Map(),
    region,
    logger: pino({ level: 'silent' }),
    now: () => new Date(),
  });
  // The server's own listener (health probes, 100-continue, shutdown), not a bare node:http server.
  const http = await startHttpServer({ host: '127.0.0.1', port: 0, handle: pipeline.handle, isReady: () => true });
  const port = http.address.port;
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: S3Client[] = [];
  return {
    endpoint,
    port,
    dataDir,
    storage,
    client(creds = TEST_CREDENTIALS) {
      const c = new S3Client({ endpoint, region, credentials: creds, forcePathStyle: true, maxAttempts: 1 });
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.destroy();
      await http.shutdown(0);
      await storage.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
