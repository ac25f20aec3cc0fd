import type { Caller } from '../identity/caller.js';
import type { SessionClaims } from './session-token.js';

/** The caller a session token stands for (GetCallerIdentity's Arn/UserId follow from it). */
export function callerOfSession(claims: SessionClaims): Exclude<Caller, { kind: 'Anonymous' }> {
  const p = claims.principal;
  const { accessKeyId, session } = claims;
  switch (p.kind) {
    case 'Root':
      return { kind: 'Root', accountId: p.accountId, arn: `arn:aws:iam::${p.accountId}:root`, accessKeyId, session };
    case 'User':
      return {
        kind: 'User',
        accountId: p.accountId,
        arn: `arn:aws:iam::${p.accountId}:user${p.path}${p.userName}`,
        userId: p.userId,
        userName: p.userName,
        path: p.path,
        accessKeyId,
        session,
      };
    case 'AssumedRole':
      return {
        kind: 'AssumedRole',
        accountId: p.accountId,
        // The assumed-role ARN leaves the role's path out; the role ARN keeps it.
        arn: assumedRoleArn(p.accountId, p.roleName, p.sessionName),
        roleArn: `arn:aws:iam::${p.accountId}:role${p.rolePath}${p.roleName}`,
        roleId: p.roleId,
        roleName: p.roleName,
        sessionName: p.sessionName,
        accessKeyId,
        session,
      };
  }
}

export function assumedRoleArn(accountId: string, roleName: string, sessionName: string): string {
  return `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
}
