/**
 * Who is making a request, after authentication. Every kind of AWS principal that Strongbox will
 * ever serve has a place here (ROADMAP: role sessions, federated users, services), so adding STS does
 * not change the shape. Every authenticated caller belongs to an account (12-digit id).
 */
export type Caller = AnonymousCaller | RootCaller | UserCaller | AssumedRoleCaller;

export interface AnonymousCaller {
  readonly kind: 'Anonymous';
}

export interface RootCaller {
  readonly kind: 'Root';
  readonly accountId: string;
  /** `arn:aws:iam::<account>:root` */
  readonly arn: string;
  readonly accessKeyId: string;
}

export interface UserCaller {
  readonly kind: 'User';
  readonly accountId: string;
  /** `arn:aws:iam::<account>:user/<path><name>` */
  readonly arn: string;
  /** `AIDA…` */
  readonly userId: string;
  readonly userName: string;
  readonly path: string;
  readonly accessKeyId: string;
}

/** A role session (STS AssumeRole). Issued by a later issue; the shape is fixed now. */
export interface AssumedRoleCaller {
  readonly kind: 'AssumedRole';
  readonly accountId: string;
  /** `arn:aws:sts::<account>:assumed-role/<role-name>/<session-name>` */
  readonly arn: string;
  /** `arn:aws:iam::<account>:role/<path><role-name>` */
  readonly roleArn: string;
  /** `AROA…` */
  readonly roleId: string;
  readonly roleName: string;
  readonly sessionName: string;
  readonly accessKeyId: string;
}

export const ANONYMOUS: AnonymousCaller = { kind: 'Anonymous' };

/** `aws:userid` as AWS defines it for each principal type. */
export function callerUserId(c: Caller): string {
  switch (c.kind) {
    case 'Anonymous':
      return 'anonymous';
    case 'Root':
      return c.accountId;
    case 'User':
      return c.userId;
    case 'AssumedRole':
      return `${c.roleId}:${c.sessionName}`;
  }
}

export function callerAccountId(c: Caller): string | undefined {
  return c.kind === 'Anonymous' ? undefined : c.accountId;
}
