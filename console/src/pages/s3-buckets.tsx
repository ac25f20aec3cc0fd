/** `#/s3/buckets`: the bucket list, Create bucket, and Delete bucket (with Empty bucket when needed). */
import { useEffect, useState } from 'preact/hooks';
import { call, many, parseXml, s3, str, type SessionInfo } from '../api.js';
import { link } from '../router.js';
import {
  Badge,
  Button,
  Dialog,
  ErrorBox,
  Field,
  Loaded,
  Notice,
  PageHeader,
  Table,
  formatDate,
  useAction,
  useAsync,
} from '../ui.js';
import { bucketHasObjects, emptyBucket } from './s3-delete.js';
import { locationOf } from './s3-bucket.js';
import { doc, el, sendXml } from './s3-xml.js';

export interface BucketRow {
  readonly name: string;
  readonly region: string;
  readonly created: string;
}

/**
 * ListBuckets, every page. S3 answers each bucket's BucketRegion only when the request has a parameter,
 * so `max-buckets` is always sent; a bucket without it gets its region from GetBucketLocation.
 */
export async function listBuckets(): Promise<BucketRow[]> {
  const rows: BucketRow[] = [];
  let token: string | undefined;
  do {
    const x = await parseXml(await call('s3', '/', { query: { 'max-buckets': '10000', 'continuation-token': token } }));
    const buckets = many(typeof x.Buckets === 'object' && !Array.isArray(x.Buckets) ? x.Buckets.Bucket : undefined);
    for (const b of buckets)
      rows.push({ name: str(b.Name), region: str(b.BucketRegion), created: str(b.CreationDate) });
    token = str(x.ContinuationToken) || undefined;
  } while (token);
  const resolved = await Promise.all(
    rows.map(async (r) => (r.region ? r : { ...r, region: await locationOf(r.name) })),
  );
  return resolved.sort((a, b) => a.name.localeCompare(b.name));
}

export function BucketsPage({ session }: { session: SessionInfo }) {
  const state = useAsync(listBuckets, []);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<BucketRow | undefined>();
  const [filter, setFilter] = useState('');
  const [done, setDone] = useState('');
  return (
    <>
      <PageHeader title="Buckets">
        <Button onClick={() => state.reload()} aria-label="Refresh buckets" disabled={state.loading}>
          ↻
        </Button>
        <Button kind="primary" onClick={() => setCreating(true)}>
          Create bucket
        </Button>
      </PageHeader>
      {done && <Notice kind="success">{done}</Notice>}
      <section class="panel">
        <h2>
          <span>General purpose buckets {state.data && <span class="s3-count">({state.data.length})</span>}</span>
        </h2>
        <Field label="Find buckets by name">
          <input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        </Field>
        <Loaded state={state} what="buckets">
          {(rows) => (
            <Table
              label="Buckets"
              empty={rows.length ? 'No bucket matches.' : 'You have no buckets yet.'}
              rows={rows.filter((r) => r.name.includes(filter.trim()))}
              columns={[
                { title: 'Name', render: (b) => <a href={link('s3', 'buckets', b.name)}>{b.name}</a> },
                { title: 'AWS Region', render: (b) => b.region },
                { title: 'Creation date', render: (b) => formatDate(b.created) },
                {
                  title: 'Actions',
                  render: (b) => (
                    <Button kind="danger" aria-label={`Delete bucket ${b.name}`} onClick={() => setDeleting(b)}>
                      Delete
                    </Button>
                  ),
                },
              ]}
            />
          )}
        </Loaded>
      </section>
      {creating && (
        <CreateBucketDialog
          session={session}
          onCancel={() => setCreating(false)}
          onCreated={(name) => {
            setCreating(false);
            setDone(`Bucket ${name} created.`);
            state.reload();
          }}
        />
      )}
      {deleting && (
        <DeleteBucketDialog
          bucket={deleting}
          onCancel={() => setDeleting(undefined)}
          onDeleted={() => {
            setDone(`Bucket ${deleting.name} deleted.`);
            setDeleting(undefined);
            state.reload();
          }}
        />
      )}
    </>
  );
}

