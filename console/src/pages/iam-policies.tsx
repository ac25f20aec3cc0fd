import { useState } from 'preact/hooks';
import { iam, iamAll, members, str, type Xml } from '../api.js';
import { link, navigate } from '../router.js';
import {
  Badge,
  Button,
  Dialog,
  ErrorBox,
  Field,
  FormActions,
  Loaded,
  LoadedTable,
  PageHeader,
  Table,
  Tabs,
  formatDate,
  useAction,
  useAsync,
} from '../ui.js';
import { EMPTY_POLICY, LineDiff, PolicyEditor, PolicySummary } from './iam-policy-editor.js';
import { CreateFooter, Crumbs, ListPage, linkColumn, pretty } from './iam-shared.js';

/** IAM managed policies: list, create (JSON editor with validation), the policy's page with versions. */

type Scope = 'All' | 'Local' | 'AWS';

export function PoliciesList() {
  const [scope, setScope] = useState<Scope>('Local');
  const state = useAsync(
    () =>
      iamAll('ListPolicies', 'Policies', { Scope: scope }).then((ps) =>
        ps.sort((a, b) => str(a.PolicyName).localeCompare(str(b.PolicyName))),
      ),
    [scope],
  );
  return (
    <ListPage
      title="Policies"
      section="policies"
      createLabel="Create policy"
      state={state}
      what="policies"
      label="Policies"
      empty="No policies."
      filters={
        <Field label="Filter by type">
          <select value={scope} onChange={(e) => setScope(e.currentTarget.value as Scope)}>
            <option value="All">All types</option>
            <option value="Local">Customer managed</option>
            <option value="AWS">AWS managed</option>
          </select>
        </Field>
      }
      search={{ label: 'Filter policies', placeholder: 'Policy name', name: (p) => str(p.PolicyName) }}
      columns={[
        linkColumn<Xml>(
          'Policy name',
          'policies',
          (p) => str(p.Arn),
          (p) => str(p.PolicyName),
        ),
        { title: 'Type', render: (p) => policyType(str(p.Arn)) },
        { title: 'Attached entities', render: (p) => str(p.AttachmentCount) || '0' },
        { title: 'Description', render: (p) => str(p.Description) },
      ]}
    />
  );
}

export function policyType(arn: string): string {
  return arn.includes(':aws:policy/') ? 'AWS managed' : 'Customer managed';
}

export function CreatePolicy() {
  const [doc, setDoc] = useState(EMPTY_POLICY);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const act = useAction();
  const create = () =>
    void act.run(async () => {
      const r = await iam('CreatePolicy', {
        PolicyName: name,
        PolicyDocument: doc,
        Description: description || undefined,
      });
      navigate('iam', 'policies', str((r.Policy as Xml).Arn));
    });
  return (
    <>
      <Crumbs section="policies" title="Policies">
        Create policy
      </Crumbs>
      <PageHeader title="Create policy" />
      <section class="panel">
        <h2>Specify permissions</h2>
        <PolicyEditor value={doc} onChange={setDoc} />
      </section>
      <section class="panel">
        <h2>Policy details</h2>
        <Field label="Policy name">
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} autocomplete="off" />
        </Field>
        <Field label="Description">
          <input value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </Field>
      </section>
      <CreateFooter
        section="policies"
        label="Create policy"
        act={act}
        disabled={name.trim() === ''}
        onCreate={create}
      />
    </>
  );
}

type PolicyTab = 'permissions' | 'versions' | 'entities';

