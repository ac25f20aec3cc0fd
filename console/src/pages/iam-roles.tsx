import { useState } from 'preact/hooks';
import { iam, iamAll, str, type SessionInfo, type Xml } from '../api.js';
import { navigate } from '../router.js';
import {
  Button,
  ErrorBox,
  Field,
  FormActions,
  Loaded,
  PageHeader,
  Table,
  Tabs,
  formatDate,
  useAction,
  useAsync,
} from '../ui.js';
import { PolicyEditor, conditionLines, statementsOf } from './iam-policy-editor.js';
import {
  BoundaryPanel,
  CreateFooter,
  Crumbs,
  DeleteEntityDialog,
  DetailHeader,
  ListPage,
  PermissionsPanel,
  PolicyPicker,
  Summary,
  decodeDoc,
  linkColumn,
  pretty,
  removePolicies,
  useSteps,
} from './iam-shared.js';

/** IAM roles: list, create (trust policy editor), the role's page with its trust relationships. */

interface Trusted {
  readonly type: string;
  readonly principal: string;
  readonly conditions: string[];
}

/** The principals of a trust policy's Allow statements, with their conditions. */
export function trustedEntities(text: string): Trusted[] {
  const out: Trusted[] = [];
  for (const s of statementsOf(text) ?? []) {
    if (s.Effect !== 'Allow') continue;
    const conditions = conditionLines(s.Condition);
    const p = s.Principal;
    if (p === '*') {
      out.push({ type: 'Anyone', principal: '*', conditions });
      continue;
    }
    if (!p || typeof p !== 'object' || Array.isArray(p)) continue;
    for (const [kind, v] of Object.entries(p)) {
      for (const x of (Array.isArray(v) ? v : [v]).map(String)) {
        let type = kind;
        if (kind === 'AWS')
          type =
            /^\d{12}$/.test(x) || x.endsWith(':root')
              ? 'AWS account'
              : x.includes(':user/')
                ? 'IAM user'
                : x.includes(':role/') || x.includes(':assumed-role/')
                  ? 'IAM role'
                  : x === '*'
                    ? 'Anyone'
                    : 'AWS';
        else if (kind === 'Service') type = 'AWS service';
        else if (kind === 'Federated') type = 'Federated';
        out.push({ type, principal: x, conditions });
      }
    }
  }
  return out;
}

function trustSummary(doc: string): string {
  const t = trustedEntities(decodeDoc(doc));
  if (t.length === 0) return '—';
  return t
    .map((e) =>
      e.type === 'AWS account'
        ? `Account: ${e.principal.replace(/^arn:aws:iam::(\d+):root$/, '$1')}`
        : e.type === 'AWS service'
          ? `Service: ${e.principal}`
          : `${e.type}: ${e.principal}`,
    )
    .join(', ');
}

export function RolesList() {
  const state = useAsync(async () => {
    const roles = await iamAll('ListRoles', 'Roles');
    return Promise.all(
      roles.map(async (r) => {
        const full = (await iam('GetRole', { RoleName: str(r.RoleName) }).catch(() => ({ Role: r }))).Role as Xml;
        return full;
      }),
    );
  }, []);
  return (
    <ListPage
      title="Roles"
      section="roles"
      createLabel="Create role"
      state={state}
      what="roles"
      label="Roles"
      empty="No roles."
      search={{ label: 'Find roles', placeholder: 'Role name', name: (r) => str(r.RoleName) }}
      columns={[
        linkColumn<Xml>('Role name', 'roles', (r) => str(r.RoleName)),
        { title: 'Trusted entities', render: (r) => trustSummary(str(r.AssumeRolePolicyDocument)) },
        { title: 'Created', render: (r) => formatDate(str(r.CreateDate)) },
        {
          title: 'Last activity',
          render: (r) => {
            const d = str((r.RoleLastUsed as Xml | undefined)?.LastUsedDate);
            return d ? formatDate(d) : 'Never';
          },
        },
      ]}
    />
  );
}

