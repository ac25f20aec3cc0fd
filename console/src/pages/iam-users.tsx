import { useState } from 'preact/hooks';
import { iam, iamAll, str, type Xml } from '../api.js';
import type { SessionInfo } from '../api.js';
import { navigate } from '../router.js';
import { Button, Field, Loaded, PageHeader, Tabs, download, formatDate, useAction, useAsync } from '../ui.js';
import { AccessAdvisor, SecurityCredentials } from './iam-user-credentials.js';
import {
  BoundaryPanel,
  ConsolePasswordFields,
  CreateFooter,
  Crumbs,
  DeleteEntityDialog,
  DetailHeader,
  ListPage,
  MembershipPanel,
  PickNamesPanel,
  PermissionsPanel,
  PolicyPicker,
  Summary,
  ageDays,
  ignoreMissing,
  linkColumn,
  removePolicies,
  useSteps,
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
  return (
    <ListPage
      title="Users"
      section="users"
      createLabel="Create user"
      state={state}
      what="users"
      label="Users"
      empty="No users."
      search={{ label: 'Find users', placeholder: 'User name', name: (r) => str(r.user.UserName) }}
      columns={[
        linkColumn<UserRow>('User name', 'users', (r) => str(r.user.UserName)),
        { title: 'Groups', render: (r) => (r.groups.length ? r.groups.join(', ') : 'None') },
        { title: 'Active key age', render: (r) => r.keyAge },
        {
          title: 'Password last used',
          render: (r) => (str(r.user.PasswordLastUsed) ? formatDate(str(r.user.PasswordLastUsed)) : 'Never'),
        },
        { title: 'Created', render: (r) => formatDate(str(r.user.CreateDate)) },
      ]}
    />
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
  const steps = useSteps();
  const [created, setCreated] = useState<Created | undefined>();
  const groupList = useAsync(() => iamAll('ListGroups', 'Groups'), []);
  const act = useAction();

  const create = () =>
    void act.run(async () => {
      const step = steps.begin();
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
        <Crumbs section="users" title="Users">
          Create user
        </Crumbs>
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
      <Crumbs section="users" title="Users">
        Create user
      </Crumbs>
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
            <ConsolePasswordFields password={password} onPassword={setPassword} reset={reset} onReset={setReset} />
          </div>
        )}
        <label class="check">
          <input type="checkbox" checked={accessKey} onChange={(e) => setAccessKey(e.currentTarget.checked)} />
          <span>Create an access key (programmatic access)</span>
        </label>
      </section>
      <PickNamesPanel
        title="Add user to groups"
        state={groupList}
        what="groups"
        nameOf={(g) => str(g.GroupName)}
        selected={groups}
        onChange={setGroups}
        empty="There are no user groups."
      />
      <section class="panel">
        <h2>Attach policies directly</h2>
        <PolicyPicker selected={policies} onChange={setPolicies} />
      </section>
      <CreateFooter
        section="users"
        label="Create user"
        act={act}
        done={steps.done}
        disabled={name.trim() === ''}
        onCreate={create}
      />
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
      <DetailHeader
        section="users"
        sectionTitle="Users"
        name={name}
        deleteLabel="Delete user"
        onDelete={() => (del.clear(), setDeleting(true))}
      />
      <Loaded state={state} what="the user">
        {({ user, login }) => (
          <>
            <Summary
              items={[
                ['ARN', str(user.Arn)],
                ['Created', formatDate(str(user.CreateDate))],
                [
                  'Console access',
                  login
                    ? str(login.PasswordResetRequired) === 'true'
                      ? 'Enabled (password reset required)'
                      : 'Enabled'
                    : 'Disabled',
                ],
                ['Last console sign-in', str(user.PasswordLastUsed) ? formatDate(str(user.PasswordLastUsed)) : 'Never'],
              ]}
            />
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
            {tab === 'groups' && <MembershipPanel of="user" name={name} />}
            {tab === 'credentials' && (
              <SecurityCredentials name={name} consoleEnabled={login !== undefined} onChanged={state.reload} />
            )}
            {tab === 'advisor' && <AccessAdvisor arn={str(user.Arn)} />}
          </>
        )}
      </Loaded>
      {deleting && (
        <DeleteEntityDialog
          name={name}
          section="users"
          act={del}
          remove={() => deleteUser(name)}
          onCancel={() => setDeleting(false)}
        >
          The user's console password, access keys, MFA devices, group memberships and policies are removed first, then
          the user is deleted. This cannot be undone.
        </DeleteEntityDialog>
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
