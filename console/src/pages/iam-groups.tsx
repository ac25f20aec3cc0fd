import { useState } from 'preact/hooks';
import { iam, iamAll, str, type Xml } from '../api.js';
import { navigate } from '../router.js';
import { Field, Loaded, PageHeader, Tabs, formatDate, useAction, useAsync } from '../ui.js';
import {
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
  linkColumn,
  removePolicies,
  useSteps,
} from './iam-shared.js';
import { Findings, usePolicyFindings } from './iam-policy-editor.js';

/** IAM user groups: list, create, the group's page. */

interface GroupRow {
  readonly group: Xml;
  readonly users: number;
  readonly policies: number;
}

export function GroupsList() {
  const state = useAsync(async (): Promise<GroupRow[]> => {
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
    <ListPage
      title="User groups"
      section="groups"
      createLabel="Create group"
      state={state}
      what="user groups"
      label="User groups"
      empty="No user groups."
      columns={[
        linkColumn<GroupRow>('Group name', 'groups', (r) => str(r.group.GroupName)),
        { title: 'Users', render: (r) => String(r.users) },
        {
          title: 'Permissions',
          render: (r) => (r.policies ? `${r.policies} ${r.policies === 1 ? 'policy' : 'policies'}` : 'Not defined'),
        },
        { title: 'Created', render: (r) => formatDate(str(r.group.CreateDate)) },
      ]}
    />
  );
}

export function CreateGroup() {
  const [name, setName] = useState('');
  const [users, setUsers] = useState<Set<string>>(new Set());
  const [policies, setPolicies] = useState<Set<string>>(new Set());
  const [inline, setInline] = useState('');
  const [inlineName, setInlineName] = useState<string | undefined>();
  const steps = useSteps();
  const userList = useAsync(() => iamAll('ListUsers', 'Users'), []);
  const findings = usePolicyFindings(inline.trim() === '' ? '{}' : inline);
  const act = useAction();
  const policyName = inlineName ?? (name ? `${name}-policy` : '');
  const create = () =>
    void act
      .run(async () => {
        const step = steps.begin();
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
      <Crumbs section="groups" title="User groups">
        Create user group
      </Crumbs>
      <PageHeader title="Create user group" />
      <section class="panel">
        <h2>Name the group</h2>
        <Field label="User group name" hint="Up to 128 characters: letters, digits and + = , . @ _ -">
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} autocomplete="off" />
        </Field>
      </section>
      <PickNamesPanel
        title="Add users to the group"
        state={userList}
        what="users"
        nameOf={(u) => str(u.UserName)}
        selected={users}
        onChange={setUsers}
        empty="There are no users."
      />
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
      <CreateFooter
        section="groups"
        label="Create user group"
        act={act}
        done={steps.done}
        disabled={name.trim() === ''}
        onCreate={create}
      />
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
      <DetailHeader
        section="groups"
        sectionTitle="User groups"
        name={name}
        deleteLabel="Delete group"
        onDelete={() => (del.clear(), setDeleting(true))}
      />
      <Loaded state={state} what="the group">
        {(g) => (
          <>
            <Summary
              items={[
                ['ARN', str(g.Arn)],
                ['Created', formatDate(str(g.CreateDate))],
              ]}
            />
            <Tabs
              tabs={[
                ['users', 'Users'],
                ['permissions', 'Permissions'],
              ]}
              current={tab}
              onSelect={setTab}
            />
            {tab === 'users' && <MembershipPanel of="group" name={name} />}
            {tab === 'permissions' && <PermissionsPanel kind="group" name={name} />}
          </>
        )}
      </Loaded>
      {deleting && (
        <DeleteEntityDialog
          name={name}
          section="groups"
          act={del}
          remove={async () => {
            for (const u of await iamAll('GetGroup', 'Users', { GroupName: name }))
              await iam('RemoveUserFromGroup', { GroupName: name, UserName: str(u.UserName) });
            await removePolicies('group', name);
            await iam('DeleteGroup', { GroupName: name });
          }}
          onCancel={() => setDeleting(false)}
        >
          The group's users are removed from it and its policies detached or deleted, then the group is deleted. This
          cannot be undone.
        </DeleteEntityDialog>
      )}
    </>
  );
}
