/**
 * Deleting objects the way the AWS console does: DeleteObjects (POST ?delete, 1000 at a time, Quiet)
 * and emptying a bucket (every version and delete marker, then every unfinished multipart upload).
 */
import { ApiError, many, s3, s3Xml, str, type Xml } from '../api.js';
import { doc, el, parseDeleteErrors, sendXml } from './s3-xml.js';

export interface ObjectRef {
  readonly key: string;
  readonly versionId?: string;
}

export interface VersionEntry {
  readonly key: string;
  readonly versionId: string;
  readonly isLatest: boolean;
  readonly deleteMarker: boolean;
  readonly size: number;
  readonly lastModified: string;
  readonly storageClass: string;
}

/** One page of ListObjectVersions: versions and delete markers, in key order, newest first per key. */
export async function listVersionsPage(
  bucket: string,
  region: string,
  o: { prefix?: string; delimiter?: string; keyMarker?: string; versionIdMarker?: string; maxKeys?: number } = {},
): Promise<{ entries: VersionEntry[]; prefixes: string[]; next?: { keyMarker: string; versionIdMarker: string } }> {
  const x = await s3Xml('GET', bucket, '', {
    region,
    query: {
      versions: '',
      prefix: o.prefix || undefined,
      delimiter: o.delimiter,
      'key-marker': o.keyMarker,
      'version-id-marker': o.versionIdMarker,
      'max-keys': o.maxKeys === undefined ? undefined : String(o.maxKeys),
    },
  });
  const entries: VersionEntry[] = [];
  const push = (v: Xml, deleteMarker: boolean) =>
    entries.push({
      key: str(v.Key),
      versionId: str(v.VersionId),
      isLatest: str(v.IsLatest) === 'true',
      deleteMarker,
      size: Number(str(v.Size) || 0),
      lastModified: str(v.LastModified),
      storageClass: str(v.StorageClass),
    });
  for (const v of many(x.Version)) push(v, false);
  for (const d of many(x.DeleteMarker)) push(d, true);
  // Versions and markers come as separate element lists; restore S3's order (key, then newest first).
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : b.lastModified.localeCompare(a.lastModified)));
  const prefixes = many(x.CommonPrefixes).map((p) => str(p.Prefix));
  const truncated = str(x.IsTruncated) === 'true';
  return {
    entries,
    prefixes,
    next: truncated ? { keyMarker: str(x.NextKeyMarker), versionIdMarker: str(x.NextVersionIdMarker) } : undefined,
  };
}

/** Whether the bucket holds anything (a version or a delete marker). */
export async function bucketHasObjects(bucket: string, region: string): Promise<boolean> {
  const page = await listVersionsPage(bucket, region, { maxKeys: 1 });
  return page.entries.length > 0;
}

/** DeleteObjects for any number of objects (1000 a request); the first per-key error is thrown. */
export async function deleteObjects(bucket: string, region: string, objects: readonly ObjectRef[]): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < objects.length; i += 1000) {
    const batch = objects.slice(i, i + 1000);
    const body = doc(
      'Delete',
      batch
        .map((o) => `<Object>${el('Key', o.key)}${o.versionId ? el('VersionId', o.versionId) : ''}</Object>`)
        .join('') + '<Quiet>true</Quiet>',
    );
    const res = await sendXml('POST', bucket, '', { delete: '' }, body, region);
    const errors = parseDeleteErrors(await res.text());
    if (errors.length) {
      const e = errors[0]!;
      throw new ApiError(
        e.code,
        `${e.key}${e.versionId ? ` (version ${e.versionId})` : ''}: ${e.message}${errors.length > 1 ? ` (and ${errors.length - 1} more errors)` : ''}`,
        200,
      );
    }
    deleted += batch.length;
  }
  return deleted;
}

/**
 * Deletes every object version and delete marker, then aborts every multipart upload, so that the
 * bucket can be deleted. `onProgress` gets the number deleted so far.
 */
export async function emptyBucket(
  bucket: string,
  region: string,
  onProgress: (deleted: number) => void = () => undefined,
): Promise<number> {
  let deleted = 0;
  let next: { keyMarker: string; versionIdMarker: string } | undefined;
  do {
    const page = await listVersionsPage(bucket, region, {
      keyMarker: next?.keyMarker,
      versionIdMarker: next?.versionIdMarker,
    });
    if (page.entries.length) {
      deleted += await deleteObjects(
        bucket,
        region,
        page.entries.map((v) => ({ key: v.key, versionId: v.versionId })),
      );
      onProgress(deleted);
    }
    next = page.next;
  } while (next);
  // Unfinished multipart uploads.
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const x = await s3Xml('GET', bucket, '', {
      region,
      query: { uploads: '', 'key-marker': keyMarker, 'upload-id-marker': uploadIdMarker },
    });
    for (const u of many(x.Upload)) {
      await s3('DELETE', bucket, str(u.Key), { region, query: { uploadId: str(u.UploadId) } });
    }
    if (str(x.IsTruncated) !== 'true') break;
    keyMarker = str(x.NextKeyMarker);
    uploadIdMarker = str(x.NextUploadIdMarker);
  }
  return deleted;
}
