/**
 * A bucket's Objects tab: folders and objects under a prefix (ListObjectsV2, delimiter `/`, Load more),
 * upload with progress (multipart above 8 MiB), Create folder, Download, Delete, Share with a presigned
 * URL, and Show versions (ListObjectVersions: versions and delete markers, permanently deleted by id).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { many, presign, s3, s3Xml, str } from '../api.js';
import { link } from '../router.js';
import { Badge, Button, Dialog, ErrorBox, Field, Notice, formatBytes, formatDate, useAction, useAsync } from '../ui.js';
import { deleteObjects, listVersionsPage, type ObjectRef, type VersionEntry } from './s3-delete.js';
import { uploadFile } from './s3-upload.js';
import { getSub } from './s3-xml.js';

interface ObjectRow {
  readonly key: string;
  readonly size: number;
  readonly lastModified: string;
  readonly storageClass: string;
}

interface Listing {
  readonly folders: string[];
  readonly objects: ObjectRow[];
  readonly versions: VersionEntry[];
  readonly next?: { token?: string; keyMarker?: string; versionIdMarker?: string };
}

const EMPTY: Listing = { folders: [], objects: [], versions: [] };

/** The last path segment of a key or prefix (`a/b/c.txt` → `c.txt`, `a/b/` → `b/`). */
export function baseName(key: string): string {
  const trimmed = key.endsWith('/') ? key.slice(0, -1) : key;
  const name = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return key.endsWith('/') ? `${name}/` : name;
}

async function listPage(
  bucket: string,
  region: string,
  prefix: string,
  versions: boolean,
  next: Listing['next'],
): Promise<Listing> {
  if (versions) {
    const page = await listVersionsPage(bucket, region, {
      prefix,
      delimiter: '/',
      keyMarker: next?.keyMarker,
      versionIdMarker: next?.versionIdMarker,
    });
    return { folders: page.prefixes, objects: [], versions: page.entries, next: page.next };
  }
  const x = await s3Xml('GET', bucket, '', {
    region,
    query: { 'list-type': '2', delimiter: '/', prefix: prefix || undefined, 'continuation-token': next?.token },
  });
  return {
    folders: many(x.CommonPrefixes).map((p) => str(p.Prefix)),
    objects: many(x.Contents).map((c) => ({
      key: str(c.Key),
      size: Number(str(c.Size) || 0),
      lastModified: str(c.LastModified),
      storageClass: str(c.StorageClass) || 'STANDARD',
    })),
    versions: [],
    next: str(x.IsTruncated) === 'true' ? { token: str(x.NextContinuationToken) } : undefined,
  };
}

/** Opens a presigned link as a download (same origin: the `download` attribute is honoured). */
export async function downloadObject(bucket: string, key: string, region: string): Promise<void> {
  const { url } = await presign(bucket, key, 300, region);
  const a = document.createElement('a');
  a.href = url;
  a.download = baseName(key);
  document.body.append(a);
  a.click();
  a.remove();
}

const versionId = (v: VersionEntry) => `${v.key}\u0000${v.versionId}`;
const folderId = (p: string) => `\u0001${p}`;

