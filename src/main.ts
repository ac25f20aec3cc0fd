/**
 * The composition root: the one place that builds every dependency and wires the request path.
 * No module-level singletons elsewhere; everything is constructed here and passed down.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import { Authenticator } from './auth/authenticator.js';
import { verifyPostPolicy } from './auth/post-policy.js';
import type { ServerConfig } from './config.js';
import { METADATA_FILE, openEmbeddedStorage, type EmbeddedStorage } from './storage/embedded.js';
import { DataDirLock } from './server/data-dir-lock.js';
import type { IamStore } from './iam/store/types.js';
import { bootstrapManagementAccount, createCredentialProvider, openIamStore } from './iam/index.js';
import { createS3Protocol } from './s3/s3-protocol.js';
import { canonicalUserDirectory } from './s3/canonical-user-directory.js';
import { createAccountPublicAccessBlocks } from './s3control/account-public-access-blocks.js';
import { createS3ControlProtocol } from './s3control/s3control-protocol.js';
import { withS3Control } from './s3control/with-s3-control.js';
import { createIamProtocol, iamOperationNames } from './iam/iam-protocol.js';
import { createStsProtocol } from './sts/sts-protocol.js';
import { createOrganizationsProtocol } from './organizations/organizations-protocol.js';
import { createOrganizationPolicyLoader } from './organizations/organization-policies.js';
import { SessionKeyRing } from './sts/session-keys.js';
import { SessionTokenCodec } from './sts/session-token.js';
import { AuthorizationMessageCodec, authorizationMessage } from './sts/authorization-message.js';
import { LastUseBuffer } from './iam/last-use-buffer.js';
import { JwksCache } from './sts/web-identity/jwks-cache.js';
import type { StsDeps } from './sts/sts-deps.js';
import { createWorkloadsProtocol } from './workloads/workloads-protocol.js';
import { verifyMfaCode } from './iam/mfa/verify-mfa-code.js';
import { workloadCredentialsEndpoint } from './workloads/workload-credentials-endpoint.js';
import { openKms } from './kms/open-kms.js';
import { loadSseKeys } from './sse/sse-key-file.js';
import { SseKeyRing } from './sse/sse-key-ring.js';
import { RequestPipeline, type PipelineDeps } from './server/pipeline.js';
import { createWebsiteEndpoint } from './website/website-endpoint.js';
import { startListeners } from './server/listeners.js';
import { UploadSlots } from './server/upload-slots.js';
import { ClientAddressResolver } from './server/client-address.js';
import { LogDestination, PIPE_BUF } from './server/log-destination.js';
import { PolicyAuthorizer } from './authz/policy-authorizer.js';
import { createIdentityPolicyLoader, resolveManaged } from './iam/identity-policies.js';
import { loadAwsManagedPolicies } from './iam/aws-managed/catalog.js';
import { BackgroundJobs } from './server/background-jobs.js';
import { ObjectsService } from './storage/objects-service.js';
import { BackgroundLease } from './server/background-lease.js';
import { LifecycleDays } from './lifecycle/lifecycle-days.js';
import { lifecycleIdleMs, lifecycleJob } from './lifecycle/lifecycle-job.js';
import { openAudit } from './audit/open-audit.js';
import { openAuditor } from './auditor/open-auditor.js';
import { PolicyGenerationStore } from './auditor/policy-generation-store.js';
import { CONFIG_SERVICE, createConfigProtocol } from './configservice/config-protocol.js';
import { trackedActionCatalog } from './iam/api/access-advisor-services.js';
import { ACCESS_ANALYZER_SERVICE, createAccessAnalyzerProtocol } from './accessanalyzer/access-analyzer-protocol.js';
import { AUDIT_DB_FILE } from './audit/sqlite-audit-store.js';
import { Checkpointer } from './storage/sqlite/checkpointer.js';
import { accessLogIdleMs, everyProcessLease } from './audit/access-log-delivery-job.js';
import { accessActivityObserver, createAccessActivityRecorder } from './iam/access-activity.js';
import { MetricsRegistry } from './metrics/metrics-registry.js';
import { metricsEndpoint } from './metrics/metrics-endpoint.js';
import { workerMetricsSource, type PrimaryChannel } from './metrics/cluster-metrics.js';
import { renderExposition } from './metrics/exposition.js';
import cluster from 'node:cluster';
import { hashPassword } from './crypto/password-hash.js';
import { newSecretAccessKey } from './iam/ids.js';
import { ConsoleAssets } from './console/console-assets.js';
import { consoleEndpoint } from './console/console-endpoint.js';
import { auditDeliveryLagGauge, backgroundJobGauges, storageGauges } from './metrics/gauge.js';

export interface RunningStrongbox {
  readonly endpoint: string;
  /** The TLS listener's `https://…`, when there is one. */
  readonly tlsEndpoint?: string;
  readonly accountId: string;
  /** Re-reads the TLS certificate and key (SIGHUP). */
  reloadTls?(): Promise<void>;
  /** Graceful: stop accepting, finish in-flight requests, flush, close stores. */
  shutdown(): Promise<void>;
  /** Rejects when the server cannot go on (a primary whose workers keep dying); never resolves. */
  readonly failed?: Promise<never>;
}

