import { useState } from 'preact/hooks';
import { iam, iamAll, str, type Xml } from '../api.js';
import type { SessionInfo } from '../api.js';
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
  download,
  formatDate,
  useAction,
  useAsync,
} from '../ui.js';
import { AccessAdvisor, SecurityCredentials } from './iam-user-credentials.js';
import {
  BoundaryPanel,
  NamePicker,
  PermissionsPanel,
  PolicyPicker,
  ageDays,
  ignoreMissing,
  removePolicies,
} from './iam-shared.js';

/** IAM users: list, the "Create user" flow, and the user's page. */

interface UserRow {
  readonly user: Xml;
  readonly groups: string[];
  readonly keyAge: string;
}

export function UsersList() {
  const state = useAsync(async (): Promise<UserRow[]> => {
    const users = await iamAll('ListUsers', 'Users');
    return Promise.all(
      users.map(async (u) => {
        const name = str(u.UserName);
        const [groups, keys] = await Promise.all([
          iamAll('ListGroupsForUser', 'Groups', { UserName: name }),
          iamAll('ListAccessKeys', 'AccessKeyMetadata', { UserName: name }),
        ]);
        const active = keys
          .filter((k) => str(k.Status) === 'Active')
          .map((k) => str(k.CreateDate))
          .sort();
        return {
          user: u,
          groups: groups.map((g) => str(g.GroupName)),
          keyAge: active.length ? ageDays(active[0]!) : '—',
        };
      }),
    );
  }, []);
  const [filter, setFilter] = useState('');
  return (
    <>
      <PageHeader title="Users">
        <Button onClick={state.reload}>Refresh</Button>
        <Button kind="primary" onClick={() => navigate('iam', 'users', 'create')}>
          Create user
        </Button>
      </PageHeader>
      <section class="panel">
        <Field label="Find users">
          <input
            type="search"
            value={filter}
            onInput={(e) => setFilter(e.currentTarget.value)}
            placeholder="User name"
          />
        </Field>
        <Loaded state={state} what="users">
          {(rows) => (
            <Table
              label="Users"
              empty="No users."
              rows={rows.filter((r) => str(r.user.UserName).toLowerCase().includes(filter.trim().toLowerCase()))}
              columns={[
                {
                  title: 'User name',
                  render: (r) => <a href={link('iam', 'users', str(r.user.UserName))}>{str(r.user.UserName)}</a>,
                },
                { title: 'Groups', render: (r) => (r.groups.length ? r.groups.join(', ') : 'None') },
                { title: 'Active key age', render: (r) => r.keyAge },
                {
                  title: 'Password last used',
                  render: (r) => (str(r.user.PasswordLastUsed) ? formatDate(str(r.user.PasswordLastUsed)) : 'Never'),
                },
                { title: 'Created', render: (r) => formatDate(str(r.user.CreateDate)) },
              ]}
            />
          )}
        </Loaded>
      </section>
    </>
  );
}

interface Created {
  readonly user: string;
  readonly key?: { id: string; secret: string };
  readonly console: boolean;
}

export function accessKeysCsv(id: string, secret: string): string {
  return `Access key ID,Secret access key\n${id},${secret}\n`;
}