export function ObjectsTab({ bucket, region, prefix }: { bucket: string; region: string; prefix: string }) {
  const versioning = useAsync(() => getSub(bucket, 'versioning', region), [bucket, region]);
  const versioningOn = versioning.data !== undefined && str(versioning.data.Status) !== '';
  const [showVersions, setShowVersions] = useState(false);
  const [listing, setListing] = useState<Listing>(EMPTY);
  const [loading, setLoading] = useState(true);
  const [listError, setListError] = useState<unknown>();
  const [tick, setTick] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<'delete' | 'share' | undefined>();
  const [notice, setNotice] = useState('');
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    let live = true;
    setLoading(true);
    setListError(undefined);
    setSelected(new Set());
    listPage(bucket, region, prefix, showVersions, undefined).then(
      (l) => {
        if (!live) return;
        setListing(l);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setListing(EMPTY);
        setListError(e);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [bucket, region, prefix, showVersions, tick]);

  const loadMore = () => {
    setLoading(true);
    listPage(bucket, region, prefix, showVersions, listing.next).then(
      (l) => {
        setListing((old) => ({
          folders: [...old.folders, ...l.folders.filter((f) => !old.folders.includes(f))],
          objects: [...old.objects, ...l.objects],
          versions: [...old.versions, ...l.versions],
          next: l.next,
        }));
        setLoading(false);
      },
      (e: unknown) => {
        setListError(e);
        setLoading(false);
      },
    );
  };

  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const n = new Set(s);
      if (on) n.add(id);
      else n.delete(id);
      return n;
    });

  // The folder's own marker object (`prefix` itself) is not listed, as in the AWS console.
  const objects = listing.objects.filter((o) => o.key !== prefix);
  const versions = listing.versions.filter((v) => v.key !== prefix);
  const selectedObjects = objects.filter((o) => selected.has(o.key));
  const selectedFolders = listing.folders.filter((f) => selected.has(folderId(f)));
  const selectedVersions = versions.filter((v) => selected.has(versionId(v)));
  const selectionCount = showVersions
    ? selectedVersions.length + selectedFolders.length
    : selectedObjects.length + selectedFolders.length;
  const single =
    !showVersions && selectedObjects.length === 1 && selectedFolders.length === 0 ? selectedObjects[0] : undefined;
  const download = useAction();

  return (
    <>
      {notice && <Notice kind="success">{notice}</Notice>}
      <section class="panel">
        <div class="s3-panel-head">
          <h2>Objects</h2>
          <div class="s3-actions">
            <Button onClick={reload} aria-label="Refresh objects" disabled={loading}>
              ↻
            </Button>
            <Button
              disabled={!single || download.busy}
              onClick={() => single && void download.run(() => downloadObject(bucket, single.key, region))}
            >
              Download
            </Button>
            <Button disabled={!single} onClick={() => setDialog('share')}>
              Share with a presigned URL
            </Button>
            <Button kind="danger" disabled={selectionCount === 0} onClick={() => setDialog('delete')}>
              Delete
            </Button>
          </div>
        </div>
        <ErrorBox error={download.error} />
        <div class="s3-toolbar">
          <UploadButton bucket={bucket} region={region} prefix={prefix} onDone={reload} />
          <CreateFolder bucket={bucket} region={region} prefix={prefix} onCreated={reload} />
          <label class="check s3-show-versions">
            <input type="checkbox" checked={showVersions} onChange={(e) => setShowVersions(e.currentTarget.checked)} />
            <span>Show versions</span>
          </label>
        </div>
        <ErrorBox error={versioning.error} />
        <ErrorBox error={listError} />
        <div class="table-wrap">
          <table aria-label={showVersions ? 'Object versions' : 'Objects'}>
            <thead>
              <tr>
                <th scope="col" class="s3-select">
                  <span class="sr-only">Select</span>
                </th>
                <th scope="col">Name</th>
                {showVersions && <th scope="col">Version ID</th>}
                <th scope="col">Type</th>
                <th scope="col">Last modified</th>
                <th scope="col">Size</th>
                <th scope="col">Storage class</th>
              </tr>
            </thead>
            <tbody>
              {listing.folders.map((f) => (
                <tr>
                  <td class="s3-select">
                    <input
                      type="checkbox"
                      aria-label={`Select ${f}`}
                      checked={selected.has(folderId(f))}
                      onChange={(e) => toggle(folderId(f), e.currentTarget.checked)}
                    />
                  </td>
                  <td>
                    <a href={link('s3', 'buckets', bucket, f)} class="s3-folder">
                      {baseName(f)}
                    </a>
                  </td>
                  {showVersions && <td>—</td>}
                  <td>Folder</td>
                  <td>—</td>
                  <td>—</td>
                  <td>—</td>
                </tr>
              ))}
              {!showVersions &&
                objects.map((o) => (
                  <tr>
                    <td class="s3-select">
                      <input
                        type="checkbox"
                        aria-label={`Select ${o.key}`}
                        checked={selected.has(o.key)}
                        onChange={(e) => toggle(o.key, e.currentTarget.checked)}
                      />
                    </td>
                    <td>
                      <a href={link('s3', 'object', bucket, o.key)}>{baseName(o.key)}</a>
                    </td>
                    <td>{typeOf(o.key)}</td>
                    <td>{formatDate(o.lastModified)}</td>
                    <td>{formatBytes(o.size)}</td>
                    <td>{o.storageClass}</td>
                  </tr>
                ))}
              {showVersions &&
                versions.map((v) => (
                  <tr class={v.isLatest ? '' : 's3-noncurrent'}>
                    <td class="s3-select">
                      <input
                        type="checkbox"
                        aria-label={`Select ${v.key} version ${v.versionId}`}
                        checked={selected.has(versionId(v))}
                        onChange={(e) => toggle(versionId(v), e.currentTarget.checked)}
                      />
                    </td>
                    <td>
                      {v.isLatest && !v.deleteMarker ? (
                        <a href={link('s3', 'object', bucket, v.key)}>{baseName(v.key)}</a>
                      ) : (
                        baseName(v.key)
                      )}
                    </td>
                    <td>
                      <code>{v.versionId || 'null'}</code>
                    </td>
                    <td>
                      {v.deleteMarker ? 'Delete marker' : 'Version'} {v.isLatest && <Badge kind="good">Latest</Badge>}
                    </td>
                    <td>{formatDate(v.lastModified)}</td>
                    <td>{v.deleteMarker ? '—' : formatBytes(v.size)}</td>
                    <td>{v.deleteMarker ? '—' : v.storageClass || 'STANDARD'}</td>
                  </tr>
                ))}
              {!loading &&
                listing.folders.length === 0 &&
                (showVersions ? versions.length === 0 : objects.length === 0) && (
                  <tr>
                    <td colSpan={showVersions ? 7 : 6} class="empty">
                      {prefix ? 'This folder is empty.' : 'No objects. Upload files to add them.'}
                    </td>
                  </tr>
                )}
            </tbody>
          </table>
        </div>
        {loading && (
          <p class="loading" aria-busy="true">
            Loading objects…
          </p>
        )}
        {listing.next && !loading && <Button onClick={loadMore}>Load more</Button>}
      </section>
      {dialog === 'delete' && (
        <DeleteObjectsDialog
          bucket={bucket}
          region={region}
          objects={
            showVersions
              ? selectedVersions.map((v) => ({ key: v.key, versionId: v.versionId || 'null' }))
              : selectedObjects.map((o) => ({ key: o.key }))
          }
          folders={selectedFolders}
          permanent={showVersions || !versioningOn}
          versionsMode={showVersions}
          onCancel={() => setDialog(undefined)}
          onDeleted={(n) => {
            setDialog(undefined);
            setNotice(`Deleted ${n} ${showVersions ? 'object versions' : 'objects'}.`);
            reload();
          }}
        />
      )}
      {dialog === 'share' && single && (
        <ShareDialog bucket={bucket} objectKey={single.key} region={region} onClose={() => setDialog(undefined)} />
      )}
    </>
  );
}

