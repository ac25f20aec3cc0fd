/** `#/s3/object/<bucket>/<key>`: one object — properties (HEAD), metadata, tags, versions, Download, Share. */
import { useEffect, useState } from 'preact/hooks';
import { parseXml, s3, type Xml } from '../api.js';
import { link } from '../router.js';
import {
  Badge,
  Button,
  ErrorBox,
  Field,
  Loaded,
  Notice,
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
import { doc, sendXml, tagSetXml, tagsOf, type Tag } from './s3-xml.js';

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

/** Editable Key/Value rows (tags of an object or a bucket). */
export function TagEditor({ tags, onChange }: { tags: Tag[]; onChange: (t: Tag[]) => void }) {
  const set = (i: number, patch: Partial<Tag>) => onChange(tags.map((t, j) => (j === i ? { ...t, ...patch } : t)));
  return (
    <div class="s3-tags">
      {tags.map((t, i) => (
        <div class="s3-tag-row">
          <Field label="Key">
            <input value={t.key} onInput={(e) => set(i, { key: e.currentTarget.value })} />
          </Field>
          <Field label="Value">
            <input value={t.value} onInput={(e) => set(i, { value: e.currentTarget.value })} />
          </Field>
          <Button aria-label={`Remove tag ${t.key || i + 1}`} onClick={() => onChange(tags.filter((_, j) => j !== i))}>
            Remove
          </Button>
        </div>
      ))}
      <Button onClick={() => onChange([...tags, { key: '', value: '' }])}>Add tag</Button>
    </div>
  );
}

function ObjectTags({ bucket, objectKey, region }: { bucket: string; objectKey: string; region: string }) {
  const state = useAsync(
    async () => tagsOf((await getSubObject(bucket, objectKey, region)).TagSet),
    [bucket, objectKey, region],
  );
  const [draft, setDraft] = useState<Tag[]>([]);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  useEffect(() => {
    if (state.data) setDraft(state.data);
  }, [state.data]);
  const save = () =>
    void action
      .run(async () => {
        setSaved(false);
        const tags = draft.filter((t) => t.key !== '' || t.value !== '');
        if (tags.length === 0) await s3('DELETE', bucket, objectKey, { region, query: { tagging: '' } });
        else await sendXml('PUT', bucket, objectKey, { tagging: '' }, doc('Tagging', tagSetXml(tags)), region);
      })
      .then((ok) => {
        if (ok) {
          setSaved(true);
          state.reload();
        }
      });
  return (
    <section class="panel">
      <h2>Tags</h2>
      <Loaded state={state} what="tags">
        {() => (
          <>
            {draft.length === 0 && <p class="s3-muted">No tags.</p>}
            <TagEditor tags={draft} onChange={setDraft} />
            <ErrorBox error={action.error} />
            {saved && <Notice kind="success">Tags saved.</Notice>}
            <div class="s3-form-actions">
              <Button kind="primary" onClick={save} disabled={action.busy}>
                Save tags
              </Button>
            </div>
          </>
        )}
      </Loaded>
    </section>
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
      <Loaded state={state} what="versions">
        {(rows) => (
          <Table
            label="Versions of this object"
            empty="No versions."
            rows={rows}
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
        )}
      </Loaded>
    </section>
  );
}