/**
 * How this process serves: `alone` owns the data directory (and prepares it: sweep, bootstrap);
 * `worker` is one of several worker processes (server/workers.ts) whose primary prepared it.
 */
export type ServerRole = 'alone' | 'worker';

export async function runServer(config: ServerConfig, env: NodeJS.ProcessEnv, logger: Logger = createLogger(config), role: ServerRole = 'alone'): Promise<RunningStrongbox> {
  const dataDir = resolve(config.dataDir);
  const shared = role === 'worker';
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // A worker holds the directory with its primary, which prepared it; alone, this process prepares it.
  const lock = shared ? DataDirLock.join(dataDir, WORKER_JOIN_WAIT_MS) : DataDirLock.acquire(dataDir, TAKEOVER_WAIT_MS);
  const storage = shared
    ? await openEmbeddedStorage({ dataDir, durability: config.durability, shared, ioBufferBytes: config.ioBufferBytes, metadataCacheBytes: config.metadataCacheBytes })
    : await openAndSweep(config, logger);
  // The one objects service every writer of this process goes through (S3 and lifecycle alike).
  const objectsService = new ObjectsService(storage);
  const iamStore = openIamStore({ dataDir, shared });
  const boot = await bootstrapRootUser(dataDir, iamStore, env, logger);
  if (!shared) lock.hold(dataDir);

  const sessionKeys = new SessionKeyRing(iamStore.sessionKeys, { now: () => new Date() });
  const sessionTokens = new SessionTokenCodec(sessionKeys);
  const authorizationMessages = new AuthorizationMessageCodec(sessionKeys);
  // How often last-use data (access keys, roles, the access advisor) is written. With workers, each
  // write makes the other workers drop their IAM caches (a commit by another connection is all they
  // can see), so they write every 10 s rather than every second. AWS: "Recent activity usually
  // appears within four hours" (GenerateServiceLastAccessedDetails).
  const usageFlushMs = shared ? 10_000 : 1_000;
  const credentials = createCredentialProvider(iamStore, {
    onError: (err) => logger.error({ err }, 'recording access-key use failed'),
    sessions: sessionTokens,
    flushIntervalMs: usageFlushMs,
  });
  const roleUses = new LastUseBuffer<{ roleId: string; at: Date; region: string }>(
    (batch) => iamStore.roles.recordUses(batch),
    (err) => logger.error({ err }, 'recording role use failed'),
    usageFlushMs,
  );
  const authenticator = new Authenticator({ credentials, region: config.region, regions: config.regions, services: SERVICES,
    sigv2: config.allowSigV2 ? { baseDomain: config.baseDomain } : undefined });
  const lifecycleDays = LifecycleDays.ofSeconds(config.lifecycleDaySeconds);
  const awsManaged = loadAwsManagedPolicies();
  const identityPolicies = createIdentityPolicyLoader({ store: iamStore, awsManaged });
  const organizationPolicies = createOrganizationPolicyLoader(iamStore);
  const accountPublicAccessBlocks = createAccountPublicAccessBlocks(iamStore);
  const authorizer = new PolicyAuthorizer({
    sources: {
      identity: identityPolicies,
      managedPolicy: (arn) => resolveManaged(iamStore, arn, awsManaged),
      organizations: organizationPolicies,
    },
    networkEndpoints: config.networkEndpoints,
  });
  const stsDeps: StsDeps = {
    store: iamStore,
    tokens: sessionTokens,
    awsManaged,
    now: () => new Date(),
    recordRoleUse: (roleId, at, region) => roleUses.record(roleId, { roleId, at, region }),
    jwks: new JwksCache(),
    authorizationMessages,
  };
  const beforeRequest = shared
    ? () => {
        storage.pollExternalChanges();
        iamStore.pollExternalChanges();
      }
    : undefined;
  // KMS (src/kms): its own kms.sqlite, key material sealed by keys derived from the SSE keys (which may
  // live outside the data directory). `kms.keys` is SSE-KMS's.
  const sse = await openSseKeys(config, dataDir, logger);
  const kms = openKms({ dataDir, region: config.region, shared, sealer: sse.kmsSealer(), principalExists: (arn) => principalExistsIn(iamStore, arn) });
  const s3Encryption = { keys: sse, kms: kms.keys };
  // The audit trail (src/audit): event history and trails in audit.sqlite, written ahead of each response.
  const audit = await openAudit({ dataDir, shared, region: config.region, config: config.audit, storage, objectsService, sse: s3Encryption, logger });
  // The files several connections write are checkpointed on a thread, not in a request's commit.
  const checkpointer = new Checkpointer([join(dataDir, AUDIT_DB_FILE), ...(shared ? [join(dataDir, METADATA_FILE)] : [])],
    { onError: (file, message) => logger.warn({ file, message }, 'WAL checkpoint failed') });
  // The continuous auditor (src/auditor): analyzers, findings, configuration history and alerts in auditor.sqlite.
  const auditor = openAuditor({
    dataDir,
    region: config.region,
    config: config.auditor,
    sources: { buckets: storage.buckets, iam: iamStore, kms: kms.store },
    events: audit.store.events,
    awsManaged,
    trackedActions: trackedActionCatalog(iamOperationNames(iamStore)),
    logger,
  });
  const auditorStore = auditor.store;
  const activity = createAccessActivityRecorder({
    store: iamStore.accessActivity,
    intervalMs: usageFlushMs,
    onError: (err) => logger.error({ err }, 'recording access activity failed'),
  });
  const metrics = new MetricsRegistry({
    now: () => Date.now(),
    services: SERVICES,
    gauges: [
      async () => storageGauges(storage.totals()),
      async () => backgroundJobGauges(background.states()),
      async () => {
        const oldest = audit.oldestUndelivered();
        const now = new Date();
        return [
          auditDeliveryLagGauge({ destination: 'cloudtrail', oldestUndelivered: oldest.cloudtrail, now }),
          auditDeliveryLagGauge({ destination: 'access-log', oldestUndelivered: oldest.accessLog, now }),
        ];
      },
    ],
    onGaugeError: (err) => logger.error({ err }, 'metrics gauge failed'),
  });
  const clientAddress =
    config.trustedProxies.length > 0 ? new ClientAddressResolver({ trustedProxies: config.trustedProxies, header: config.forwardedHeader }) : undefined;
  const pipelineDeps: PipelineDeps = {
    authenticate: (raw, body, now) => authenticator.authenticate(raw, body, now),
    authorizer,
    s3: withS3Control(createS3Protocol({
      storage,
      objects: objectsService,
      region: config.region,
      regions: config.regions,
      baseDomain: config.baseDomain,
      verifyPostPolicy: (fields, now) => verifyPostPolicy(fields, credentials, now, [config.region, ...config.regions], { allowSigV2: config.allowSigV2 }),
      principalExists: (arn) => principalExistsIn(iamStore, arn),
      accountPublicAccessBlock: (accountId) => accountPublicAccessBlocks.effective(accountId),
      canonicalUserAccount: canonicalUserDirectory({ listAccountIds: async () => (await iamStore.accounts.list()).map((a) => a.accountId) }),
      lifecycleDays,
      sse: s3Encryption,
      // MFA Delete: the bucket owner root's device, each code once (the IAM store's MFA devices).
      verifyMfa: (check) => verifyMfaCode(iamStore, { ...check, owner: { kind: 'root' } }),
    }), createS3ControlProtocol({ store: iamStore, accountPublicAccessBlocks, buckets: storage.buckets })),
    services: new Map([
      ['iam', createIamProtocol({ store: iamStore, awsManaged })],
      ['sts', createStsProtocol(stsDeps)],
      ['organizations', createOrganizationsProtocol({ store: iamStore })],
      ['workloads', createWorkloadsProtocol({ store: iamStore })],
      ['kms', kms.protocol],
      ['cloudtrail', audit.protocol],
      [ACCESS_ANALYZER_SERVICE, createAccessAnalyzerProtocol({
        store: auditorStore,
        iam: iamStore,
        now: () => new Date(),
        // Policy generation's jobs in auditor.sqlite; the engine reads the audit trail's file read-only.
        policyGeneration: { store: new PolicyGenerationStore(auditorStore.db), auditDbPath: join(dataDir, AUDIT_DB_FILE), now: () => new Date(), iam: iamStore },
      })],
      [CONFIG_SERVICE, createConfigProtocol({ history: auditorStore.history })],
    ]),
    region: config.region,
    logger,
    now: () => new Date(),
    beforeRequest,
    clientAddress,
    uploads: new UploadSlots(config.http.maxUploads),
    encodeDenial: (caller, outcome, trace) => authorizationMessages.encode(authorizationMessage(caller, { ...trace, explicitDeny: outcome.decision === 'ExplicitDeny' })),
    observers: [
      ...audit.observers,
      accessActivityObserver(activity),
      { afterResponse: (record) => metrics.record(record) },
      // Access keys' last use (GetAccessKeyLastUsed, the credential report) from the same records.
      { afterResponse: (r) => r.accessKeyId !== undefined && credentials.recordKeyUse(r.accessKeyId, r.service, r.region, r.eventTime) },
    ],
  };
  const pipeline = new RequestPipeline(pipelineDeps);
  // Static websites (src/website): website host names on this listener, and the website listener.
  const website = createWebsiteEndpoint({ api: pipelineDeps, storage, baseDomain: config.baseDomain });
  // With workers, a scrape answers for all of them, merged by the primary (metrics/cluster-metrics.ts).
  const clusterMetrics = role === 'worker' && process.send !== undefined
    ? workerMetricsSource({ worker: String(cluster.worker?.id ?? process.pid), channel: process as PrimaryChannel,
      collect: () => metrics.collectParts(), render: renderExposition })
    : undefined;
  const scrape = metricsEndpoint({ metrics: clusterMetrics ?? metrics, token: config.audit.metricsToken, baseDomain: config.baseDomain, onError: (err) => logger.error({ err }, 'metrics failed') });
  const workloadCredentials = workloadCredentialsEndpoint({ sts: stsDeps, authorizer, region: config.region, logger, beforeRequest, clientAddress });

  // The web console (src/console): a client of the public APIs above, on the same listener.
  const webConsole = config.disableConsole ? undefined : consoleEndpoint({
    store: iamStore,
    sts: { ...stsDeps, ring: sessionKeys },
    dispatch: pipeline.handle,
    assets: ConsoleAssets.load(),
    region: config.region,
    regions: config.regions,
    logger,
    beforeRequest,
    clientAddress,
    // The audit trail's observers read a sign-in's record as the pipeline's (CloudTrail's ConsoleLogin).
    recordSignIn: async (record) => {
      for (const o of audit.observers) {
        if (o.keeps !== undefined && !o.keeps(record.service, record.operation)) continue;
        await o.beforeResponse?.(record);
        o.afterResponse?.(record);
      }
    },
  });

  let ready = false;
  const listeners = await startListeners({
    host: config.host,
    port: config.port,
    tls: config.tls,
    handle: website.dispatch(pipeline.handle),
    isReady: () => ready,
    localEndpoint: (req, res) => scrape(req, res) || workloadCredentials(req, res) || (webConsole?.(req, res) ?? false),
    logger,
    limits: config.http,
    refusals: pipeline,
  });
  const websiteListener = config.websiteAddress && (await startListeners({
    ...config.websiteAddress,
    tls: undefined,
    handle: website.pipeline.handle,
    isReady: () => ready,
    logger,
    limits: config.http,
    refusals: website.pipeline,
  }));
  ready = true;
  const { endpoint, tlsEndpoint, certificate } = listeners;
  auditor.setEndpoint(endpoint);
  // A worker's primary says 'listening' once every worker listens.
  const websiteLog = websiteListener ? { websiteEndpoint: websiteListener.endpoint } : {};
  const tlsLog = { ...(tlsEndpoint ? { tlsEndpoint, certificate } : {}), ...websiteLog };
  startupLog(logger).info({ endpoint, ...tlsLog, accountId: boot.accountId, dataDir, region: config.region }, shared ? 'worker listening' : 'listening');
  logger.flush();
  // After listening: background work never delays the start. One process per data directory runs it.
  const background = new BackgroundJobs({
    jobs: [
      lifecycleJob({ storage, objectsService, days: lifecycleDays, logger }),
      ...audit.jobs,
      ...auditor.jobs,
    ],
    lease: new BackgroundLease(dataDir),
    logger,
    idleIntervalMs: Math.min(lifecycleIdleMs(lifecycleDays), config.audit.trailDeliveryMs),
    beforePass: shared
      ? () => {
          storage.pollExternalChanges();
          iamStore.pollExternalChanges();
        }
      : undefined,
  });
  background.start();
  // Access-log lines are buffered by the process that served the request: every process delivers its own.
  const accessLogJobs = new BackgroundJobs({
    jobs: [audit.accessLogJob],
    lease: everyProcessLease(),
    logger,
    idleIntervalMs: accessLogIdleMs(config.audit.accessLogDeliveryMs),
  });
  accessLogJobs.start();

  return {
    endpoint,
    tlsEndpoint,
    accountId: boot.accountId,
    reloadTls: () => listeners.reloadTls(),
    async shutdown() {
      ready = false;
      const grace = config.shutdownGraceMs;
      await Promise.all([listeners.shutdown(grace), websiteListener?.shutdown(grace), background.stop(), accessLogJobs.stop()]);
      await audit.accessLogs.flush();
      await activity.close();
      metrics.close();
      clusterMetrics?.close();
      await checkpointer.close();
      audit.close();
      auditor.close();
      await credentials.close();
      await roleUses.close();
      identityPolicies.close();
      organizationPolicies.close();
      accountPublicAccessBlocks.close();
      await iamStore.close();
      await kms.close();
      await storage.close();
      lock.release();
      logger.info('stopped');
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    },
  };
}

