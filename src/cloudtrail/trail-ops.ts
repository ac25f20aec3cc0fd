/**
 * Trails: CreateTrail, UpdateTrail, DeleteTrail, GetTrail, DescribeTrails, ListTrails, GetTrailStatus,
 * StartLogging, StopLogging. A trail lives in the server's region (its home region) and names the
 * bucket its files go to; a new trail logs nothing until StartLogging, as on AWS.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Operations.html
 */
import type { TrailRecord } from '../audit/audit-ports.js';
import type { JsonContext, JsonOperation } from '../json-protocol/types.js';
import { perRequest } from '../protocol/per-request.js';
import { cloudTrailCheck, type CloudTrailDeps } from './cloudtrail-deps.js';
import { cloudTrailError, trailNotFound } from './cloudtrail-errors.js';
import { checkTrailName, trailArn, trailNameOf } from './trail-names.js';
import { checkCombination, readTags, readTrailSettings, requestTagContext, type TrailSettings } from './trail-settings.js';
import { arnOf, DEFAULT_EVENT_SELECTORS, trailSettingsShape, trailShape, trailStatusShape } from './trail-shapes.js';
import { describeTrailsOperation, listTrailsOperation } from './trail-listing-ops.js';

/** Trails per account and region (CloudTrail quota: "5 trails per Region"). */
export const MAX_TRAILS_PER_REGION = 5;

/** The trail an operation's `Name` member names (a name or an ARN), in the caller's account. */
export function namedTrail(deps: CloudTrailDeps, ctx: JsonContext, member = 'Name'): { name: string; arn: string } {
  const ref = ctx.input.requiredString(member);
  const name = trailNameOf(ref, { accountId: ctx.accountId, region: deps.region });
  return { name, arn: trailArn(deps.region, ctx.accountId, name) };
}

export function existingTrail(deps: CloudTrailDeps, ctx: JsonContext, member = 'Name'): TrailRecord {
  const { name, arn } = namedTrail(deps, ctx, member);
  const trail = deps.trails.get(ctx.accountId, name);
  if (trail === undefined) throw trailNotFound(arn);
  return trail;
}

/** An operation on one named trail: `cloudtrail:<name>` on the trail's ARN. */
function onTrail(
  deps: CloudTrailDeps,
  name: string,
  handler: (ctx: JsonContext) => Promise<Record<string, unknown> | undefined>,
): JsonOperation {
  return {
    name,
    checks: async (ctx) => [cloudTrailCheck(ctx.accountId, name, namedTrail(deps, ctx).arn)],
    handler,
  };
}

/** The bucket must exist and let CloudTrail write (S3BucketDoesNotExistException, InsufficientS3BucketPolicyException). */
async function checkBucket(deps: CloudTrailDeps, t: { accountId: string; name: string; bucket: string; prefix?: string }) {
  const access = await deps.checkBucket({
    bucket: t.bucket,
    ...(t.prefix !== undefined ? { keyPrefix: t.prefix } : {}),
    accountId: t.accountId,
    region: deps.region,
    trailArn: trailArn(deps.region, t.accountId, t.name),
  });
  if (access === 'NoSuchBucket') throw cloudTrailError('S3BucketDoesNotExistException', { message: `S3 bucket does not exist: ${t.bucket}` });
  if (access === 'Denied') {
    throw cloudTrailError('InsufficientS3BucketPolicyException', { message: `Incorrect S3 bucket policy is detected for bucket: ${t.bucket}` });
  }
}

function createTrail(deps: CloudTrailDeps): JsonOperation {
  const request = perRequest(async (ctx: JsonContext) => ({
    name: checkTrailName(ctx.input.requiredString('Name')),
    tags: readTags(ctx.input),
  }));
  return {
    name: 'CreateTrail',
    async checks(ctx) {
      const { name, tags } = await request(ctx);
      return [cloudTrailCheck(ctx.accountId, 'CreateTrail', trailArn(deps.region, ctx.accountId, name), requestTagContext(tags))];
    },
    async handler(ctx) {
      const { name } = await request(ctx);
      const s3BucketName = ctx.input.requiredString('S3BucketName');
      const settings = readTrailSettings(ctx.input);
      const trail = newTrail(deps, ctx.accountId, name, { ...settings, s3BucketName });
      checkCombination(trail);
      if (deps.trails.get(ctx.accountId, name)) {
        const message = `Trail ${name} already exists for customer: ${ctx.accountId}`;
        throw cloudTrailError('TrailAlreadyExistsException', { message });
      }
      if (deps.trails.list(ctx.accountId).length >= MAX_TRAILS_PER_REGION) {
        throw cloudTrailError('MaximumNumberOfTrailsExceededException');
      }
      await checkBucket(deps, { accountId: ctx.accountId, name, bucket: trail.s3BucketName, prefix: trail.s3KeyPrefix });
      // Deviation from AWS: TagsList is checked and authorized (aws:RequestTag) but not kept: Strongbox
      // has no ListTags / AddTags for trails.
      if (!deps.trails.create(trail)) throw cloudTrailError('TrailAlreadyExistsException');
      return trailSettingsShape(trail);
    },
  };
}

/**
 * Deviation from AWS: KmsKeyId is kept as given, not resolved to a key ARN nor checked against the
 * key's policy (the KMS key service is not a dependency of this API).
 */
