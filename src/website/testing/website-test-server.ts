/**
 * Test fixture: the S3 API and the website endpoint on one listener, as main.ts wires them (the API's
 * pipeline, the website's pipeline sharing its authorizer, dispatch by Host under `web.test`), over
 * real embedded storage and the real PolicyAuthorizer with an in-memory IAM store. The bucket owner's
 * root configures buckets with the AWS SDK; `visit` sends what a browser sends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import pino from 'pino';
import { Authenticator } from '../../auth/authenticator.js';
import { FakeCredentials } from '../../auth/testing/fake-credentials.js';
import { PolicyAuthorizer } from '../../authz/policy-authorizer.js';
import { loadAwsManagedPolicies } from '../../iam/aws-managed/catalog.js';
import { createIdentityPolicyLoader, resolveManaged } from '../../iam/identity-policies.js';
import { openMemoryIamStore } from '../../iam/store/memory-store.js';
import { createS3Protocol } from '../../s3/s3-protocol.js';
import { startHttpServer } from '../../server/http-server.js';
import { RequestPipeline, type PipelineDeps } from '../../server/pipeline.js';
import { openEmbeddedStorage } from '../../storage/embedded.js';
import type { ObjectStore } from '../../storage/ports.js';
import { createWebsiteEndpoint } from '../website-endpoint.js';

export const OWNER = '111122223333';
export const WEB_DOMAIN = 'web.test';
const ROOT = { accessKeyId: 'AKIAWEBSITETEST00001', secretAccessKey: 'website/test/secret/0000000000000000000000' };

export interface Visit {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface WebsiteTestServer {
  readonly endpoint: string;
  /** The owner's root, path-style, on the API. */
  readonly s3: S3Client;
  /** `x-amz-website-redirect-location` of objects, by `bucket/key` (the object store's records carry it). */
  readonly redirects: Map<string, string>;
  visit(o: { host: string; path: string; method?: string; headers?: Record<string, string> }): Promise<Visit>;
  close(): Promise<void>;
}

export async function startWebsiteTestServer(): Promise<WebsiteTestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'strongbox-website-unit-'));
  const storage = await openEmbeddedStorage({ dataDir });
  const store = openMemoryIamStore();
  await store.accounts.create(OWNER, { isManagement: true });
  const awsManaged = loadAwsManagedPolicies();
  const authorizer = new PolicyAuthorizer({
    sources: {
      identity: createIdentityPolicyLoader({ store, awsManaged }),
      managedPolicy: (arn) => resolveManaged(store, arn, awsManaged),
    },
  });
  const arn = `arn:aws:iam::${OWNER}:root`;
  const caller = { kind: 'Root', accountId: OWNER, arn, accessKeyId: ROOT.accessKeyId } as const;
  const credentials = new FakeCredentials().add({ ...ROOT, caller });
  const authenticator = new Authenticator({ credentials, region: 'us-east-1' });
  const api: PipelineDeps = {
    authenticate: (raw, body, now) => authenticator.authenticate(raw, body, now),
    authorizer,
    s3: createS3Protocol({ storage, region: 'us-east-1', baseDomain: WEB_DOMAIN }),
    services: new Map(),
    region: 'us-east-1',
    logger: pino({ level: 'silent' }),
    now: () => new Date(),
  };
  const redirects = new Map<string, string>();
  const objects: Pick<ObjectStore, 'getObject'> = {
    getObject: async (bucket, key) => {
      const found = await storage.objects.getObject(bucket, key);
      const location = redirects.get(`${bucket}/${key}`);
      return found === undefined || location === undefined ? found : { ...found, websiteRedirectLocation: location };
    },
  };
  const websiteStorage = { buckets: storage.buckets, objects };
  const website = createWebsiteEndpoint({ api, storage: websiteStorage, baseDomain: WEB_DOMAIN });
  const handle = website.dispatch(new RequestPipeline(api).handle);
  const http = await startHttpServer({ host: '127.0.0.1', port: 0, handle, isReady: () => true });
  const endpoint = `http://127.0.0.1:${http.address.port}`;
  const s3 = new S3Client({ endpoint, region: 'us-east-1', credentials: ROOT, forcePathStyle: true, maxAttempts: 1 });
  return {
    endpoint,
    s3,
    redirects,
    visit: (o) => visit(http.address.port, o),
    async close() {
      s3.destroy();
      await http.shutdown(0);
      await storage.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

type VisitSpec = Parameters<WebsiteTestServer['visit']>[0];

function visit(port: number, o: VisitSpec): Promise<Visit> {
  const headers = { ...o.headers, host: o.host };
  const options = { host: '127.0.0.1', port, method: o.method ?? 'GET', path: o.path, headers };
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