/**
 * The SSE key ring (src/sse/sse-key-file.ts): from the environment, a key file, or the data
 * directory's own `sse.key`, created on the first start. The log says where the keys are and which
 * key is current (never a key).
 */
async function openSseKeys(config: ServerConfig, dataDir: string, logger: Logger): Promise<SseKeyRing> {
  const loaded = await loadSseKeys(config.sseKeys, dataDir);
  const ring = new SseKeyRing(loaded.keys);
  if (loaded.created !== undefined) {
    startupLog(logger).info({ file: loaded.created, keyId: ring.currentKeyId }, `SSE key created in ${loaded.created}: keep it with backups of the data, which it decrypts`);
  }
  logger.info({ origin: loaded.origin, keyId: ring.currentKeyId, keys: loaded.keys.length }, 'server-side encryption keys loaded');
  return ring;
}

/** How long a worker waits for its primary to hand the data directory over (DataDirLock.hold). */
const WORKER_JOIN_WAIT_MS = 10_000;
/** The SigV4 service names this server answers (S3 also for unsigned requests). */
const SERVICES = ['s3', 'iam', 'sts', 'organizations', 'workloads', 'kms', 'cloudtrail', ACCESS_ANALYZER_SERVICE, CONFIG_SERVICE];

/** How long a starting server waits for the workers of a server that just died to exit. */
export const TAKEOVER_WAIT_MS = 10_000;

