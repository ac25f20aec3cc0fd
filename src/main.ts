/**
 * The composition root: the one place that builds every dependency and wires the request path.
 * No module-level singletons elsewhere; everything is constructed here and passed down.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import { Authenticator } from './auth/authenticator.js';
import { toQueryProtocolAuthError } from './auth/query-auth-errors.js';
import { verifyPostPolicy } from './auth/post-policy.js';
import type { ServerConfig } from './config.js';
import { openEmbeddedStorage } from './storage/embedded.js';
import { bootstrapManagementAccount, createCredentialProvider, openIamStore } from './iam/index.js';
import { createS3Protocol } from './s3/s3-protocol.js';
import { createIamProtocol } from './iam/iam-protocol.js';
import { createStsProtocol } from './sts/sts-protocol.js';
import { RequestPipeline } from './server/pipeline.js';
import { startHttpServer } from './server/http-server.js';
import { LogDestination } from './server/log-destination.js';
import { PolicyAuthorizer } from './authz/policy-authorizer.js';
import { createIdentityPolicyLoader } from './iam/identity-policies.js';
import { loadAwsManagedPolicies } from './iam/aws-managed/catalog.js';

export interface RunningStrongbox {
  readonly endpoint: string;
  readonly accountId: string;
  /** Graceful: stop accepting, finish in-flight requests, flush, close stores. */
  shutdown(): Promise<void>;
}

export async function runServer(config: ServerConfig, env: NodeJS.ProcessEnv, logger: Logger = createLogger(config)): Promise<RunningStrongbox> {
  const dataDir = resolve(config.dataDir);
  // Start-up facts (where the root credentials are, the endpoint) are printed whatever the log level.
  const startup = logger.child({}, { level: 'info' });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  const storage = await openEmbeddedStorage({ dataDir, durability: config.durability });
  const swept = await storage.sweepOrphans();
  if (swept.removedBlobs > 0) logger.info({ ...swept }, 'swept orphans left by an earlier crash');

  const iamStore = openIamStore({ dataDir });
  const boot = await bootstrapManagementAccount(iamStore, {
    rootAccessKeyId: env.STRONGBOX_ROOT_ACCESS_KEY_ID || undefined,
    rootSecretAccessKey: env.STRONGBOX_ROOT_SECRET_ACCESS_KEY || undefined,
  });
  if (boot.created && boot.rootSecretAccessKey !== undefined && !env.STRONGBOX_ROOT_SECRET_ACCESS_KEY) {
    const file = join(dataDir, 'root-credentials.json');
    await writeFile(file, JSON.stringify({ accountId: boot.accountId, accessKeyId: boot.rootAccessKeyId, secretAccessKey: boot.rootSecretAccessKey }, null, 2) + '\n', { mode: 0o600 });
    await chmod(file, 0o600);
    startup.info({ file }, `management account ${boot.accountId} created; root credentials written to ${file}`);
  }

  const credentials = createCredentialProvider(iamStore, { onError: (err) => logger.error({ err }, 'recording access-key use failed') });
  const authenticator = new Authenticator({ credentials, region: config.region });
  const awsManaged = loadAwsManagedPolicies();
  const identityPolicies = createIdentityPolicyLoader({ store: iamStore, awsManaged });
  const pipeline = new RequestPipeline({
    authenticate: (raw, body, now) => authenticator.authenticate(raw, body, now),
    authorizer: new PolicyAuthorizer({ identityPolicies }),
    s3: createS3Protocol({
      storage,
      region: config.region,
      baseDomain: config.baseDomain,
      verifyPostPolicy: (fields, now) => verifyPostPolicy(fields, credentials, now, config.region),
    }),
    queryServices: new Map([
      ['iam', createIamProtocol({ store: iamStore, awsManaged })],
      ['sts', createStsProtocol()],
    ]),
    toQueryAuthError: toQueryProtocolAuthError,
    region: config.region,
    logger,
    now: () => new Date(),
  });

  let ready = false;
  const http = await startHttpServer({ host: config.host, port: config.port, handle: pipeline.handle, isReady: () => ready });
  ready = true;
  const host = http.address.family === 'IPv6' ? `[${http.address.address}]` : http.address.address;
  const endpoint = `http://${host}:${http.address.port}`;
  startup.info({ endpoint, accountId: boot.accountId, dataDir, region: config.region }, 'listening');
  logger.flush();

  return {
    endpoint,
    accountId: boot.accountId,
    async shutdown() {
      ready = false;
      await http.shutdown(config.shutdownGraceMs);
      await credentials.close();
      identityPolicies.close();
      await iamStore.close();
      await storage.close();
      logger.info('stopped');
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    },
  };
}

export function createLogger(config: Pick<ServerConfig, 'logLevel'>): Logger {
  // Epoch-millisecond timestamps (pino's default, the cheapest) and a batching asynchronous
  // destination: one line per request must not cost the request path a syscall.
  const destination = new LogDestination(1);
  process.once('exit', () => destination.flushSync());
  return pino({ level: config.logLevel, base: undefined }, destination);
}