function defaultTrust(accountId: string): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' }],
    },
    null,
    2,
  );
}

/** Adds or removes the MFA condition on every Allow statement (when the text parses). */
function withMfa(text: string, on: boolean): string {
  try {
    const doc = JSON.parse(text) as { Statement?: unknown };
    const list = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
    for (const s of list as Record<string, unknown>[]) {
      if (s.Effect !== 'Allow') continue;
      const cond = (s.Condition ?? {}) as Record<string, Record<string, unknown>>;
      if (on) {
        cond.Bool = { ...(cond.Bool ?? {}), 'aws:MultiFactorAuthPresent': 'true' };
        s.Condition = cond;
      } else if (cond.Bool) {
        delete cond.Bool['aws:MultiFactorAuthPresent'];
        if (Object.keys(cond.Bool).length === 0) delete cond.Bool;
        if (Object.keys(cond).length === 0) delete s.Condition;
      }
    }
    return JSON.stringify(doc, null, 2);
  } catch {
    return text;
  }
}

export function CreateRole({ session }: { session: SessionInfo }) {
  const [name, setName] = useState('');
  const [trust, setTrust] = useState(() => defaultTrust(session.accountId));
  const [mfa, setMfa] = useState(false);
  const [description, setDescription] = useState('');
  const [duration, setDuration] = useState('3600');
  const [policies, setPolicies] = useState<Set<string>>(new Set());
  const steps = useSteps();
  const act = useAction();
  const create = () =>
    void act
      .run(async () => {
        const step = steps.begin();
        await iam('CreateRole', {
          RoleName: name,
          AssumeRolePolicyDocument: trust,
          Description: description || undefined,
          MaxSessionDuration: duration || undefined,
        });
        step(`Created role ${name}`);
        for (const p of policies) {
          await iam('AttachRolePolicy', { RoleName: name, PolicyArn: p });
          step(`Attached ${p}`);
        }
      })
      .then((ok) => ok && navigate('iam', 'roles', name));
  return (
    <>
      <Crumbs section="roles" title="Roles">
        Create role
      </Crumbs>
      <PageHeader title="Create role" />
      <section class="panel">
        <h2>Role details</h2>
        <Field label="Role name" hint="Up to 64 characters: letters, digits and + = , . @ _ -">
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} autocomplete="off" />
        </Field>
        <Field label="Description">
          <input value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </Field>
        <Field label="Maximum session duration (seconds)" hint="3600 to 43200">
          <input
            type="number"
            min={3600}
            max={43200}
            value={duration}
            onInput={(e) => setDuration(e.currentTarget.value)}
          />
        </Field>
      </section>
      <section class="panel">
        <h2>Trusted entities</h2>
        <label class="check">
          <input
            type="checkbox"
            checked={mfa}
            onChange={(e) => {
              setMfa(e.currentTarget.checked);
              setTrust(withMfa(trust, e.currentTarget.checked));
            }}
          />
          <span>Require MFA</span>
        </label>
        <PolicyEditor label="Trust policy" value={trust} onChange={setTrust} summary={false} />
        <WhoCanAssume text={trust} />
      </section>
      <section class="panel">
        <h2>Add permissions</h2>
        <PolicyPicker selected={policies} onChange={setPolicies} />
      </section>
      <CreateFooter
        section="roles"
        label="Create role"
        act={act}
        done={steps.done}
        disabled={name.trim() === ''}
        onCreate={create}
      />
    </>
  );
}

function WhoCanAssume({ text }: { text: string }) {
  const rows = trustedEntities(text);
  return (
    <section class="panel" aria-label="Who can assume this role">
      <h2>Who can assume this role</h2>
      <Table
        label="Who can assume this role"
        empty="No principal is allowed to assume this role."
        rows={rows}
        columns={[
          { title: 'Type', render: (r) => r.type },
          { title: 'Principal', render: (r) => <code>{r.principal}</code> },
          {
            title: 'Conditions',
            render: (r) => (r.conditions.length ? r.conditions.map((c) => <div>{c}</div>) : 'None'),
          },
        ]}
      />
    </section>
  );
}