function CreateBucketDialog({
  session,
  onCancel,
  onCreated,
}: {
  session: SessionInfo;
  onCancel: () => void;
  onCreated: (name: string) => void;
}) {
  const [name, setName] = useState('');
  const [region, setRegion] = useState(session.region);
  const [versioning, setVersioning] = useState(false);
  const [objectLock, setObjectLock] = useState(false);
  const action = useAction();
  const create = () =>
    void action
      .run(async () => {
        const headers: Record<string, string> = {};
        if (objectLock) headers['x-amz-bucket-object-lock-enabled'] = 'true';
        const body =
          region === 'us-east-1' ? undefined : doc('CreateBucketConfiguration', el('LocationConstraint', region));
        if (body) headers['content-type'] = 'application/xml';
        await s3('PUT', name.trim(), '', { region, headers, body });
        if (versioning && !objectLock) {
          await sendXml(
            'PUT',
            name.trim(),
            '',
            { versioning: '' },
            doc('VersioningConfiguration', el('Status', 'Enabled')),
            region,
          );
        }
      })
      .then((ok) => ok && onCreated(name.trim()));
  return (
    <Dialog
      title="Create bucket"
      confirmLabel="Create bucket"
      busy={action.busy}
      error={action.error}
      onCancel={onCancel}
      onConfirm={create}
    >
      <Field label="Bucket name">
        <input
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          autoComplete="off"
          spellcheck={false}
          aria-describedby="s3-bucket-name-hint"
        />
      </Field>
      <p class="s3-hint" id="s3-bucket-name-hint">
        3–63 characters: lowercase letters, numbers, dots and hyphens; unique across all accounts.
      </p>
      <Field label="AWS Region">
        <select value={region} onChange={(e) => setRegion(e.currentTarget.value)}>
          {session.regions.map((r) => (
            <option value={r}>{r}</option>
          ))}
        </select>
      </Field>
      <label class="check">
        <input
          type="checkbox"
          checked={versioning || objectLock}
          disabled={objectLock}
          onChange={(e) => setVersioning(e.currentTarget.checked)}
        />
        <span>Enable Bucket Versioning</span>
      </label>
      <label class="check">
        <input type="checkbox" checked={objectLock} onChange={(e) => setObjectLock(e.currentTarget.checked)} />
        <span>Enable Object Lock</span>
      </label>
      {objectLock && (
        <Notice kind="warning">
          Object Lock also enables versioning, permanently: locked object versions cannot be deleted until their
          retention ends.
        </Notice>
      )}
    </Dialog>
  );
}

function DeleteBucketDialog({
  bucket,
  onCancel,
  onDeleted,
}: {
  bucket: BucketRow;
  onCancel: () => void;
  onDeleted: () => void;
}) {
  const [mode, setMode] = useState<'delete' | 'empty'>('delete');
  const [emptied, setEmptied] = useState<number | undefined>();
  const [progress, setProgress] = useState(0);
  const check = useAsync(() => bucketHasObjects(bucket.name, bucket.region), [bucket.name, emptied]);
  const del = useAction();
  const empty = useAction();
  useEffect(() => setProgress(0), [mode]);
  if (mode === 'empty') {
    return (
      <Dialog
        title="Empty bucket"
        confirmLabel="Empty"
        danger
        confirmText="permanently delete"
        busy={empty.busy}
        error={empty.error}
        onCancel={() => setMode('delete')}
        onConfirm={() =>
          void empty
            .run(() => emptyBucket(bucket.name, bucket.region, setProgress).then((n) => setEmptied(n)))
            .then((ok) => ok && setMode('delete'))
        }
      >
        <p>
          Emptying <strong>{bucket.name}</strong> deletes every object in it, every version and every delete marker, and
          aborts unfinished multipart uploads. This cannot be undone.
        </p>
        {empty.busy && <p role="status">Deleted {progress} objects so far…</p>}
      </Dialog>
    );
  }
  return (
    <Dialog
      title="Delete bucket"
      confirmLabel="Delete bucket"
      danger
      confirmText={bucket.name}
      busy={del.busy}
      error={del.error}
      onCancel={onCancel}
      onConfirm={() =>
        void del.run(() => s3('DELETE', bucket.name, '', { region: bucket.region })).then((ok) => ok && onDeleted())
      }
    >
      <p>
        Deleting bucket <strong>{bucket.name}</strong> ({bucket.region}) cannot be undone. Its name becomes available to
        others.
      </p>
      {emptied !== undefined && (
        <Notice kind="success">The bucket was emptied: {emptied} objects and delete markers deleted.</Notice>
      )}
      <ErrorBox error={check.error} />
      {check.data === true && (
        <div class="alert warning s3-not-empty">
          <p>
            <Badge kind="warn">Not empty</Badge> This bucket is not empty. Buckets must be empty before they can be
            deleted.
          </p>
          <Button onClick={() => setMode('empty')}>Empty bucket</Button>
        </div>
      )}
    </Dialog>
  );
}