export function PolicyDetail({ arn }: { arn: string }) {
  const state = useAsync(async () => {
    const p = (await iam('GetPolicy', { PolicyArn: arn })).Policy as Xml;
    const v = (await iam('GetPolicyVersion', { PolicyArn: arn, VersionId: str(p.DefaultVersionId) }))
      .PolicyVersion as Xml;
    return { policy: p, document: pretty(str(v.Document)) };
  }, [arn]);
  const [tab, setTab] = useState<PolicyTab>('permissions');
  const [editing, setEditing] = useState<string | undefined>();
  const [deleting, setDeleting] = useState(false);
  const act = useAction();
  const customer = policyType(arn) === 'Customer managed';
  const name = str(state.data?.policy.PolicyName) || arn.replace(/^.*\//, '');
  return (
    <>
      <Crumbs section="policies" title="Policies">
        {name}
      </Crumbs>
      <PageHeader title={name}>
        {customer && state.data && editing === undefined && (
          <Button kind="primary" onClick={() => (act.clear(), setEditing(state.data!.document))}>
            Edit policy
          </Button>
        )}
        {customer && (
          <Button kind="danger" onClick={() => (act.clear(), setDeleting(true))}>
            Delete policy
          </Button>
        )}
      </PageHeader>
      <Loaded state={state} what="the policy">
        {({ policy, document }) => (
          <>
            <section class="panel">
              <h2>Policy details</h2>
              <dl class="kv grid">
                <div>
                  <dt>ARN</dt>
                  <dd>{arn}</dd>
                </div>
                <div>
                  <dt>Type</dt>
                  <dd>{policyType(arn)}</dd>
                </div>
                <div>
                  <dt>Default version</dt>
                  <dd>{str(policy.DefaultVersionId)}</dd>
                </div>
                <div>
                  <dt>Attached entities</dt>
                  <dd>{str(policy.AttachmentCount) || '0'}</dd>
                </div>
                <div>
                  <dt>Created</dt>
                  <dd>{formatDate(str(policy.CreateDate))}</dd>
                </div>
                <div>
                  <dt>Description</dt>
                  <dd>{str(policy.Description) || '—'}</dd>
                </div>
              </dl>
            </section>
            {editing !== undefined ? (
              <section class="panel">
                <h2>Edit policy</h2>
                <PolicyEditor value={editing} onChange={setEditing} />
                <ErrorBox error={act.error} />
                <FormActions
                  onCancel={() => setEditing(undefined)}
                  onSubmit={() =>
                    void act
                      .run(() =>
                        iam('CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: editing, SetAsDefault: 'true' }),
                      )
                      .then((ok) => {
                        if (ok) {
                          setEditing(undefined);
                          state.reload();
                        }
                      })
                  }
                  busy={act.busy}
                  label="Save changes"
                  busyLabel="Saving…"
                />
              </section>
            ) : (
              <>
                <Tabs
                  tabs={[
                    ['permissions', 'Permissions'],
                    ['versions', 'Versions'],
                    ['entities', 'Entities attached'],
                  ]}
                  current={tab}
                  onSelect={setTab}
                />
                {tab === 'permissions' && (
                  <>
                    <section class="panel">
                      <h2>Policy document ({str(policy.DefaultVersionId)})</h2>
                      <pre class="doc">{document}</pre>
                    </section>
                    <PolicySummary text={document} />
                  </>
                )}
                {tab === 'versions' && <Versions arn={arn} customer={customer} onChanged={state.reload} />}
                {tab === 'entities' && <Entities arn={arn} />}
              </>
            )}
          </>
        )}
      </Loaded>
      {deleting && (
        <Dialog
          title={`Delete ${name}?`}
          confirmLabel="Delete"
          danger
          confirmText={name}
          busy={act.busy}
          error={act.error}
          onConfirm={() => void act.run(() => deletePolicy(arn)).then((ok) => ok && navigate('iam', 'policies'))}
          onCancel={() => setDeleting(false)}
        >
          <p>
            The policy is detached from every user, group and role, its other versions are deleted, then the policy is
            deleted. This cannot be undone.
          </p>
        </Dialog>
      )}
    </>
  );
}

async function entitiesOf(arn: string): Promise<{ kind: 'User' | 'Group' | 'Role'; name: string }[]> {
  const out: { kind: 'User' | 'Group' | 'Role'; name: string }[] = [];
  let marker: string | undefined;
  do {
    const r = await iam('ListEntitiesForPolicy', { PolicyArn: arn, Marker: marker });
    for (const u of members(r.PolicyUsers)) out.push({ kind: 'User', name: str(u.UserName) });
    for (const g of members(r.PolicyGroups)) out.push({ kind: 'Group', name: str(g.GroupName) });
    for (const x of members(r.PolicyRoles)) out.push({ kind: 'Role', name: str(x.RoleName) });
    marker = str(r.IsTruncated) === 'true' ? str(r.Marker) : undefined;
  } while (marker);
  return out;
}

async function deletePolicy(arn: string): Promise<void> {
  for (const e of await entitiesOf(arn))
    await iam(`Detach${e.kind}Policy`, { [`${e.kind}Name`]: e.name, PolicyArn: arn });
  for (const v of await iamAll('ListPolicyVersions', 'Versions', { PolicyArn: arn }))
    if (str(v.IsDefaultVersion) !== 'true')
      await iam('DeletePolicyVersion', { PolicyArn: arn, VersionId: str(v.VersionId) });
  await iam('DeletePolicy', { PolicyArn: arn });
}

function Versions({ arn, customer, onChanged }: { arn: string; customer: boolean; onChanged: () => void }) {
  const state = useAsync(() => iamAll('ListPolicyVersions', 'Versions', { PolicyArn: arn }), [arn]);
  const [compare, setCompare] = useState<string[]>([]);
  const [deleting, setDeleting] = useState<string | undefined>();
  const act = useAction();
  const docs = useAsync(async () => {
    if (compare.length !== 2) return undefined;
    const [a, b] = [...compare].sort((x, y) => Number(x.slice(1)) - Number(y.slice(1)));
    const get = async (v: string) =>
      pretty(str(((await iam('GetPolicyVersion', { PolicyArn: arn, VersionId: v })).PolicyVersion as Xml).Document));
    return { a: a!, b: b!, left: await get(a!), right: await get(b!) };
  }, [arn, compare.join(',')]);
  const reload = () => {
    state.reload();
    onChanged();
  };
  return (
    <section class="panel">
      <h2>Policy versions</h2>
      <p class="muted">Select two versions to compare them. A policy keeps at most five versions.</p>
      {!deleting && <ErrorBox error={act.error} />}
      <Loaded state={state} what="versions">
        {(vs) => (
          <Table
            label="Policy versions"
            empty="No versions."
            rows={[...vs].sort((x, y) => Number(str(y.VersionId).slice(1)) - Number(str(x.VersionId).slice(1)))}
            columns={[
              {
                title: 'Compare',
                render: (v) => {
                  const id = str(v.VersionId);
                  return (
                    <label class="check">
                      <input
                        type="checkbox"
                        checked={compare.includes(id)}
                        onChange={(e) =>
                          setCompare(
                            e.currentTarget.checked ? [...compare, id].slice(-2) : compare.filter((c) => c !== id),
                          )
                        }
                      />
                      <span>Compare {id}</span>
                    </label>
                  );
                },
              },
              {
                title: 'Version',
                render: (v) => (
                  <>
                    {str(v.VersionId)} {str(v.IsDefaultVersion) === 'true' && <Badge kind="good">Default</Badge>}
                  </>
                ),
              },
              { title: 'Created', render: (v) => formatDate(str(v.CreateDate)) },
              {
                title: 'Actions',
                render: (v) => {
                  const id = str(v.VersionId);
                  if (!customer || str(v.IsDefaultVersion) === 'true') return null;
                  return (
                    <span class="row-actions">
                      <Button
                        aria-label={`Set ${id} as default`}
                        disabled={act.busy}
                        onClick={() =>
                          void act
                            .run(() => iam('SetDefaultPolicyVersion', { PolicyArn: arn, VersionId: id }))
                            .then(reload)
                        }
                      >
                        Set as default
                      </Button>
                      <Button kind="danger" aria-label={`Delete ${id}`} onClick={() => (act.clear(), setDeleting(id))}>
                        Delete
                      </Button>
                    </span>
                  );
                },
              },
            ]}
          />
        )}
      </Loaded>
      {compare.length === 2 && (
        <div class="compare">
          <Loaded state={docs} what="the versions">
            {(d) => (d ? <LineDiff left={d.left} right={d.right} leftTitle={d.a} rightTitle={d.b} /> : null)}
          </Loaded>
        </div>
      )}
      {deleting && (
        <Dialog
          title={`Delete version ${deleting}?`}
          confirmLabel="Delete"
          danger
          busy={act.busy}
          error={act.error}
          onConfirm={() =>
            void act
              .run(() => iam('DeletePolicyVersion', { PolicyArn: arn, VersionId: deleting }))
              .then((ok) => {
                if (ok) {
                  setDeleting(undefined);
                  setCompare(compare.filter((c) => c !== deleting));
                }
                reload();
              })
          }
          onCancel={() => setDeleting(undefined)}
        >
          <p>Version {deleting} will be deleted permanently.</p>
        </Dialog>
      )}
    </section>
  );
}

function Entities({ arn }: { arn: string }) {
  const state = useAsync(() => entitiesOf(arn), [arn]);
  const page = { User: 'users', Group: 'groups', Role: 'roles' } as const;
  return (
    <section class="panel">
      <h2>Entities attached</h2>
      <LoadedTable
        state={state}
        what="entities"
        label="Entities attached"
        empty="This policy is not attached to any user, group or role."
        columns={[
          { title: 'Entity name', render: (e) => <a href={link('iam', page[e.kind], e.name)}>{e.name}</a> },
          { title: 'Entity type', render: (e) => e.kind },
        ]}
      />
    </section>
  );
}
