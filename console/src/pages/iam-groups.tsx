import { useState } from 'preact/hooks';
import { iam, iamAll, str, type Xml } from '../api.js';
import { link, navigate } from '../router.js';
import {
  Button,
  Dialog,
  ErrorBox,
  Field,
  Loaded,
  PageHeader,
  Table,
  Tabs,
  formatDate,
  useAction,
  useAsync,
} from '../ui.js';
import { NamePicker, PermissionsPanel, PolicyPicker, removePolicies } from './iam-shared.js';
import { Findings, usePolicyFindings } from './iam-policy-editor.js';

/** IAM user groups: list, create, the group's page. */

export function GroupsList() {
  const state = useAsync(async () => {
    const groups = await iamAll('ListGroups', 'Groups');
    return Promise.all(
      groups.map(async (g) => {
        const name = str(g.GroupName);
        const [users, attached, inline] = await Promise.all([
          iamAll('GetGroup', 'Users', { GroupName: name }),
          iamAll('ListAttachedGroupPolicies', 'AttachedPolicies', { GroupName: name }),
          iamAll('ListGroupPolicies', 'PolicyNames', { GroupName: name }),
        ]);
        return { group: g, users: users.length, policies: attached.length + inline.length };
      }),
    );
  }, []);
  return (
    <>
      <PageHeader title="User groups">
        <Button onClick={state.reload}>Refresh</Button>
        <Button kind="primary" onClick={() => navigate('iam', 'groups', 'create')}>
          Create group
        </Button>
      </PageHeader>
      <section class="panel">
        <Loaded state={state} what="user groups">
          {(rows) => (
            <Table
              label="User groups"
              empty="No user groups."
              rows={rows}
              columns={[
                {
                  title: 'Group name',
                  render: (r) => <a href={link('iam', 'groups', str(r.group.GroupName))}>{str(r.group.GroupName)}</a>,
                },
                { title: 'Users', render: (r) => String(r.users) },
                {
                  title: 'Permissions',
                  render: (r) =>
                    r.policies ? `${r.policies} ${r.policies === 1 ? 'policy' : 'policies'}` : 'Not defined',
                },
                { title: 'Created', render: (r) => formatDate(str(r.group.CreateDate)) },
              ]}
            />
          )}
        </Loaded>
      </section>
    </>
  );
}

export function CreateGroup() {
  const [name, setName] = useState('');
  const [users, setUsers] = useState<Set<string>>(new Set());
  const [policies, setPolicies] = useState<Set<string>>(new Set());
  const [inline, setInline] = useState('');
  const [inlineName, setInlineName] = useState<string | undefined>();
  const [done, setDone] = useState<string[]>([]);
  const userList = useAsync(() => iamAll('ListUsers', 'Users'), []);
  const findings = usePolicyFindings(inline.trim() === '' ? '{}' : inline);
  const act = useAction();
  const policyName = inlineName ?? (name ? `${name}-policy` : '');
  const create = () =>
    void act
      .run(async () => {
        const steps: string[] = [];
        const step = (s: string) => {
          steps.push(s);
          setDone([...steps]);
        };
        setDone([]);
        await iam('CreateGroup', { GroupName: name });
        step(`Created group ${name}`);
        for (const u of users) {
          await iam('AddUserToGroup', { GroupName: name, UserName: u });
          step(`Added ${u}`);
        }
        for (const p of policies) {
          await iam('AttachGroupPolicy', { GroupName: name, PolicyArn: p });
          step(`Attached ${p}`);
        }
        if (inline.trim() !== '') {
          await iam('PutGroupPolicy', { GroupName: name, PolicyName: policyName, PolicyDocument: inline });
          step(`Added inline policy ${policyName}`);
        }
      })
      .then((ok) => ok && navigate('iam', 'groups', name));
  return (
    <>
      <div class="breadcrumbs">
        <a href={link('iam', 'groups')}>User groups</a> › Create user group
      </div>
      <PageHeader title="Create user group" />
      <section class="panel">
        <h2>Name the group</h2>
        <Field label="User group name" hint="Up to 128 characters: letters, digits and + = , . @ _ -">
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} autocomplete="off" />
        </Field>
      </section>
      <section class="panel">
        <h2>Add users to the group</h2>
        <Loaded state={userList} what="users">
          {(us) => (
            <NamePicker
              names={us.map((u) => str(u.UserName))}
              selected={users}
              onChange={setUsers}
              empty="There are no users."
            />
          )}
        </Loaded>
      </section>
      <section class="panel">
        <h2>Attach permissions policies</h2>
        <PolicyPicker selected={policies} onChange={setPolicies} />
      </section>
      <section class="panel">
        <h2>Inline policy</h2>
        <Field label="Inline policy JSON (optional)">
          <textarea
            class="code"
            spellcheck={false}
            value={inline}
            onInput={(e) => setInline(e.currentTarget.value)}
            placeholder='{"Version": "2012-10-17", "Statement": [...]}'
          />
        </Field>
        {inline.trim() !== '' && <Findings {...findings} />}
        <Field label="Inline policy name">
          <input value={policyName} onInput={(e) => setInlineName(e.currentTarget.value)} />
        </Field>
      </section>
      {done.length > 0 && (
        <ul class="steps" aria-label="Completed steps">
          {done.map((d) => (
            <li>✓ {d}</li>
          ))}
        </ul>
      )}
      <ErrorBox error={act.error} />
      <div class="form-actions">
        <Button onClick={() => navigate('iam', 'groups')}>Cancel</Button>
        <Button kind="primary" disabled={act.busy || name.trim() === ''} onClick={create}>
          {act.busy ? 'Creating…' : 'Create user group'}
        </Button>
      </div>
    </>
  );
}