export function CreateUser({ session }: { session: SessionInfo }) {
  const [name, setName] = useState('');
  const [consoleAccess, setConsoleAccess] = useState(false);
  const [password, setPassword] = useState('');
  const [reset, setReset] = useState(true);
  const [accessKey, setAccessKey] = useState(false);
  const [groups, setGroups] = useState<Set<string>>(new Set());
  const [policies, setPolicies] = useState<Set<string>>(new Set());
  const [done, setDone] = useState<string[]>([]);
  const [created, setCreated] = useState<Created | undefined>();
  const groupList = useAsync(() => iamAll('ListGroups', 'Groups'), []);
  const act = useAction();

  const create = () =>
    void act.run(async () => {
      const steps: string[] = [];
      const step = (s: string) => {
        steps.push(s);
        setDone([...steps]);
      };
      setDone([]);
      await iam('CreateUser', { UserName: name });
      step(`Created user ${name}`);
      if (consoleAccess) {
        await iam('CreateLoginProfile', { UserName: name, Password: password, PasswordResetRequired: String(reset) });
        step('Enabled console access');
      }
      for (const g of groups) {
        await iam('AddUserToGroup', { UserName: name, GroupName: g });
        step(`Added to group ${g}`);
      }
      for (const p of policies) {
        await iam('AttachUserPolicy', { UserName: name, PolicyArn: p });
        step(`Attached ${p}`);
      }
      let key: Created['key'];
      if (accessKey) {
        const r = await iam('CreateAccessKey', { UserName: name });
        const k = r.AccessKey as Xml;
        key = { id: str(k.AccessKeyId), secret: str(k.SecretAccessKey) };
        step('Created access key');
      }
      setCreated({ user: name, key, console: consoleAccess });
    });

  if (created) {
    return (
      <>
        <div class="breadcrumbs">
          <a href={link('iam', 'users')}>Users</a> › Create user
        </div>
        <PageHeader title={`User ${created.user} created`}>
          <Button kind="primary" onClick={() => navigate('iam', 'users', created.user)}>
            View user
          </Button>
        </PageHeader>
        {created.key && (
          <section class="panel">
            <h2>Retrieve access keys</h2>
            <p class="alert warning">
              This is the only time that the secret access key can be viewed or downloaded. You cannot recover it later.
              However, you can create a new access key any time.
            </p>
            <KeyDetails id={created.key.id} secret={created.key.secret} />
            <Button
              kind="primary"
              onClick={() =>
                download(`${created.user}_accessKeys.csv`, accessKeysCsv(created.key!.id, created.key!.secret))
              }
            >
              Download .csv file
            </Button>
          </section>
        )}
        {created.console && (
          <section class="panel">
            <h2>Console sign-in details</h2>
            <dl class="kv">
              <dt>Console sign-in</dt>
              <dd>
                {location.origin}/ — account {session.accountId}, user name {created.user}
              </dd>
              <dt>Account ID</dt>
              <dd>{session.accountId}</dd>
              <dt>User name</dt>
              <dd>{created.user}</dd>
            </dl>
          </section>
        )}
      </>
    );
  }

  return (
    <>
      <div class="breadcrumbs">
        <a href={link('iam', 'users')}>Users</a> › Create user
      </div>
      <PageHeader title="Create user" />
      <section class="panel">
        <h2>User details</h2>
        <Field label="User name" hint="Up to 64 characters: letters, digits and + = , . @ _ -">
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} autocomplete="off" />
        </Field>
        <label class="check">
          <input type="checkbox" checked={consoleAccess} onChange={(e) => setConsoleAccess(e.currentTarget.checked)} />
          <span>Provide user access to the console</span>
        </label>
        {consoleAccess && (
          <div class="indent">
            <Field label="Console password">
              <input
                type="password"
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
                autocomplete="new-password"
              />
            </Field>
            <label class="check">
              <input type="checkbox" checked={reset} onChange={(e) => setReset(e.currentTarget.checked)} />
              <span>User must create a new password at next sign-in</span>
            </label>
          </div>
        )}
        <label class="check">
          <input type="checkbox" checked={accessKey} onChange={(e) => setAccessKey(e.currentTarget.checked)} />
          <span>Create an access key (programmatic access)</span>
        </label>
      </section>
      <section class="panel">
        <h2>Add user to groups</h2>
        <Loaded state={groupList} what="groups">
          {(gs) => (
            <NamePicker
              names={gs.map((g) => str(g.GroupName))}
              selected={groups}
              onChange={setGroups}
              empty="There are no user groups."
            />
          )}
        </Loaded>
      </section>
      <section class="panel">
        <h2>Attach policies directly</h2>
        <PolicyPicker selected={policies} onChange={setPolicies} />
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
        <Button onClick={() => navigate('iam', 'users')}>Cancel</Button>
        <Button kind="primary" disabled={act.busy || name.trim() === ''} onClick={create}>
          {act.busy ? 'Creating…' : 'Create user'}
        </Button>
      </div>
    </>
  );
}

export function KeyDetails({ id, secret }: { id: string; secret: string }) {
  return (
    <dl class="kv">
      <dt>Access key ID</dt>
      <dd>
        <code data-testid="access-key-id">{id}</code>
      </dd>
      <dt>Secret access key</dt>
      <dd>
        <code data-testid="secret-access-key">{secret}</code>
      </dd>
    </dl>
  );
}

type UserTab = 'permissions' | 'groups' | 'credentials' | 'advisor';

export function UserDetail({ name }: { name: string }) {
  const state = useAsync(async () => {
    const [u, login] = await Promise.all([
      iam('GetUser', { UserName: name }),
      ignoreMissing(() => iam('GetLoginProfile', { UserName: name })),
    ]);
    return { user: u.User as Xml, login: login?.LoginProfile as Xml | undefined };
  }, [name]);
  const [tab, setTab] = useState<UserTab>('permissions');
  const [deleting, setDeleting] = useState(false);
  const del = useAction();
  return (
    <>
      <div class="breadcrumbs">
        <a href={link('iam', 'users')}>Users</a> › {name}
      </div>
      <PageHeader title={name}>
        <Button kind="danger" onClick={() => (del.clear(), setDeleting(true))}>
          Delete user
        </Button>
      </PageHeader>
      <Loaded state={state} what="the user">
        {({ user, login }) => (
          <>
            <section class="panel">
              <h2>Summary</h2>
              <dl class="kv grid">
                <div>
                  <dt>ARN</dt>
                  <dd>{str(user.Arn)}</dd>
                </div>
                <div>
                  <dt>Created</dt>
                  <dd>{formatDate(str(user.CreateDate))}</dd>
                </div>
                <div>
                  <dt>Console access</dt>
                  <dd>
                    {login
                      ? str(login.PasswordResetRequired) === 'true'
                        ? 'Enabled (password reset required)'
                        : 'Enabled'
                      : 'Disabled'}
                  </dd>
                </div>
                <div>
                  <dt>Last console sign-in</dt>
                  <dd>{str(user.PasswordLastUsed) ? formatDate(str(user.PasswordLastUsed)) : 'Never'}</dd>
                </div>
              </dl>
            </section>
            <Tabs
              tabs={[
                ['permissions', 'Permissions'],
                ['groups', 'Groups'],
                ['credentials', 'Security credentials'],
                ['advisor', 'Access Advisor'],
              ]}
              current={tab}
              onSelect={setTab}
            />
            {tab === 'permissions' && (
              <>
                <PermissionsPanel kind="user" name={name} />
                <BoundaryPanel
                  kind="user"
                  name={name}
                  boundaryArn={str((user.PermissionsBoundary as Xml | undefined)?.PermissionsBoundaryArn)}
                  onChanged={state.reload}
                />
              </>
            )}
            {tab === 'groups' && <UserGroups name={name} />}
            {tab === 'credentials' && (
              <SecurityCredentials name={name} consoleEnabled={login !== undefined} onChanged={state.reload} />
            )}
            {tab === 'advisor' && <AccessAdvisor arn={str(user.Arn)} />}
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
              .run(() => deleteUser(name))
              .then((ok) => {
                if (ok) navigate('iam', 'users');
              })
          }
          onCancel={() => setDeleting(false)}
        >
          <p>
            The user's console password, access keys, MFA devices, group memberships and policies are removed first,
            then the user is deleted. This cannot be undone.
          </p>
        </Dialog>
      )}
    </>
  );
}