/** Start-up facts (where the root credentials are, the endpoint) are printed whatever the log level. */
export function startupLog(logger: Logger): Logger {
  return logger.child({}, { level: 'info' });
}

/** Opens the embedded storage and removes what a crash left behind; before serving, by whoever owns the directory. */
export async function openAndSweep(
  config: Pick<ServerConfig, 'dataDir' | 'durability'> & Partial<Pick<ServerConfig, 'ioBufferBytes' | 'metadataCacheBytes'>>,
  logger: Logger,
  shared = false,
): Promise<EmbeddedStorage> {
  const dataDir = resolve(config.dataDir);
  const { ioBufferBytes, metadataCacheBytes } = config;
  const storage = await openEmbeddedStorage({ dataDir, durability: config.durability, shared, ioBufferBytes, metadataCacheBytes });
  const swept = await storage.sweepOrphans();
  if (swept.removedBlobs > 0) logger.info({ ...swept }, 'swept orphans left by an earlier crash');
  return storage;
}

/**
 * The management account and its root user's key: created on the first start (from the environment,
 * or generated and written to `<dataDir>/root-credentials.json`, mode 0600), read on later ones.
 */
export async function bootstrapRootUser(dataDir: string, iamStore: IamStore, env: NodeJS.ProcessEnv, logger: Logger): Promise<{ accountId: string }> {
  const boot = await bootstrapManagementAccount(iamStore, {
    rootAccessKeyId: env.STRONGBOX_ROOT_ACCESS_KEY_ID || undefined,
    rootSecretAccessKey: env.STRONGBOX_ROOT_SECRET_ACCESS_KEY || undefined,
  });
  // The root user's console password: STRONGBOX_ROOT_PASSWORD sets (or resets) it at any start; a new
  // account without one gets a generated password, written with its keys.
  const writesFile = boot.created && boot.rootSecretAccessKey !== undefined && !env.STRONGBOX_ROOT_SECRET_ACCESS_KEY;
  const consolePassword = env.STRONGBOX_ROOT_PASSWORD || (writesFile ? newSecretAccessKey().slice(0, 24) : undefined);
  if (consolePassword !== undefined) await iamStore.accounts.setRootPassword(boot.accountId, await hashPassword(consolePassword));
  if (writesFile) {
    const file = join(dataDir, 'root-credentials.json');
    const password = env.STRONGBOX_ROOT_PASSWORD ? {} : { consolePassword };
    const content = { accountId: boot.accountId, accessKeyId: boot.rootAccessKeyId, secretAccessKey: boot.rootSecretAccessKey, ...password };
    await writeFile(file, JSON.stringify(content, null, 2) + '\n', { mode: 0o600 });
    await chmod(file, 0o600);
    startupLog(logger).info({ file }, `management account ${boot.accountId} created; root credentials written to ${file}`);
  }
  return { accountId: boot.accountId };
}