export function GroupDetail({ name }: { name: string }) {
  const state = useAsync(async () => {
    const g = await iam('GetGroup', { GroupName: name });
    return g.Group as Xml;
  }, [name]);
  const [tab, setTab] = useState<'users' | 'permissions'>('users');
  const [deleting, setDeleting] = useState(false);
  const del = useAction();
  return (
    <>
      <div class="breadcrumbs">
        <a href={link('iam', 'groups')}>User groups</a> › {name}
      </div>
      <PageHeader title={name}>
        <Button kind="danger" onClick={() => (del.clear(), setDeleting(true))}>
          Delete group
        </Button>
      </PageHeader>
      <Loaded state={state} what="the group">
        {(g) => (
          <>
            <section class="panel">
              <h2>Summary</h2>
              <dl class="kv grid">
                <div>
                  <dt>ARN</dt>
                  <dd>{str(g.Arn)}</dd>
                </div>
                <div>
                  <dt>Created</dt>
                  <dd>{formatDate(str(g.CreateDate))}</dd>
                </div>
              </dl>
            </section>
            <Tabs
              tabs={[
                ['users', 'Users'],
                ['permissions', 'Permissions'],
              ]}
              current={tab}
              onSelect={setTab}
            />
            {tab === 'users' && <GroupUsers name={name} />}
            {tab === 'permissions' && <PermissionsPanel kind="group" name={name} />}
          </>
        )}
      </Loaded>
      {deleting && (
        <Dialog
          title={`Delete ${name}?`}
          confirmLabel="Delete"
          danger
          confirmText={name}
          busy={del.busy}
          error={del.error}
          onConfirm={() =>
            void del
              .run(async () => {
                for (const u of await iamAll('GetGroup', 'Users', { GroupName: name }))
                  await iam('RemoveUserFromGroup', { GroupName: name, UserName: str(u.UserName) });
                await removePolicies('group', name);
                await iam('DeleteGroup', { GroupName: name });
              })
              .then((ok) => ok && navigate('iam', 'groups'))
          }
          onCancel={() => setDeleting(false)}
        >
          <p>
            The group's users are removed from it and its policies detached or deleted, then the group is deleted. This
            cannot be undone.
          </p>
        </Dialog>
      )}
    </>
  );
}

function GroupUsers({ name }: { name: string }) {
  const state = useAsync(async () => {
    const [mine, all] = await Promise.all([
      iamAll('GetGroup', 'Users', { GroupName: name }),
      iamAll('ListUsers', 'Users'),
    ]);
    return { mine, all };
  }, [name]);
  const [adding, setAdding] = useState(false);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [removing, setRemoving] = useState<string | undefined>();
  const act = useAction();
  return (
    <section class="panel">
      <h2>
        Users in this group
        {!adding && (
          <Button kind="primary" onClick={() => (act.clear(), setChosen(new Set()), setAdding(true))}>
            Add users
          </Button>
        )}
      </h2>
      <Loaded state={state} what="users">
        {({ mine, all }) => (
          <>
            <Table
              label="Users in this group"
              empty="No users in this group."
              rows={mine}
              columns={[
                {
                  title: 'User name',
                  render: (u) => <a href={link('iam', 'users', str(u.UserName))}>{str(u.UserName)}</a>,
                },
                { title: 'Created', render: (u) => formatDate(str(u.CreateDate)) },
                {
                  title: 'Actions',
                  render: (u) => (
                    <Button
                      kind="danger"
                      aria-label={`Remove ${str(u.UserName)}`}
                      onClick={() => (act.clear(), setRemoving(str(u.UserName)))}
                    >
                      Remove
                    </Button>
                  ),
                },
              ]}
            />
            {adding && (
              <Dialog
                title="Add users to the group"
                confirmLabel="Add users"
                busy={act.busy}
                error={act.error}
                onConfirm={() =>
                  void act
                    .run(async () => {
                      for (const u of chosen) await iam('AddUserToGroup', { GroupName: name, UserName: u });
                    })
                    .then((ok) => {
                      if (ok) setAdding(false);
                      state.reload();
                    })
                }
                onCancel={() => setAdding(false)}
              >
                <NamePicker
                  names={all.map((u) => str(u.UserName)).filter((u) => !mine.some((m) => str(m.UserName) === u))}
                  selected={chosen}
                  onChange={setChosen}
                  empty="All users are already in this group."
                />
              </Dialog>
            )}
          </>
        )}
      </Loaded>
      {removing && (
        <Dialog
          title={`Remove ${removing} from ${name}?`}
          confirmLabel="Remove"
          danger
          busy={act.busy}
          error={act.error}
          onConfirm={() =>
            void act
              .run(() => iam('RemoveUserFromGroup', { GroupName: name, UserName: removing }))
              .then((ok) => {
                if (ok) setRemoving(undefined);
                state.reload();
              })
          }
          onCancel={() => setRemoving(undefined)}
        >
          <p>The user loses the permissions this group grants.</p>
        </Dialog>
      )}
    </section>
  );
}