function typeOf(key: string): string {
  const dot = key.lastIndexOf('.');
  return dot > key.lastIndexOf('/') && dot < key.length - 1 ? key.slice(dot + 1).toLowerCase() : '—';
}

/** Every key under the prefix (ListObjectsV2 without a delimiter), or every version of each with `versions`. */
async function everythingUnder(
  bucket: string,
  region: string,
  prefix: string,
  versions: boolean,
): Promise<ObjectRef[]> {
  const out: ObjectRef[] = [];
  if (versions) {
    let next: { keyMarker: string; versionIdMarker: string } | undefined;
    do {
      const page = await listVersionsPage(bucket, region, {
        prefix,
        keyMarker: next?.keyMarker,
        versionIdMarker: next?.versionIdMarker,
      });
      out.push(...page.entries.map((v) => ({ key: v.key, versionId: v.versionId || 'null' })));
      next = page.next;
    } while (next);
    return out;
  }
  let token: string | undefined;
  do {
    const x = await s3Xml('GET', bucket, '', {
      region,
      query: { 'list-type': '2', prefix, 'continuation-token': token },
    });
    out.push(...many(x.Contents).map((c) => ({ key: str(c.Key) })));
    token = str(x.IsTruncated) === 'true' ? str(x.NextContinuationToken) : undefined;
  } while (token);
  return out;
}

