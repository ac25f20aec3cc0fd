/** `#/s3/object/<bucket>/<key>`: one object — properties (HEAD), metadata, tags, versions, Download, Share. */
import { useState } from 'preact/hooks';
import { parseXml, s3, type Xml } from '../api.js';
import { link } from '../router.js';
import {
  Badge,
  Button,
  ErrorBox,
  Loaded,
  LoadedTable,
  PageHeader,
  Table,
  formatBytes,
  formatDate,
  useAction,
  useAsync,
} from '../ui.js';
import { Breadcrumbs, useBucketRegion } from './s3-bucket.js';
import { listVersionsPage, type VersionEntry } from './s3-delete.js';
import { ShareDialog, baseName, downloadObject } from './s3-objects.js';
import { TagsPanel } from './s3-shared.js';
import { tagsOf } from './s3-xml.js';

async function headObject(bucket: string, key: string, region: string): Promise<Headers> {
  const res = await s3('HEAD', bucket, key, { region, headers: { 'x-amz-checksum-mode': 'ENABLED' } });
  return res.headers;
}

export function ObjectPage({ bucket, objectKey }: { bucket: string; objectKey: string }) {
  const region = useBucketRegion(bucket);
  const folder = objectKey.includes('/') ? objectKey.slice(0, objectKey.lastIndexOf('/') + 1) : '';
  return (
    <>
      <Breadcrumbs bucket={bucket} prefix={folder} last={baseName(objectKey)} />
      <Loaded state={region} what="the bucket">
        {(r) => <ObjectDetail bucket={bucket} objectKey={objectKey} region={r} />}
      </Loaded>
    </>
  );
}

function ObjectDetail({ bucket, objectKey, region }: { bucket: string; objectKey: string; region: string }) {
  const head = useAsync(() => headObject(bucket, objectKey, region), [bucket, objectKey, region]);
  const [sharing, setSharing] = useState(false);
  const download = useAction();
  return (
    <>
      <PageHeader title={baseName(objectKey)}>
        <Button
          onClick={() => void download.run(() => downloadObject(bucket, objectKey, region))}
          disabled={download.busy}
        >
          Download
        </Button>
        <Button onClick={() => setSharing(true)}>Share with a presigned URL</Button>
      </PageHeader>
      <ErrorBox error={download.error} />
      <Loaded state={head} what="the object">
        {(h) => <ObjectProperties bucket={bucket} objectKey={objectKey} region={region} h={h} />}
      </Loaded>
      <ObjectTags bucket={bucket} objectKey={objectKey} region={region} />
      <ObjectVersions bucket={bucket} objectKey={objectKey} region={region} />
      {sharing && (
        <ShareDialog bucket={bucket} objectKey={objectKey} region={region} onClose={() => setSharing(false)} />
      )}
    </>
  );
}

