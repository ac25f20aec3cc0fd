/**
 * A bucket's Permissions tab: Block public access (bucket settings), the bucket policy (with its
 * public/not public status and live IAM Access Analyzer validation), Object Ownership and the ACL.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { restJson, s3, str, type Xml } from '../api.js';
import { Badge, Button, Dialog, ErrorBox, Field, Loaded, LoadedTable, useAction, useAsync } from '../ui.js';
import { SaveBar, useDraft, useSave } from './s3-shared.js';
import { doc, el, getSub, obj, orNone, sendXml } from './s3-xml.js';

interface P {
  readonly bucket: string;
  readonly region: string;
}

export function PermissionsTab(p: P) {
  return (
    <>
      <BlockPublicAccess {...p} />
      <BucketPolicy {...p} />
      <Ownership {...p} />
      <Acl {...p} />
    </>
  );
}

const BPA: readonly [keyof Flags, string][] = [
  ['BlockPublicAcls', 'Block public access to buckets and objects granted through new access control lists (ACLs)'],
  ['IgnorePublicAcls', 'Block public access to buckets and objects granted through any access control lists (ACLs)'],
  [
    'BlockPublicPolicy',
    'Block public access to buckets and objects granted through new public bucket or access point policies',
  ],
  [
    'RestrictPublicBuckets',
    'Block public and cross-account access to buckets and objects through any public bucket or access point policies',
  ],
];

interface Flags {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
}
const NONE: Flags = {
  BlockPublicAcls: false,
  IgnorePublicAcls: false,
  BlockPublicPolicy: false,
  RestrictPublicBuckets: false,
};

function BlockPublicAccess({ bucket, region }: P) {
  const state = useAsync(async () => {
    const x = await orNone(
      getSub(bucket, 'publicAccessBlock', region),
      ['NoSuchPublicAccessBlockConfiguration'],
      {} as Xml,
    );
    const f = { ...NONE };
    for (const [k] of BPA) f[k] = str(x[k]) === 'true';
    return f;
  }, [bucket, region]);
  const [draft, setDraft] = useDraft<Flags>(state, NONE);
  const action = useSave(state);
  const all = BPA.every(([k]) => draft[k]);
  const some = BPA.some(([k]) => draft[k]);
  const master = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (master.current) master.current.indeterminate = some && !all;
  });
  const save = () =>
    action.save(() => {
      const body = doc('PublicAccessBlockConfiguration', BPA.map(([k]) => el(k, String(draft[k]))).join(''));
      return sendXml('PUT', bucket, '', { publicAccessBlock: '' }, body, region);
    }, 'Block public access settings saved.');
  return (
    <section class="panel">
      <h2>Block public access (bucket settings)</h2>
      <Loaded state={state} what="block public access">
        {(current) => (
          <>
            <p class="s3-muted">
              Currently:{' '}
              {BPA.every(([k]) => current[k]) ? (
                <Badge kind="good">On</Badge>
              ) : BPA.some(([k]) => current[k]) ? (
                <Badge kind="warn">Partly on</Badge>
              ) : (
                <Badge kind="bad">Off</Badge>
              )}
            </p>
            <label class="check s3-master">
              <input
                ref={master}
                type="checkbox"
                checked={all}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  setDraft({
                    BlockPublicAcls: on,
                    IgnorePublicAcls: on,
                    BlockPublicPolicy: on,
                    RestrictPublicBuckets: on,
                  });
                }}
              />
              <span>
                <strong>Block all public access</strong>
              </span>
            </label>
            <div class="s3-bpa-items">
              {BPA.map(([k, label]) => (
                <label class="check">
                  <input
                    type="checkbox"
                    checked={draft[k]}
                    onChange={(e) => setDraft({ ...draft, [k]: e.currentTarget.checked })}
                  />
                  <span>{label}</span>
                </label>
              ))}
            </div>
            <SaveBar save={action}>
              <Button kind="primary" onClick={save} disabled={action.busy}>
                Save block public access
              </Button>
            </SaveBar>
          </>
        )}
      </Loaded>
    </section>
  );
}

interface Finding {
  findingType: string;
  issueCode: string;
  findingDetails: string;
  locations?: { path?: unknown; span?: { start?: { line?: number; column?: number } } }[];
}

function BucketPolicy({ bucket, region }: P) {
  const policy = useAsync(async () => {
    try {
      const text = await (await s3('GET', bucket, '', { region, query: { policy: '' } })).text();
      try {
        return JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        return text;
      }
    } catch (e) {
      if (e instanceof Error && 'code' in e && (e as { code: string }).code === 'NoSuchBucketPolicy') return '';
      throw e;
    }
  }, [bucket, region]);
  const status = useAsync(
    async () =>
      str((await orNone(getSub(bucket, 'policyStatus', region), ['NoSuchBucketPolicy'], {} as Xml)).IsPublic) ===
      'true',
    [bucket, region],
  );
  const [text, setText] = useState('');
  const [findings, setFindings] = useState<Finding[] | undefined>();
  const [validationError, setValidationError] = useState<unknown>();
  const [deleting, setDeleting] = useState(false);
  const action = useSave(policy, status);
  const del = useAction();
  useEffect(() => {
    if (policy.data !== undefined) setText(policy.data);
  }, [policy.data]);
  // Live validation (IAM Access Analyzer ValidatePolicy), debounced.
  useEffect(() => {
    if (text.trim() === '') {
      setFindings(undefined);
      setValidationError(undefined);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      restJson<{ findings?: Finding[] }>('access-analyzer', 'POST', '/policy/validation', {
        policyDocument: text,
        policyType: 'RESOURCE_POLICY',
        validatePolicyResourceType: 'AWS::S3::Bucket',
      }).then(
        (r) => {
          if (!live) return;
          setFindings(r.findings ?? []);
          setValidationError(undefined);
        },
        (e: unknown) => live && setValidationError(e),
      );
    }, 500);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [text]);
  const save = () =>
    action.save(
      () =>
        s3('PUT', bucket, '', {
          region,
          query: { policy: '' },
          body: text,
          headers: { 'content-type': 'application/json' },
        }),
      'Bucket policy saved.',
    );
  const arn = `arn:aws:s3:::${bucket}`;
  return (
    <section class="panel">
      <h2>
        <span>Bucket policy</span>
        <span data-testid="policy-status">
          {status.data === true && <Badge kind="bad">Public</Badge>}
          {status.data === false && <Badge kind="good">Not public</Badge>}
        </span>
      </h2>
      <ErrorBox error={status.error} />
      <p>
        Bucket ARN: <code class="s3-arn">{arn}</code>{' '}
        <Button class="link" onClick={() => void navigator.clipboard?.writeText(arn)} aria-label="Copy bucket ARN">
          Copy
        </Button>
      </p>
      <Loaded state={policy} what="the bucket policy">
        {() => (
          <>
            <Field label="Bucket policy">
              <textarea class="code" spellcheck={false} value={text} onInput={(e) => setText(e.currentTarget.value)} />
            </Field>
            <ErrorBox error={validationError} />
            {findings && (
              <ul class="findings" aria-label="Policy validation">
                {findings.length === 0 && <li class="s3-none">No findings: the policy is valid.</li>}
                {findings.map((f) => {
                  const start = f.locations?.[0]?.span?.start;
                  return (
                    <li class={f.findingType}>
                      {start?.line !== undefined ? `Line ${start.line}: ` : ''}
                      {f.findingType} {f.issueCode} — {f.findingDetails}
                    </li>
                  );
                })}
              </ul>
            )}
            <SaveBar save={action}>
              <Button kind="primary" onClick={save} disabled={action.busy || text.trim() === ''}>
                Save bucket policy
              </Button>
              <Button kind="danger" onClick={() => setDeleting(true)} disabled={policy.data === ''}>
                Delete bucket policy
              </Button>
            </SaveBar>
          </>
        )}
      </Loaded>
      {deleting && (
        <Dialog
          title="Delete bucket policy"
          confirmLabel="Delete"
          danger
          busy={del.busy}
          error={del.error}
          onCancel={() => setDeleting(false)}
          onConfirm={() =>
            void del
              .run(() => s3('DELETE', bucket, '', { region, query: { policy: '' } }))
              .then((ok) => {
                if (ok) {
                  setDeleting(false);
                  action.setSaved('Bucket policy deleted.');
                  policy.reload();
                  status.reload();
                }
              })
          }
        >
          <p>
            Delete the bucket policy of <strong>{bucket}</strong>? Access it granted ends now.
          </p>
        </Dialog>
      )}
    </section>
  );
}

const OWNERSHIP: readonly [string, string][] = [
  ['BucketOwnerEnforced', 'Bucket owner enforced (ACLs disabled)'],
  ['BucketOwnerPreferred', 'Bucket owner preferred (ACLs enabled)'],
  ['ObjectWriter', 'Object writer (ACLs enabled)'],
];

function Ownership({ bucket, region }: P) {
  const state = useAsync(
    async () =>
      str(
        obj(
          obj(
            (await orNone(getSub(bucket, 'ownershipControls', region), ['OwnershipControlsNotFoundError'], {} as Xml))
              .Rule,
          ),
        ).ObjectOwnership,
      ),
    [bucket, region],
  );
  const [value, setValue] = useState('BucketOwnerEnforced');
  const action = useSave(state);
  useEffect(() => {
    if (state.data !== undefined) setValue(state.data || 'ObjectWriter');
  }, [state.data]);
  const save = () =>
    action.save(
      () =>
        sendXml(
          'PUT',
          bucket,
          '',
          { ownershipControls: '' },
          doc('OwnershipControls', `<Rule>${el('ObjectOwnership', value)}</Rule>`),
          region,
        ),
      'Object Ownership saved.',
    );
  return (
    <section class="panel">
      <h2>Object Ownership</h2>
      <Loaded state={state} what="Object Ownership">
        {(current) => (
          <>
            <p>
              Current:{' '}
              <strong>{OWNERSHIP.find(([k]) => k === current)?.[1] ?? 'Not set (Object writer, ACLs enabled)'}</strong>
            </p>
            <Field label="Object Ownership">
              <select value={value} onChange={(e) => setValue(e.currentTarget.value)}>
                {OWNERSHIP.map(([k, t]) => (
                  <option value={k}>{t}</option>
                ))}
              </select>
            </Field>
            <SaveBar save={action}>
              <Button kind="primary" onClick={save} disabled={action.busy}>
                Save object ownership
              </Button>
            </SaveBar>
          </>
        )}
      </Loaded>
    </section>
  );
}

interface Grant {
  grantee: string;
  type: string;
  permission: string;
}

function Acl({ bucket, region }: P) {
  const state = useAsync(async () => {
    const res = await s3('GET', bucket, '', { region, query: { acl: '' } });
    const d = new DOMParser().parseFromString(await res.text(), 'application/xml');
    const grants: Grant[] = [];
    for (const g of Array.from(d.getElementsByTagNameNS('*', 'Grant'))) {
      const grantee = g.getElementsByTagNameNS('*', 'Grantee')[0];
      const t = (n: string) => grantee?.getElementsByTagNameNS('*', n)[0]?.textContent ?? '';
      const type =
        grantee?.getAttributeNS('http://www.w3.org/2001/XMLSchema-instance', 'type') ??
        grantee?.getAttribute('xsi:type') ??
        '';
      const uri = t('URI');
      const who = uri.endsWith('/AllUsers')
        ? 'Everyone (public access)'
        : uri.endsWith('/AuthenticatedUsers')
          ? 'Authenticated users group (anyone with an AWS account)'
          : uri.endsWith('/LogDelivery')
            ? 'S3 log delivery group'
            : t('DisplayName') || t('ID') || t('EmailAddress') || uri;
      grants.push({
        grantee: who,
        type,
        permission: g.getElementsByTagNameNS('*', 'Permission')[0]?.textContent ?? '',
      });
    }
    return grants;
  }, [bucket, region]);
  return (
    <section class="panel">
      <h2>Access control list (ACL)</h2>
      <LoadedTable<Grant>
        state={state}
        what="the ACL"
        label="Access control list"
        empty="No grants."
        columns={[
          { title: 'Grantee', render: (g) => g.grantee },
          { title: 'Type', render: (g) => g.type || '—' },
          { title: 'Permission', render: (g) => g.permission },
        ]}
      />
    </section>
  );
}