function DeleteObjectsDialog(props: {
  bucket: string;
  region: string;
  objects: ObjectRef[];
  folders: string[];
  permanent: boolean;
  versionsMode: boolean;
  onCancel: () => void;
  onDeleted: (n: number) => void;
}) {
  const action = useAction();
  const names = [
    ...props.folders,
    ...props.objects.map((o) => (o.versionId ? `${o.key} (version ${o.versionId})` : o.key)),
  ];
  return (
    <Dialog
      title={props.versionsMode ? 'Delete object versions' : 'Delete objects'}
      confirmLabel={props.versionsMode ? 'Delete versions' : 'Delete objects'}
      danger
      confirmText={props.permanent ? 'permanently delete' : undefined}
      busy={action.busy}
      error={action.error}
      onCancel={props.onCancel}
      onConfirm={() =>
        void action
          .run(async () => {
            const refs = [...props.objects];
            for (const f of props.folders)
              refs.push(...(await everythingUnder(props.bucket, props.region, f, props.versionsMode)));
            return deleteObjects(props.bucket, props.region, refs);
          })
          .then((ok) => ok && props.onDeleted(names.length))
      }
    >
      {props.permanent ? (
        <Notice kind="warning">
          {props.versionsMode
            ? 'Deleting specific object versions deletes them permanently. This cannot be undone.'
            : 'Versioning is not enabled on this bucket: the objects are deleted permanently. This cannot be undone.'}
        </Notice>
      ) : (
        <p>
          Versioning is enabled: deleting adds a delete marker to each object. Its earlier versions stay and can be
          restored.
        </p>
      )}
      {props.folders.length > 0 && <p>Folders are deleted with everything in them.</p>}
      <ul class="s3-delete-list">
        {names.slice(0, 50).map((n) => (
          <li>
            <code>{n}</code>
          </li>
        ))}
        {names.length > 50 && <li>…and {names.length - 50} more</li>}
      </ul>
    </Dialog>
  );
}

const EXPIRIES: readonly [string, string][] = [
  ['300', '5 minutes'],
  ['3600', '1 hour'],
  ['43200', '12 hours'],
];

export function ShareDialog({
  bucket,
  objectKey,
  region,
  onClose,
}: {
  bucket: string;
  objectKey: string;
  region: string;
  onClose: () => void;
}) {
  const [expires, setExpires] = useState('3600');
  const [url, setUrl] = useState('');
  const [copied, setCopied] = useState(false);
  const action = useAction();
  const input = useRef<HTMLInputElement>(null);
  const copy = () => {
    const done = () => setCopied(true);
    if (navigator.clipboard) void navigator.clipboard.writeText(url).then(done, () => fallbackCopy());
    else fallbackCopy();
  };
  const fallbackCopy = () => {
    input.current?.select();
    document.execCommand('copy');
    setCopied(true);
  };
  return (
    <Dialog
      title="Share with a presigned URL"
      confirmLabel="Create presigned URL"
      busy={action.busy}
      error={action.error}
      onCancel={onClose}
      onConfirm={() =>
        void action.run(async () => {
          setCopied(false);
          const r = await presign(bucket, objectKey, Number(expires), region);
          setUrl(r.url);
        })
      }
    >
      <p>
        Anyone with the URL can download <code>{objectKey}</code> until it expires (or the console session that signed
        it ends).
      </p>
      <Field label="Expires in">
        <select value={expires} onChange={(e) => setExpires(e.currentTarget.value)}>
          {EXPIRIES.map(([v, t]) => (
            <option value={v}>{t}</option>
          ))}
        </select>
      </Field>
      {url && (
        <>
          <Field label="Presigned URL">
            <input ref={input} readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
          </Field>
          <Button onClick={copy}>Copy</Button> {copied && <span role="status">Copied</span>}
        </>
      )}
    </Dialog>
  );
}