function ObjectProperties({
  bucket,
  objectKey,
  region,
  h,
}: {
  bucket: string;
  objectKey: string;
  region: string;
  h: Headers;
}) {
  const checksums: [string, string][] = [];
  const meta: [string, string][] = [];
  h.forEach((value, name) => {
    if (name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-type')
      checksums.push([name.slice('x-amz-checksum-'.length).toUpperCase(), value]);
    if (name.startsWith('x-amz-meta-')) meta.push([name.slice('x-amz-meta-'.length), value]);
  });
  const sse = h.get('x-amz-server-side-encryption');
  const kmsKey = h.get('x-amz-server-side-encryption-aws-kms-key-id');
  const size = Number(h.get('content-length') ?? 0);
  return (
    <>
      <section class="panel">
        <h2>Object overview</h2>
        <dl class="kv grid">
          <div>
            <dt>Bucket</dt>
            <dd>
              <a href={link('s3', 'buckets', bucket)}>{bucket}</a> ({region})
            </dd>
          </div>
          <div>
            <dt>Key</dt>
            <dd>
              <code>{objectKey}</code>
            </dd>
          </div>
          <div>
            <dt>S3 URI</dt>
            <dd>
              <code>
                s3://{bucket}/{objectKey}
              </code>
            </dd>
          </div>
          <div>
            <dt>Object ARN</dt>
            <dd>
              <code>
                arn:aws:s3:::{bucket}/{objectKey}
              </code>
            </dd>
          </div>
          <div>
            <dt>Size</dt>
            <dd>
              {formatBytes(size)} ({size} bytes)
            </dd>
          </div>
          <div>
            <dt>Type</dt>
            <dd>{h.get('content-type') ?? '—'}</dd>
          </div>
          <div>
            <dt>ETag</dt>
            <dd>
              <code>{h.get('etag') ?? '—'}</code>
            </dd>
          </div>
          <div>
            <dt>Last modified</dt>
            <dd>{formatDate(h.get('last-modified') ?? undefined)}</dd>
          </div>
          <div>
            <dt>Storage class</dt>
            <dd>{h.get('x-amz-storage-class') ?? 'STANDARD'}</dd>
          </div>
          <div>
            <dt>Server-side encryption</dt>
            <dd>
              {sse === 'AES256' ? 'SSE-S3 (AES256)' : sse === 'aws:kms' ? 'SSE-KMS (aws:kms)' : (sse ?? 'None')}
              {kmsKey && (
                <>
                  <br />
                  <code>{kmsKey}</code>
                </>
              )}
            </dd>
          </div>
          <div>
            <dt>Version ID</dt>
            <dd>
              <code>{h.get('x-amz-version-id') ?? 'null'}</code>
            </dd>
          </div>
          <div>
            <dt>Checksum</dt>
            <dd>{checksums.length ? checksums.map(([a, v]) => <div>{`${a}: ${v}`}</div>) : '—'}</dd>
          </div>
          {h.get('x-amz-object-lock-mode') && (
            <div>
              <dt>Object Lock retention</dt>
              <dd>
                {h.get('x-amz-object-lock-mode')} until{' '}
                {formatDate(h.get('x-amz-object-lock-retain-until-date') ?? undefined)}
              </dd>
            </div>
          )}
          {h.get('x-amz-object-lock-legal-hold') && (
            <div>
              <dt>Legal hold</dt>
              <dd>{h.get('x-amz-object-lock-legal-hold')}</dd>
            </div>
          )}
          {h.get('x-amz-expiration') && (
            <div>
              <dt>Expiration rule</dt>
              <dd>{h.get('x-amz-expiration')}</dd>
            </div>
          )}
        </dl>
      </section>
      <section class="panel">
        <h2>Metadata</h2>
        <Table<[string, string]>
          label="Metadata"
          empty="No user-defined metadata."
          rows={meta}
          columns={[
            { title: 'Key', render: ([k]) => <code>x-amz-meta-{k}</code> },
            { title: 'Value', render: ([, v]) => v },
          ]}
        />
      </section>
    </>
  );
}

function ObjectTags({ bucket, objectKey, region }: { bucket: string; objectKey: string; region: string }) {
  return (
    <TagsPanel
      bucket={bucket}
      objectKey={objectKey}
      region={region}
      load={async () => tagsOf((await getSubObject(bucket, objectKey, region)).TagSet)}
      intro={(_, draft) => draft.length === 0 && <p class="s3-muted">No tags.</p>}
    />
  );
}

async function getSubObject(bucket: string, key: string, region: string): Promise<Xml> {
  return parseXml(await s3('GET', bucket, key, { region, query: { tagging: '' } }));
}

function ObjectVersions({ bucket, objectKey, region }: { bucket: string; objectKey: string; region: string }) {
  const state = useAsync(async () => {
    const out: VersionEntry[] = [];
    let next: { keyMarker: string; versionIdMarker: string } | undefined;
    do {
      const page = await listVersionsPage(bucket, region, {
        prefix: objectKey,
        keyMarker: next?.keyMarker,
        versionIdMarker: next?.versionIdMarker,
      });
      out.push(...page.entries.filter((v) => v.key === objectKey));
      // Keys after this one in the listing are other objects: stop there.
      next = page.entries.some((v) => v.key > objectKey) ? undefined : page.next;
    } while (next);
    return out;
  }, [bucket, objectKey, region]);
  return (
    <section class="panel">
      <h2>Versions</h2>
      <LoadedTable
        state={state}
        what="versions"
        label="Versions of this object"
        empty="No versions."
        columns={[
          { title: 'Version ID', render: (v) => <code>{v.versionId || 'null'}</code> },
          {
            title: 'Type',
            render: (v) => (
              <>
                {v.deleteMarker ? 'Delete marker' : 'Version'} {v.isLatest && <Badge kind="good">Latest</Badge>}
              </>
            ),
          },
          { title: 'Last modified', render: (v) => formatDate(v.lastModified) },
          { title: 'Size', render: (v) => (v.deleteMarker ? '—' : formatBytes(v.size)) },
        ]}
      />
    </section>
  );
}
