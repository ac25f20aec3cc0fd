/**
 * The audit trail as the composition root starts it (issue #16), like `openKms`: the audit store
 * (`audit.sqlite`), the recorder that writes events ahead of each response, the CloudTrail API, the
 * digest signing key, and the background jobs (trail delivery, retention).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AuditConfig } from '../config.js';
import { createCloudTrailProtocol } from '../cloudtrail/cloudtrail-protocol.js';
import { checkTrailBucketAccess } from '../cloudtrail/trail-bucket-access.js';
import type { S3Encryption } from '../s3/object-encryption.js';
import { createServiceObjectWriter, type ServiceObjectWriter } from '../s3/service-object-writer.js';
import type { BackgroundJob, PassResult } from '../server/background-jobs.js';
import type { ProtocolAdapter } from '../server/protocol.js';
import type { ObjectsService } from '../storage/objects-service.js';
import type { S3Storage } from '../storage/ports.js';
import type { AuditEventStore } from './audit-ports.js';
import { AuditRecorder } from './audit-recorder.js';
import { AccessLogDelivery } from './access-log-delivery.js';
import { accessLogDeliveryJob } from './access-log-delivery-job.js';
import type { RequestObserver } from '../server/request-observer.js';
import { ServicePrincipalAccess } from './service-principal-access.js';
import { openAuditStore, type AuditStore } from './sqlite-audit-store.js';
import { trailDeliveryJob } from './trail-delivery-job.js';
import { loadTrailSigningKey } from './trail-signing-key.js';

export interface OpenAuditOptions {
  readonly dataDir: string;
  /** Worker processes share the audit store. */
  readonly shared: boolean;
  readonly region: string;
  readonly config: AuditConfig;
  readonly storage: S3Storage;
  readonly objectsService: ObjectsService;
  readonly sse: S3Encryption;
  readonly logger: Logger;
}

export interface OpenedAudit {
  readonly store: AuditStore;
  readonly recorder: AuditRecorder;
  readonly protocol: ProtocolAdapter;
  /** How AWS services write into customers' buckets (shared by trails and access logs). */
  readonly writer: ServiceObjectWriter;
  /** Run by the process holding the background lease: trail delivery, retention. */
  readonly jobs: readonly BackgroundJob[];
  /** S3 server access logs: buffered per process, so every process delivers its own (`everyProcessLease`). */
  readonly accessLogs: AccessLogDelivery;
  readonly accessLogJob: BackgroundJob;
  /** The request observers: the write-ahead recorder and the access-log buffer. */
  readonly observers: readonly RequestObserver[];
  /** When the oldest event not yet delivered happened, per destination (metrics' delivery lag). */
  oldestUndelivered(): { readonly cloudtrail?: Date; readonly accessLog?: Date };
  close(): void;
}

export async function openAudit(options: OpenAuditOptions): Promise<OpenedAudit> {
  const { logger, storage } = options;
  const now = () => new Date();
  const store = openAuditStore({ dataDir: options.dataDir, shared: options.shared });
  const { key, created } = await loadTrailSigningKey({ dataDir: options.dataDir });
  if (created !== undefined) logger.info({ file: created, fingerprint: key.fingerprint }, 'CloudTrail digest signing key created');
  const access = new ServicePrincipalAccess();
  const writer = createServiceObjectWriter({ storage, objects: options.objectsService, sse: options.sse, now });
  const protocol = createCloudTrailProtocol({
    events: store.events,
    trails: store.trails,
    region: options.region,
    now,
    publicKeys: () => key.publicKeys(),
    checkBucket: (input) => checkTrailBucketAccess({ getBucket: (name) => storage.buckets.getBucket(name), access, now }, input),
  });
  const recorder = new AuditRecorder({ events: store.events, trails: store.trails, newEventId: randomUUID });
  const delivery = trailDeliveryJob(
    { storage, objectsService: options.objectsService, sse: options.sse, events: store.events, trails: store.trails, signingKey: key, logger, writer },
    { deliveryIntervalMs: options.config.trailDeliveryMs, digestPeriodMs: options.config.trailDigestMs },
  );
  const retention = retentionJob(store.events, options.config, logger);
  const accessLogs = new AccessLogDelivery({ getBucket: (name) => storage.buckets.getBucket(name), writer, logger, now, access });
  const accessLogJob = accessLogDeliveryJob(accessLogs, { intervalMs: options.config.accessLogDeliveryMs, now, logger });
  return {
    store,
    recorder,
    protocol,
    writer,
    jobs: [delivery, retention],
    accessLogs,
    accessLogJob,
    observers: [recorder, { afterResponse: (record) => accessLogs.record(record) }],
    oldestUndelivered() {
      // The oldest event after the cursor of the trail furthest behind (selected or not: an upper bound).
      const cursors = store.trails.logging().map((t) => t.delivery.deliveredSeq);
      const next = cursors.length === 0 ? undefined : store.events.firstEventTimeAfter(Math.min(...cursors));
      return {
        ...(next ? { cloudtrail: next } : {}),
        ...(accessLogs.stats().oldestBufferedAt ? { accessLog: accessLogs.stats().oldestBufferedAt } : {}),
      };
    },
    close() {
      recorder.flush();
      store.close();
    },
  };
}

/** How often retention looks for events to delete. */
const RETENTION_INTERVAL_MS = 3_600_000;

/** Deletes events beyond the retention period and the size bound, once an hour. */
function retentionJob(events: AuditEventStore, config: AuditConfig, logger: Logger): BackgroundJob {
  let last = 0;
  return {
    name: 'audit-retention',
    async runPass(): Promise<PassResult> {
      if (Date.now() - last < RETENTION_INTERVAL_MS) return 'Idle';
      last = Date.now();
      const before = new Date(last - config.retentionDays * 86_400_000);
      const pruned = events.prune({ before, maxEvents: config.maxEvents });
      if (pruned > 0) logger.info({ pruned, before }, 'audit events past retention deleted');
      return 'Idle';
    },
  };
}