export function RoleDetail({ name }: { name: string }) {
  const state = useAsync(async () => (await iam('GetRole', { RoleName: name })).Role as Xml, [name]);
  const [tab, setTab] = useState<'permissions' | 'trust'>('permissions');
  const [editing, setEditing] = useState<string | undefined>();
  const [deleting, setDeleting] = useState(false);
  const act = useAction();
  return (
    <>
      <DetailHeader
        section="roles"
        sectionTitle="Roles"
        name={name}
        deleteLabel="Delete role"
        onDelete={() => (act.clear(), setDeleting(true))}
      />
      <Loaded state={state} what="the role">
        {(role) => {
          const trust = pretty(str(role.AssumeRolePolicyDocument));
          const lastUsed = role.RoleLastUsed as Xml | undefined;
          return (
            <>
              <Summary
                items={[
                  ['ARN', str(role.Arn)],
                  ['Created', formatDate(str(role.CreateDate))],
                  [
                    'Last activity',
                    str(lastUsed?.LastUsedDate)
                      ? `${formatDate(str(lastUsed?.LastUsedDate))} (${str(lastUsed?.Region)})`
                      : 'Never',
                  ],
                  [
                    'Maximum session duration',
                    str(role.MaxSessionDuration) ? `${Number(str(role.MaxSessionDuration)) / 3600} hour(s)` : '1 hour',
                  ],
                  ['Description', str(role.Description) || '—'],
                ]}
              />
              <Tabs
                tabs={[
                  ['permissions', 'Permissions'],
                  ['trust', 'Trust relationships'],
                ]}
                current={tab}
                onSelect={setTab}
              />
              {tab === 'permissions' && (
                <>
                  <PermissionsPanel kind="role" name={name} />
                  <BoundaryPanel
                    kind="role"
                    name={name}
                    boundaryArn={str((role.PermissionsBoundary as Xml | undefined)?.PermissionsBoundaryArn)}
                    onChanged={state.reload}
                  />
                </>
              )}
              {tab === 'trust' && (
                <>
                  <section class="panel">
                    <h2>
                      Trusted entities
                      {editing === undefined && (
                        <Button onClick={() => (act.clear(), setEditing(trust))}>Edit trust policy</Button>
                      )}
                    </h2>
                    {editing === undefined ? (
                      <pre class="doc">{trust}</pre>
                    ) : (
                      <>
                        <PolicyEditor label="Trust policy" value={editing} onChange={setEditing} summary={false} />
                        <ErrorBox error={act.error} />
                        <FormActions
                          onCancel={() => setEditing(undefined)}
                          onSubmit={() =>
                            void act
                              .run(() => iam('UpdateAssumeRolePolicy', { RoleName: name, PolicyDocument: editing }))
                              .then((ok) => {
                                if (ok) {
                                  setEditing(undefined);
                                  state.reload();
                                }
                              })
                          }
                          busy={act.busy}
                          label="Update policy"
                          busyLabel="Updating…"
                        />
                      </>
                    )}
                  </section>
                  <WhoCanAssume text={editing ?? trust} />
                </>
              )}
            </>
          );
        }}
      </Loaded>
      {deleting && (
        <DeleteEntityDialog
          name={name}
          section="roles"
          act={act}
          remove={async () => {
            for (const ip of await iamAll('ListInstanceProfilesForRole', 'InstanceProfiles', { RoleName: name }))
              await iam('RemoveRoleFromInstanceProfile', {
                RoleName: name,
                InstanceProfileName: str(ip.InstanceProfileName),
              });
            await removePolicies('role', name);
            await iam('DeleteRole', { RoleName: name });
          }}
          onCancel={() => setDeleting(false)}
        >
          The role is removed from its instance profiles and its policies detached or deleted, then the role is deleted.
          Sessions already issued keep working until they expire.
        </DeleteEntityDialog>
      )}
    </>
  );
}
