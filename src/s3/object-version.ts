/**
 * Which version an object request addresses (`?versionId=`), how reads answer for delete markers and
 * missing versions, and the `x-amz-version-id` / `x-amz-delete-marker` headers.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/RetrievingObjectVersions.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeleteMarker.html
 */
import type { ServiceError } from '../errors/service-error.js';
import type { BucketRecord, DeleteMarkerRecord, ObjectRecord, ObjectVersion } from '../storage/ports.js';
import { isVersionId } from '../storage/version-id.js';
import { advisedAllow, requireBucket, requireKey, type Advice, type S3Context } from './context.js';
import { invalidArgument, s3Error } from './errors.js';
import { httpDate } from './headers.js';

/**
 * A `versionId` value: undefined when absent (the current version), null for `null` (the null
 * version), else the id. AWS refuses an empty one and one it could not have issued with
 * InvalidArgument ("Invalid version id specified"), before looking anything up.
 */
export function parseVersionId(value: string | undefined, parameter = 'versionId'): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'null') return null;
  if (value === '') throw invalidArgument('Version id cannot be the empty string', parameter, value);
  if (!isVersionId(value)) throw invalidArgument('Invalid version id specified', parameter, value);
  return value;
}

/** The request's `?versionId=` (see parseVersionId). */
export function requestedVersionId(ctx: S3Context): string | null | undefined {
  return parseVersionId(ctx.query.get('versionId'));
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** How a version id travels in headers and XML: the null version is `null`. */
export function versionIdText(versionId: string | null): string {
  return versionId ?? 'null';
}

/**
 * `x-amz-version-id` of a response about an existing version: absent for a bucket that was never
 * versioned (AWS sends none), `null` for the null version of a bucket that was.
 */
export function versionHeader(bucket: BucketRecord, versionId: string | null): Readonly<Record<string, string>> {
  if (bucket.versioning === undefined && versionId === null) return NO_HEADERS;
  return { 'x-amz-version-id': versionIdText(versionId) };
}

/**
 * The object a read addresses (GetObject, HeadObject, tagging, ACL, attributes): the current object,
 * or the version `?versionId=` names; undefined when there is none or it is a delete marker. The
 * unversioned path is the store's `getObject`, as before versions.
 */
export async function loadAddressedObject(ctx: S3Context): Promise<ObjectRecord | undefined> {
  const bucket = requireBucket(ctx).name;
  const key = requireKey(ctx);
  const versionId = requestedVersionId(ctx);
  if (versionId === undefined) return ctx.deps.storage.objects.getObject(bucket, key);
  const version = await ctx.deps.storage.objects.getVersion(bucket, key, versionId);
  return version?.kind === 'Object' ? version.object : undefined;
}

/** The advisory s3:ListBucket decision that turns a missing object's 404 into 403. */
export interface ListBucketGate {
  readonly advice: Advice;
  readonly index: number;
}

function markerHeaders(marker: DeleteMarkerRecord): Record<string, string> {
  return { 'x-amz-delete-marker': 'true', 'x-amz-version-id': versionIdText(marker.versionId) };
}

/**
 * Why a read found no object, as S3 answers it: the current version is a delete marker (404 NoSuchKey
 * with `x-amz-delete-marker: true`), the version named is a delete marker (405 MethodNotAllowed, with
 * the marker's Last-Modified), the version does not exist (NoSuchVersion), or the key does not. A
 * caller not allowed s3:ListBucket (the advisory check at `index`) learns none of it: 403.
 */
export async function missingObjectError(ctx: S3Context, gate?: ListBucketGate): Promise<ServiceError> {
  const key = requireKey(ctx);
  const versionId = requestedVersionId(ctx);
  const version = await addressedVersion(ctx, versionId);
  if (version?.kind === 'DeleteMarker' && versionId !== undefined) {
    return s3Error('MethodNotAllowed', {
      fields: { Method: ctx.raw.method, ResourceType: 'DeleteMarker' },
      headers: { ...markerHeaders(version.marker), 'last-modified': httpDate(version.marker.lastModified) },
    });
  }
  if (gate !== undefined && !advisedAllow(gate.advice, gate.index)) return s3Error('AccessDenied');
  if (version?.kind === 'DeleteMarker') {
    return s3Error('NoSuchKey', { fields: { Key: key }, headers: markerHeaders(version.marker) });
  }
  if (versionId !== undefined) {
    return s3Error('NoSuchVersion', { fields: { Key: key, VersionId: versionIdText(versionId) } });
  }
  return s3Error('NoSuchKey', { fields: { Key: key } });
}

/** The version a request names, or the current one (a delete marker included) of a bucket with versions. */
async function addressedVersion(ctx: S3Context, versionId: string | null | undefined): Promise<ObjectVersion | undefined> {
  const bucket = requireBucket(ctx);
  const key = requireKey(ctx);
  if (versionId !== undefined) return ctx.deps.storage.objects.getVersion(bucket.name, key, versionId);
  // A bucket that was never versioned has no delete markers: nothing more to look up.
  if (bucket.versioning === undefined) return undefined;
  return ctx.deps.storage.objects.getCurrentVersion(bucket.name, key);
}