const ACCOUNT_OR_ROOT = /^(?:(\d{12})|arn:aws:iam::(\d{12}):root)$/;
const USER_OR_ROLE = /^arn:aws:iam::(\d{12}):(user|role)((?:\/[^/]+)*\/)([^/]+)$/;

/**
 * Whether a principal a bucket policy names exists on this server (PutBucketPolicy): an account id or
 * `:root` ARN of an existing account, a user or role by account, path and name. The policy engine asks
 * only about these; services and `*` never reach here.
 */
async function principalExistsIn(store: IamStore, arn: string): Promise<boolean> {
  const account = ACCOUNT_OR_ROOT.exec(arn);
  if (account) return (await store.accounts.get(account[1] ?? account[2])) !== undefined;
  const m = USER_OR_ROLE.exec(arn);
  if (!m) return false;
  const [, accountId, kind, path, name] = m;
  const found = kind === 'user'
    ? await store.users.getByName(accountId, name)
    : await store.roles.getByName(accountId, name);
  return found !== undefined && found.path === path;
}

export function createLogger(config: Pick<ServerConfig, 'logLevel'> & Partial<Pick<ServerConfig, 'workers'>>): Logger {
  // Epoch-millisecond timestamps (pino's default, the cheapest) and a batching asynchronous
  // destination: one line per request must not cost the request path a syscall. The processes of a
  // server with workers share stdout: writes of whole lines, atomic on a pipe, keep their lines apart.
  const destination = new LogDestination(1, { maxWriteBytes: (config.workers ?? 1) > 1 ? PIPE_BUF : undefined });
  process.once('exit', () => destination.flushSync());
  return pino({ level: config.logLevel, base: undefined }, destination);
}