function newTrail(deps: CloudTrailDeps, accountId: string, name: string, s: TrailSettings & { s3BucketName: string }): TrailRecord {
  return {
    accountId,
    name,
    homeRegion: deps.region,
    s3BucketName: s.s3BucketName,
    ...(s.s3KeyPrefix ? { s3KeyPrefix: s.s3KeyPrefix } : {}),
    includeGlobalServiceEvents: s.includeGlobalServiceEvents ?? true,
    isMultiRegionTrail: s.isMultiRegionTrail ?? false,
    isOrganizationTrail: false,
    logFileValidationEnabled: s.logFileValidationEnabled ?? false,
    ...(s.kmsKeyId ? { kmsKeyId: s.kmsKeyId } : {}),
    eventSelectors: DEFAULT_EVENT_SELECTORS,
    createdAt: deps.now(),
    isLogging: false,
    delivery: { deliveredSeq: deps.events.lastSeq() },
  };
}

/** The trail with the request's settings over its own. */
function withSettings(t: TrailRecord, s: TrailSettings): TrailRecord {
  const { s3KeyPrefix: _p, kmsKeyId: _k, ...rest } = t;
  const prefix = s.s3KeyPrefix === undefined ? t.s3KeyPrefix : s.s3KeyPrefix ?? undefined;
  const kms = s.kmsKeyId === undefined ? t.kmsKeyId : s.kmsKeyId ?? undefined;
  return {
    ...rest,
    s3BucketName: s.s3BucketName ?? t.s3BucketName,
    ...(prefix !== undefined ? { s3KeyPrefix: prefix } : {}),
    includeGlobalServiceEvents: s.includeGlobalServiceEvents ?? t.includeGlobalServiceEvents,
    isMultiRegionTrail: s.isMultiRegionTrail ?? t.isMultiRegionTrail,
    logFileValidationEnabled: s.logFileValidationEnabled ?? t.logFileValidationEnabled,
    ...(kms !== undefined ? { kmsKeyId: kms } : {}),
  };
}

function updateTrail(deps: CloudTrailDeps): JsonOperation {
  return onTrail(deps, 'UpdateTrail', async (ctx) => {
    const current = existingTrail(deps, ctx);
    const settings = readTrailSettings(ctx.input);
    const wanted = withSettings(current, settings);
    checkCombination(wanted);
    if (wanted.s3BucketName !== current.s3BucketName || wanted.s3KeyPrefix !== current.s3KeyPrefix) {
      await checkBucket(deps, { accountId: ctx.accountId, name: current.name, bucket: wanted.s3BucketName, prefix: wanted.s3KeyPrefix });
    }
    // Applied to the trail as it is now: delivery may have moved its state meanwhile.
    const updated = deps.trails.update(ctx.accountId, current.name, (t) => withSettings(t, settings));
    if (updated === undefined) throw trailNotFound(arnOf(current));
    return trailSettingsShape(updated);
  });
}

function deleteTrail(deps: CloudTrailDeps): JsonOperation {
  return onTrail(deps, 'DeleteTrail', async (ctx) => {
    const t = existingTrail(deps, ctx);
    if (!deps.trails.delete(ctx.accountId, t.name)) throw trailNotFound(arnOf(t));
    return {};
  });
}

/**
 * StartLogging: the trail logs from now on. Delivery resumes from the newest event stored, so that
 * events from before (or from while it was stopped) are not delivered, as a trail on AWS records
 * only what happens while it logs. Starting a trail that logs changes nothing.
 */
function startLogging(deps: CloudTrailDeps): JsonOperation {
  return onTrail(deps, 'StartLogging', async (ctx) => {
    const t = existingTrail(deps, ctx);
    const now = deps.now();
    const lastSeq = deps.events.lastSeq();
    const done = deps.trails.update(ctx.accountId, t.name, (cur) =>
      cur.isLogging ? cur : {
        ...cur,
        isLogging: true,
        startLoggingTime: now,
        delivery: { ...cur.delivery, deliveredSeq: Math.max(cur.delivery.deliveredSeq, lastSeq) },
      },
    );
    if (done === undefined) throw trailNotFound(arnOf(t));
    return {};
  });
}

function stopLogging(deps: CloudTrailDeps): JsonOperation {
  return onTrail(deps, 'StopLogging', async (ctx) => {
    const t = existingTrail(deps, ctx);
    const now = deps.now();
    const done = deps.trails.update(ctx.accountId, t.name, (cur) =>
      cur.isLogging ? { ...cur, isLogging: false, stopLoggingTime: now } : cur,
    );
    if (done === undefined) throw trailNotFound(arnOf(t));
    return {};
  });
}

export function trailOperations(deps: CloudTrailDeps): JsonOperation[] {
  return [
    createTrail(deps),
    updateTrail(deps),
    deleteTrail(deps),
    onTrail(deps, 'GetTrail', async (ctx) => ({ Trail: trailShape(existingTrail(deps, ctx)) })),
    describeTrailsOperation(deps),
    listTrailsOperation(deps),
    onTrail(deps, 'GetTrailStatus', async (ctx) => trailStatusShape(existingTrail(deps, ctx))),
    startLogging(deps),
    stopLogging(deps),
  ];
}
