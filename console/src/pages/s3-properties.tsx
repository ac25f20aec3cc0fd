/**
 * A bucket's Properties tab: Bucket Versioning, Default encryption, Tags, Object Lock, Server access
 * logging, Static website hosting and Lifecycle rules — each a panel that reads the configuration and
 * saves it with the matching Put (or Delete).
 */
import { useEffect, useState } from 'preact/hooks';
import { s3, str, type Xml } from '../api.js';
import { Badge, Button, Field, Loaded, LoadedTable, Table, useAsync } from '../ui.js';
import { EnabledBadge, SaveBar, TagsPanel, useSave } from './s3-shared.js';
import { S3_NS, doc, el, getSub, obj, orNone, sendXml, tagsOf, type Tag } from './s3-xml.js';

interface P {
  readonly bucket: string;
  readonly region: string;
}

export function PropertiesTab(p: P) {
  return (
    <>
      <Overview {...p} />
      <Versioning {...p} />
      <Encryption {...p} />
      <BucketTags {...p} />
      <ObjectLock {...p} />
      <Logging {...p} />
      <Website {...p} />
      <Lifecycle {...p} />
    </>
  );
}

function Overview({ bucket, region }: P) {
  return (
    <section class="panel">
      <h2>Bucket overview</h2>
      <dl class="kv grid">
        <div>
          <dt>AWS Region</dt>
          <dd>{region}</dd>
        </div>
        <div>
          <dt>Amazon Resource Name (ARN)</dt>
          <dd>
            <code>arn:aws:s3:::{bucket}</code>
          </dd>
        </div>
      </dl>
    </section>
  );
}