interface UploadState {
  readonly id: number;
  readonly name: string;
  readonly size: number;
  sent: number;
  status: 'uploading' | 'done' | 'failed';
  error?: unknown;
}

let uploadIds = 0;

function UploadButton({
  bucket,
  region,
  prefix,
  onDone,
}: {
  bucket: string;
  region: string;
  prefix: string;
  onDone: () => void;
}) {
  const [uploads, setUploads] = useState<UploadState[]>([]);
  const update = (id: number, patch: Partial<UploadState>) =>
    setUploads((list) => list.map((u) => (u.id === id ? { ...u, ...patch } : u)));
  const start = (files: FileList | null) => {
    if (!files || files.length === 0) return;
    const batch = Array.from(files).map((f) => ({
      file: f,
      state: { id: ++uploadIds, name: f.name, size: f.size, sent: 0, status: 'uploading' as const },
    }));
    setUploads((list) => [...batch.map((b) => b.state), ...list]);
    void Promise.all(
      batch.map(({ file, state }) =>
        uploadFile(bucket, region, prefix + file.name, file, (sent) => update(state.id, { sent })).then(
          () => update(state.id, { status: 'done', sent: file.size }),
          (error: unknown) => update(state.id, { status: 'failed', error }),
        ),
      ),
    ).then(onDone);
  };
  return (
    <div class="s3-upload">
      <label class="btn primary s3-file-btn" title="Upload files to this folder">
        Choose files
        <input
          type="file"
          multiple
          class="sr-only"
          onChange={(e) => {
            start(e.currentTarget.files);
            e.currentTarget.value = '';
          }}
        />
      </label>
      {uploads.length > 0 && (
        <ul class="s3-uploads" aria-label="Uploads">
          {uploads.map((u) => {
            const pct =
              u.size === 0 ? (u.status === 'uploading' ? 0 : 100) : Math.min(100, Math.round((u.sent / u.size) * 100));
            return (
              <li>
                <div class="s3-upload-name">
                  <span>{u.name}</span> <span class="s3-muted">{formatBytes(u.size)}</span>
                </div>
                <div
                  class="progress"
                  role="progressbar"
                  aria-label={`Upload ${u.name}`}
                  aria-valuenow={pct}
                  aria-valuemin={0}
                  aria-valuemax={100}
                >
                  <div style={{ width: `${pct}%` }} />
                </div>
                {u.status === 'uploading' && <span class="s3-muted">{pct}%</span>}
                {u.status === 'done' && <span class="s3-ok">Uploaded</span>}
                {u.status === 'failed' && <ErrorBox error={u.error} />}
              </li>
            );
          })}
          {uploads.some((u) => u.status !== 'uploading') && (
            <li>
              <Button class="link" onClick={() => setUploads((l) => l.filter((u) => u.status === 'uploading'))}>
                Clear finished uploads
              </Button>
            </li>
          )}
        </ul>
      )}
    </div>
  );
}

function CreateFolder({
  bucket,
  region,
  prefix,
  onCreated,
}: {
  bucket: string;
  region: string;
  prefix: string;
  onCreated: () => void;
}) {
  const [name, setName] = useState('');
  const action = useAction();
  const create = () => {
    const clean = name.trim().replace(/\/+$/, '');
    if (!clean) return;
    void action
      .run(() => s3('PUT', bucket, `${prefix}${clean}/`, { region, body: '' }))
      .then((ok) => {
        if (ok) {
          setName('');
          onCreated();
        }
      });
  };
  return (
    <form
      class="s3-create-folder"
      onSubmit={(e) => {
        e.preventDefault();
        create();
      }}
    >
      <Field label="Folder name">
        <input value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" />
      </Field>
      <Button type="submit" disabled={action.busy || name.trim().replace(/\/+$/, '') === ''}>
        Create folder
      </Button>
      <ErrorBox error={action.error} />
    </form>
  );
}
