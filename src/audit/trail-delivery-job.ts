/**
 * Trail delivery as the composition root starts it (a BackgroundJob beside lifecycle): over the server's
 * storage and the audit store, writing through the service object writer, checking bucket policies
 * with CloudTrail's service principal, signing digests with the server's key.
 */
import type { Logger } from 'pino';
import { checkTrailBucketAccess } from '../cloudtrail/trail-bucket-access.js';
import { createServiceObjectWriter, type ServiceObjectWriter } from '../s3/service-object-writer.js';
import type { S3Encryption } from '../s3/object-encryption.js';
import type { ObjectsService } from '../storage/objects-service.js';
import type { S3Storage } from '../storage/ports.js';
import type { AuditEventStore, TrailStore } from './audit-ports.js';
import { ServicePrincipalAccess } from './service-principal-access.js';
import { TrailDelivery, type TrailDeliveryOptions } from './trail-delivery.js';
import { trailArn } from './trail-delivery-selection.js';
import type { TrailSigningKey } from './trail-signing-key.js';

export interface TrailDeliveryJobDeps {
  readonly storage: S3Storage;
  readonly objectsService: ObjectsService;
  readonly sse: S3Encryption;
  readonly events: AuditEventStore;
  readonly trails: TrailStore;
  readonly signingKey: Pick<TrailSigningKey, 'privateKey'>;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** The writer to share with S3 access-log delivery; made from storage, objectsService and sse by default. */
  readonly writer?: ServiceObjectWriter;
}

export function trailDeliveryJob(deps: TrailDeliveryJobDeps, options: TrailDeliveryOptions = {}): TrailDelivery {
  const now = deps.now ?? (() => new Date());
  const writer = deps.writer
    ?? createServiceObjectWriter({ storage: deps.storage, objects: deps.objectsService, sse: deps.sse, now });
  // Compiled bucket policies kept across passes: delivery checks the same buckets every pass.
  const access = new ServicePrincipalAccess();
  return new TrailDelivery({
    events: deps.events,
    trails: deps.trails,
    writer,
    getBucket: (name) => deps.storage.buckets.getBucket(name),
    checkBucketAccess: (d, input) => checkTrailBucketAccess({ ...d, access, now }, input),
    signingKey: deps.signingKey,
    now,
    onError: (err, trail) => deps.logger.error({ err, trailArn: trailArn(trail) }, 'trail delivery failed'),
  }, options);
}
