import type { SectionProps } from '../main.js';
import { link } from '../router.js';
import { AccountSettings } from './iam-account.js';
import { CreateGroup, GroupDetail, GroupsList } from './iam-groups.js';
import { CreatePolicy, PoliciesList, PolicyDetail } from './iam-policies.js';
import { CreateRole, RoleDetail, RolesList } from './iam-roles.js';
import { Simulator } from './iam-simulator.js';
import { CreateUser, UserDetail, UsersList } from './iam-users.js';

/** The IAM section: routes only (`#/iam/<area>/<name>`); each area lives in its own module. */
export default function Section({ route, session }: SectionProps) {
  const [area = 'users', name] = route;
  switch (area) {
    case 'users':
      if (name === undefined) return <UsersList />;
      if (name === 'create') return <CreateUser key="create-user" session={session} />;
      return <UserDetail key={name} name={name} />;
    case 'groups':
      if (name === undefined) return <GroupsList />;
      if (name === 'create') return <CreateGroup />;
      return <GroupDetail key={name} name={name} />;
    case 'policies':
      if (name === undefined) return <PoliciesList />;
      if (name === 'create') return <CreatePolicy />;
      return <PolicyDetail key={name} arn={name} />;
    case 'roles':
      if (name === undefined) return <RolesList />;
      if (name === 'create') return <CreateRole session={session} />;
      return <RoleDetail key={name} name={name} />;
    case 'account':
      return <AccountSettings session={session} />;
    case 'simulator':
      return <Simulator />;
    default:
      return (
        <p>
          There is no such IAM page. <a href={link('iam', 'users')}>Go to users</a>.
        </p>
      );
  }
}