function Versioning({ bucket, region }: P) {
  const state = useAsync(() => getSub(bucket, 'versioning', region), [bucket, region]);
  const action = useSave(state);
  const set = (status: 'Enabled' | 'Suspended') =>
    action.save(
      () =>
        sendXml('PUT', bucket, '', { versioning: '' }, doc('VersioningConfiguration', el('Status', status)), region),
      '',
    );
  return (
    <section class="panel">
      <h2>Bucket Versioning</h2>
      <Loaded state={state} what="versioning">
        {(x) => {
          const status = str(x.Status);
          return (
            <>
              <dl class="kv">
                <dt>Bucket Versioning</dt>
                <dd data-testid="versioning-status">
                  {status === 'Enabled' ? (
                    <Badge kind="good">Enabled</Badge>
                  ) : status === 'Suspended' ? (
                    <Badge kind="warn">Suspended</Badge>
                  ) : (
                    <Badge kind="neutral">Disabled</Badge>
                  )}
                </dd>
                {str(x.MfaDelete) && (
                  <>
                    <dt>Multi-factor authentication (MFA) delete</dt>
                    <dd>{str(x.MfaDelete)}</dd>
                  </>
                )}
              </dl>
              <SaveBar save={action}>
                {status === 'Enabled' ? (
                  <Button onClick={() => set('Suspended')} disabled={action.busy}>
                    Suspend versioning
                  </Button>
                ) : (
                  <Button kind="primary" onClick={() => set('Enabled')} disabled={action.busy}>
                    Enable versioning
                  </Button>
                )}
              </SaveBar>
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

function Encryption({ bucket, region }: P) {
  const state = useAsync(
    () => orNone(getSub(bucket, 'encryption', region), ['ServerSideEncryptionConfigurationNotFoundError'], {} as Xml),
    [bucket, region],
  );
  const [type, setType] = useState('AES256');
  const [keyArn, setKeyArn] = useState('');
  const [bucketKey, setBucketKey] = useState(false);
  const action = useSave(state);
  const rule = obj(state.data?.Rule);
  const def = obj(rule.ApplyServerSideEncryptionByDefault);
  useEffect(() => {
    if (!state.data) return;
    setType(str(def.SSEAlgorithm) || 'AES256');
    setKeyArn(str(def.KMSMasterKeyID));
    setBucketKey(str(rule.BucketKeyEnabled) === 'true');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.data]);
  const save = () =>
    action.save(() => {
      const inner =
        el('SSEAlgorithm', type) + (type !== 'AES256' && keyArn.trim() ? el('KMSMasterKeyID', keyArn.trim()) : '');
      const body = doc(
        'ServerSideEncryptionConfiguration',
        `<Rule><ApplyServerSideEncryptionByDefault>${inner}</ApplyServerSideEncryptionByDefault>${type !== 'AES256' ? el('BucketKeyEnabled', String(bucketKey)) : ''}</Rule>`,
      );
      return sendXml('PUT', bucket, '', { encryption: '' }, body, region);
    }, 'Default encryption saved.');
  const alg = str(def.SSEAlgorithm);
  return (
    <section class="panel">
      <h2>Default encryption</h2>
      <Loaded state={state} what="default encryption">
        {() => (
          <>
            <dl class="kv grid">
              <div>
                <dt>Encryption type</dt>
                <dd data-testid="encryption-type">
                  {alg === 'AES256'
                    ? 'Server-side encryption with Amazon S3 managed keys (SSE-S3)'
                    : alg === 'aws:kms'
                      ? 'Server-side encryption with AWS KMS keys (SSE-KMS)'
                      : alg || 'None'}
                </dd>
              </div>
              {str(def.KMSMasterKeyID) && (
                <div>
                  <dt>KMS key</dt>
                  <dd>
                    <code>{str(def.KMSMasterKeyID)}</code>
                  </dd>
                </div>
              )}
              {alg === 'aws:kms' && (
                <div>
                  <dt>Bucket Key</dt>
                  <dd>{str(rule.BucketKeyEnabled) === 'true' ? 'Enabled' : 'Disabled'}</dd>
                </div>
              )}
            </dl>
            <h3>Edit default encryption</h3>
            <Field label="Encryption type">
              <select value={type} onChange={(e) => setType(e.currentTarget.value)}>
                <option value="AES256">SSE-S3 (AES256)</option>
                <option value="aws:kms">SSE-KMS (aws:kms)</option>
              </select>
            </Field>
            {type === 'aws:kms' && (
              <>
                <Field label="KMS key ARN">
                  <input
                    value={keyArn}
                    onInput={(e) => setKeyArn(e.currentTarget.value)}
                    placeholder="arn:aws:kms:region:account:key/…"
                  />
                </Field>
                <p class="s3-hint">Empty: the AWS managed key aws/s3.</p>
                <label class="check">
                  <input type="checkbox" checked={bucketKey} onChange={(e) => setBucketKey(e.currentTarget.checked)} />
                  <span>Bucket Key</span>
                </label>
              </>
            )}
            <SaveBar save={action}>
              <Button kind="primary" onClick={save} disabled={action.busy}>
                Save encryption
              </Button>
            </SaveBar>
          </>
        )}
      </Loaded>
    </section>
  );
}

function BucketTags({ bucket, region }: P) {
  return (
    <TagsPanel
      bucket={bucket}
      objectKey=""
      region={region}
      load={async () => tagsOf((await orNone(getSub(bucket, 'tagging', region), ['NoSuchTagSet'], {} as Xml)).TagSet)}
      intro={(tags) => (
        <>
          <Table<Tag>
            label="Bucket tags"
            empty="No tags."
            rows={tags}
            columns={[
              { title: 'Key', render: (t) => t.key },
              { title: 'Value', render: (t) => t.value },
            ]}
          />
          <h3>Edit tags</h3>
        </>
      )}
    />
  );
}

function ObjectLock({ bucket, region }: P) {
  const state = useAsync(
    () => orNone(getSub(bucket, 'object-lock', region), ['ObjectLockConfigurationNotFoundError'], {} as Xml),
    [bucket, region],
  );
  const [mode, setMode] = useState('');
  const [days, setDays] = useState('');
  const action = useSave(state);
  const retention = obj(obj(state.data?.Rule).DefaultRetention);
  useEffect(() => {
    if (!state.data) return;
    setMode(str(retention.Mode));
    setDays(str(retention.Days) || (str(retention.Years) ? String(Number(str(retention.Years)) * 365) : ''));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.data]);
  const save = () =>
    action.save(() => {
      const rule = mode
        ? `<Rule><DefaultRetention>${el('Mode', mode)}${el('Days', days.trim())}</DefaultRetention></Rule>`
        : '';
      return sendXml(
        'PUT',
        bucket,
        '',
        { 'object-lock': '' },
        doc('ObjectLockConfiguration', el('ObjectLockEnabled', 'Enabled') + rule),
        region,
      );
    }, 'Default retention saved.');
  return (
    <section class="panel">
      <h2>Object Lock</h2>
      <Loaded state={state} what="Object Lock">
        {(x) => {
          const enabled = str(x.ObjectLockEnabled) === 'Enabled';
          return (
            <>
              <dl class="kv grid">
                <div>
                  <dt>Object Lock</dt>
                  <dd data-testid="object-lock-status">
                    <EnabledBadge on={enabled} />
                  </dd>
                </div>
                {enabled && (
                  <div>
                    <dt>Default retention</dt>
                    <dd>
                      {str(retention.Mode)
                        ? `${str(retention.Mode)}, ${str(retention.Days) ? `${str(retention.Days)} days` : `${str(retention.Years)} years`}`
                        : 'Disabled'}
                    </dd>
                  </div>
                )}
              </dl>
              {!enabled && <p class="s3-muted">Object Lock can only be enabled when the bucket is created.</p>}
              {enabled && (
                <>
                  <h3>Edit default retention</h3>
                  <Field label="Default retention mode">
                    <select value={mode} onChange={(e) => setMode(e.currentTarget.value)}>
                      <option value="">None (no default retention)</option>
                      <option value="GOVERNANCE">Governance</option>
                      <option value="COMPLIANCE">Compliance</option>
                    </select>
                  </Field>
                  {mode && (
                    <Field label="Default retention days">
                      <input type="number" min={1} value={days} onInput={(e) => setDays(e.currentTarget.value)} />
                    </Field>
                  )}
                  <SaveBar save={action}>
                    <Button kind="primary" onClick={save} disabled={action.busy}>
                      Save default retention
                    </Button>
                  </SaveBar>
                </>
              )}
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

function Logging({ bucket, region }: P) {
  const state = useAsync(() => getSub(bucket, 'logging', region), [bucket, region]);
  const [target, setTarget] = useState('');
  const [prefix, setPrefix] = useState('');
  const action = useSave(state);
  const le = obj(state.data?.LoggingEnabled);
  useEffect(() => {
    if (!state.data) return;
    setTarget(str(le.TargetBucket));
    setPrefix(str(le.TargetPrefix));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.data]);
  const put = (enable: boolean) =>
    action.save(
      () => {
        const inner = enable
          ? `<LoggingEnabled>${el('TargetBucket', target.trim())}${el('TargetPrefix', prefix)}</LoggingEnabled>`
          : '';
        return sendXml('PUT', bucket, '', { logging: '' }, doc('BucketLoggingStatus', inner), region);
      },
      enable ? 'Server access logging saved.' : 'Server access logging disabled.',
    );
  const on = str(le.TargetBucket) !== '';
  return (
    <section class="panel">
      <h2>Server access logging</h2>
      <Loaded state={state} what="server access logging">
        {() => (
          <>
            <dl class="kv grid">
              <div>
                <dt>Server access logging</dt>
                <dd>
                  <EnabledBadge on={on} />
                </dd>
              </div>
              {on && (
                <div>
                  <dt>Destination</dt>
                  <dd>
                    <code>
                      s3://{str(le.TargetBucket)}/{str(le.TargetPrefix)}
                    </code>
                  </dd>
                </div>
              )}
            </dl>
            <Field label="Target bucket">
              <input value={target} onInput={(e) => setTarget(e.currentTarget.value)} />
            </Field>
            <Field label="Target prefix">
              <input value={prefix} onInput={(e) => setPrefix(e.currentTarget.value)} placeholder="logs/" />
            </Field>
            <SaveBar save={action}>
              <Button kind="primary" onClick={() => put(true)} disabled={action.busy || target.trim() === ''}>
                Save logging
              </Button>
              {on && (
                <Button onClick={() => put(false)} disabled={action.busy}>
                  Disable logging
                </Button>
              )}
            </SaveBar>
          </>
        )}
      </Loaded>
    </section>
  );
}

function Website({ bucket, region }: P) {
  const state = useAsync(
    () =>
      orNone(getSub(bucket, 'website', region), ['NoSuchWebsiteConfiguration'], undefined as Xml | undefined).then(
        (x) => ({ x }),
      ),
    [bucket, region],
  );
  const [index, setIndex] = useState('index.html');
  const [error, setError] = useState('');
  const action = useSave(state);
  const cfg = state.data?.x;
  useEffect(() => {
    if (!cfg) return;
    setIndex(str(obj(cfg.IndexDocument).Suffix) || 'index.html');
    setError(str(obj(cfg.ErrorDocument).Key));
  }, [cfg]);
  const save = () =>
    action.save(() => {
      const body = doc(
        'WebsiteConfiguration',
        `<IndexDocument>${el('Suffix', index.trim())}</IndexDocument>` +
          (error.trim() ? `<ErrorDocument>${el('Key', error.trim())}</ErrorDocument>` : ''),
      );
      return sendXml('PUT', bucket, '', { website: '' }, body, region);
    }, 'Static website hosting saved.');
  const disable = () =>
    action.save(() => s3('DELETE', bucket, '', { region, query: { website: '' } }), 'Static website hosting disabled.');
  return (
    <section class="panel">
      <h2>Static website hosting</h2>
      <Loaded state={state} what="static website hosting">
        {() => (
          <>
            <dl class="kv grid">
              <div>
                <dt>Static website hosting</dt>
                <dd>
                  <EnabledBadge on={Boolean(cfg)} />
                </dd>
              </div>
              {cfg && str(obj(cfg.RedirectAllRequestsTo).HostName) && (
                <div>
                  <dt>Redirect all requests to</dt>
                  <dd>{str(obj(cfg.RedirectAllRequestsTo).HostName)}</dd>
                </div>
              )}
            </dl>
            <Field label="Index document">
              <input value={index} onInput={(e) => setIndex(e.currentTarget.value)} />
            </Field>
            <Field label="Error document">
              <input value={error} onInput={(e) => setError(e.currentTarget.value)} placeholder="error.html" />
            </Field>
            <SaveBar save={action}>
              <Button kind="primary" onClick={save} disabled={action.busy || index.trim() === ''}>
                Save website
              </Button>
              {cfg && (
                <Button onClick={disable} disabled={action.busy}>
                  Disable website
                </Button>
              )}
            </SaveBar>
          </>
        )}
      </Loaded>
    </section>
  );
}

/** The lifecycle configuration as the server answered it (a DOM), so saving keeps every rule as it was. */
async function getLifecycle(bucket: string, region: string): Promise<Element[]> {
  try {
    const res = await s3('GET', bucket, '', { region, query: { lifecycle: '' } });
    const d = new DOMParser().parseFromString(await res.text(), 'application/xml');
    return Array.from(d.documentElement.children).filter((c) => c.localName === 'Rule');
  } catch (e) {
    if (e instanceof Error && 'code' in e && (e as { code: string }).code === 'NoSuchLifecycleConfiguration') return [];
    throw e;
  }
}

function child(e: Element | undefined, ...path: string[]): Element | undefined {
  let cur = e;
  for (const name of path) cur = cur ? Array.from(cur.children).find((c) => c.localName === name) : undefined;
  return cur;
}
const text = (e: Element, ...path: string[]) => child(e, ...path)?.textContent ?? '';

function filterText(rule: Element): string {
  const f = child(rule, 'Filter');
  if (!f) return text(rule, 'Prefix') ? `Prefix: ${text(rule, 'Prefix')}` : 'Entire bucket';
  const parts: string[] = [];
  const scan = (x: Element) => {
    for (const c of Array.from(x.children)) {
      if (c.localName === 'And') scan(c);
      else if (c.localName === 'Prefix') parts.push(`Prefix: ${c.textContent ?? ''}`);
      else if (c.localName === 'Tag') parts.push(`Tag: ${text(c, 'Key')}=${text(c, 'Value')}`);
      else parts.push(`${c.localName}: ${c.textContent ?? ''}`);
    }
  };
  scan(f);
  return parts.filter((p) => p !== 'Prefix: ').join(', ') || 'Entire bucket';
}

async function putLifecycle(bucket: string, region: string, rules: string[]): Promise<void> {
  if (rules.length === 0) {
    await s3('DELETE', bucket, '', { region, query: { lifecycle: '' } });
    return;
  }
  await sendXml('PUT', bucket, '', { lifecycle: '' }, doc('LifecycleConfiguration', rules.join('')), region);
}

function serialize(rule: Element): string {
  // Serialised alone, the rule names S3's namespace itself (the same the document's root has).
  return new XMLSerializer().serializeToString(rule).replace(` xmlns="${S3_NS}"`, '');
}

function Lifecycle({ bucket, region }: P) {
  const state = useAsync(() => getLifecycle(bucket, region), [bucket, region]);
  const [id, setId] = useState('');
  const [prefix, setPrefix] = useState('');
  const [days, setDays] = useState('');
  const [noncurrent, setNoncurrent] = useState('');
  const action = useSave(state);
  const add = () =>
    action.save(
      () => {
        const rules = (state.data ?? []).map(serialize);
        rules.push(
          '<Rule>' +
            el('ID', id.trim()) +
            `<Filter>${el('Prefix', prefix)}</Filter>` +
            el('Status', 'Enabled') +
            (days.trim() ? `<Expiration>${el('Days', days.trim())}</Expiration>` : '') +
            (noncurrent.trim()
              ? `<NoncurrentVersionExpiration>${el('NoncurrentDays', noncurrent.trim())}</NoncurrentVersionExpiration>`
              : '') +
            '</Rule>',
        );
        return putLifecycle(bucket, region, rules);
      },
      `Lifecycle rule ${id.trim()} added.`,
      () => {
        setId('');
        setPrefix('');
        setDays('');
        setNoncurrent('');
      },
    );
  const remove = (rule: Element) =>
    action.save(
      () => putLifecycle(bucket, region, (state.data ?? []).filter((r) => r !== rule).map(serialize)),
      `Lifecycle rule ${text(rule, 'ID')} deleted.`,
    );
  return (
    <section class="panel">
      <h2>Lifecycle rules</h2>
      <LoadedTable<Element>
        state={state}
        what="lifecycle rules"
        label="Lifecycle rules"
        empty="No lifecycle rules."
        columns={[
          { title: 'Rule name', render: (r) => text(r, 'ID') || '—' },
          {
            title: 'Status',
            render: (r) =>
              text(r, 'Status') === 'Enabled' ? (
                <Badge kind="good">Enabled</Badge>
              ) : (
                <Badge kind="neutral">{text(r, 'Status')}</Badge>
              ),
          },
          { title: 'Scope', render: (r) => filterText(r) },
          {
            title: 'Expire current versions',
            render: (r) =>
              text(r, 'Expiration', 'Days')
                ? `${text(r, 'Expiration', 'Days')} days`
                : text(r, 'Expiration', 'Date') ||
                  (text(r, 'Expiration', 'ExpiredObjectDeleteMarker') === 'true' ? 'Expired delete markers' : '—'),
          },
          {
            title: 'Delete noncurrent versions',
            render: (r) =>
              text(r, 'NoncurrentVersionExpiration', 'NoncurrentDays')
                ? `${text(r, 'NoncurrentVersionExpiration', 'NoncurrentDays')} days`
                : '—',
          },
          {
            title: 'Actions',
            render: (r) => (
              <Button
                kind="danger"
                aria-label={`Delete rule ${text(r, 'ID')}`}
                disabled={action.busy}
                onClick={() => remove(r)}
              >
                Delete
              </Button>
            ),
          },
        ]}
      />
      <h3>Add a lifecycle rule</h3>
      <p class="s3-hint">An empty prefix applies the rule to every object in the bucket.</p>
      <div class="grid">
        <Field label="Rule name">
          <input value={id} onInput={(e) => setId(e.currentTarget.value)} />
        </Field>
        <Field label="Prefix">
          <input value={prefix} onInput={(e) => setPrefix(e.currentTarget.value)} placeholder="logs/" />
        </Field>
        <Field label="Expire current versions after (days)">
          <input type="number" min={1} value={days} onInput={(e) => setDays(e.currentTarget.value)} />
        </Field>
        <Field label="Permanently delete noncurrent versions after (days)">
          <input type="number" min={1} value={noncurrent} onInput={(e) => setNoncurrent(e.currentTarget.value)} />
        </Field>
      </div>
      <SaveBar save={action}>
        <Button
          kind="primary"
          onClick={add}
          disabled={action.busy || id.trim() === '' || (days.trim() === '' && noncurrent.trim() === '')}
        >
          Add rule
        </Button>
      </SaveBar>
    </section>
  );
}
