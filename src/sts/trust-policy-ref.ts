import type { RoleRow } from '../iam/store/types.js';
import type { ResourcePolicyRef } from '../server/protocol.js';

/**
 * The trust policy an sts:AssumeRole* check is evaluated against. A role that does not exist gets a
 * trust policy that trusts no one, so the request is refused exactly as a role that does not trust
 * the caller (AWS answers AccessDenied either way: the answer must not tell which roles exist).
 */
export function trustPolicyRef(role: RoleRow | undefined): ResourcePolicyRef {
  if (!role) return NO_ROLE;
  return { type: 'Trust', id: `trust:${role.roleId}#${role.trustRevision}`, document: role.assumeRolePolicyDocument };
}

const NO_ROLE: ResourcePolicyRef = {
  type: 'Trust',
  id: 'trust:no-such-role',
  document: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'no-such-role.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  }),
};
