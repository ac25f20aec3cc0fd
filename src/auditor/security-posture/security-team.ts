/**
 * The security team (issue #18: "granted to principals outside a configurable security team"): users,
 * roles and groups named by ARN; a group's members are in the team.
 *
 * An entry is matched by account, kind and name, not by path: IAM names are unique within an account
 * whatever the path, and case-insensitively ("names are not distinguished by case",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names),
 * so `arn:aws:iam::123456789012:user/alice` names the user alice of the path `/staff/` too.
 */
import type { GroupRow, UserRow } from '../../iam/store/types.js';
import type { RoleRow } from '../../iam/store/role-types.js';

type MemberKind = 'user' | 'group' | 'role';

const TEAM_ARN = /^arn:aws:iam::(\d{12}):(user|group|role)(?:\/[^/]*)*\/([^/]+)$/;

export class SecurityTeam {
  private readonly members: ReadonlySet<string>;
  /** Entries that name no user, role or group (ignored). */
  readonly invalid: readonly string[];

  constructor(arns: readonly string[]) {
    const members = new Set<string>();
    const invalid: string[] = [];
    for (const arn of arns) {
      const m = TEAM_ARN.exec(arn);
      if (m) members.add(key(m[1], m[2] as MemberKind, m[3]));
      else invalid.push(arn);
    }
    this.members = members;
    this.invalid = invalid;
  }

  /** The user, or one of its groups, is named. */
  includesUser(user: UserRow, groups: readonly GroupRow[]): boolean {
    return (
      this.members.has(key(user.accountId, 'user', user.userName)) ||
      groups.some((g) => this.members.has(key(g.accountId, 'group', g.groupName)))
    );
  }

  includesRole(role: RoleRow): boolean {
    return this.members.has(key(role.accountId, 'role', role.roleName));
  }
}

function key(accountId: string, kind: MemberKind, name: string): string {
  return `${accountId} ${kind} ${name.toLowerCase()}`;
}