/** What the AWS console does: remove every dependent resource, then DeleteUser. */
export async function deleteUser(name: string): Promise<void> {
  const u = { UserName: name };
  await ignoreMissing(() => iam('DeleteLoginProfile', u));
  for (const k of await iamAll('ListAccessKeys', 'AccessKeyMetadata', u))
    await iam('DeleteAccessKey', { ...u, AccessKeyId: str(k.AccessKeyId) });
  for (const d of await iamAll('ListMFADevices', 'MFADevices', u)) {
    const serial = str(d.SerialNumber);
    await iam('DeactivateMFADevice', { ...u, SerialNumber: serial });
    if (serial.includes(':mfa/')) await ignoreMissing(() => iam('DeleteVirtualMFADevice', { SerialNumber: serial }));
  }
  for (const g of await iamAll('ListGroupsForUser', 'Groups', u))
    await iam('RemoveUserFromGroup', { ...u, GroupName: str(g.GroupName) });
  await removePolicies('user', name);
  await iam('DeleteUser', u);
}

function UserGroups({ name }: { name: string }) {
  const state = useAsync(async () => {
    const [mine, all] = await Promise.all([
      iamAll('ListGroupsForUser', 'Groups', { UserName: name }),
      iamAll('ListGroups', 'Groups'),
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
        User groups membership
        <Button kind="primary" onClick={() => (act.clear(), setChosen(new Set()), setAdding(true))}>
          Add user to groups
        </Button>
      </h2>
      <Loaded state={state} what="groups">
        {({ mine, all }) => (
          <>
            <Table
              label="Groups"
              empty="This user is not in any group."
              rows={mine}
              columns={[
                {
                  title: 'Group name',
                  render: (g) => <a href={link('iam', 'groups', str(g.GroupName))}>{str(g.GroupName)}</a>,
                },
                { title: 'Created', render: (g) => formatDate(str(g.CreateDate)) },
                {
                  title: 'Actions',
                  render: (g) => (
                    <Button
                      kind="danger"
                      aria-label={`Remove from ${str(g.GroupName)}`}
                      onClick={() => (act.clear(), setRemoving(str(g.GroupName)))}
                    >
                      Remove
                    </Button>
                  ),
                },
              ]}
            />
            {adding && (
              <Dialog
                title="Add user to groups"
                confirmLabel="Add to groups"
                busy={act.busy}
                error={act.error}
                onConfirm={() =>
                  void act
                    .run(async () => {
                      for (const g of chosen) await iam('AddUserToGroup', { UserName: name, GroupName: g });
                    })
                    .then((ok) => {
                      if (ok) setAdding(false);
                      state.reload();
                    })
                }
                onCancel={() => setAdding(false)}
              >
                <NamePicker
                  names={all.map((g) => str(g.GroupName)).filter((g) => !mine.some((m) => str(m.GroupName) === g))}
                  selected={chosen}
                  onChange={setChosen}
                  empty="There are no other groups."
                />
              </Dialog>
            )}
          </>
        )}
      </Loaded>
      {removing && (
        <Dialog
          title={`Remove ${name} from ${removing}?`}
          confirmLabel="Remove"
          danger
          busy={act.busy}
          error={act.error}
          onConfirm={() =>
            void act
              .run(() => iam('RemoveUserFromGroup', { UserName: name, GroupName: removing }))
              .then((ok) => {
                if (ok) setRemoving(undefined);
                state.reload();
              })
          }
          onCancel={() => setRemoving(undefined)}
        >
          <p>The user loses the permissions the group grants.</p>
        </Dialog>
      )}
    </section>
  );
}
