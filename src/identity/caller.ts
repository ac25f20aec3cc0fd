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
  /** Temporary credentials (GetSessionToken, AssumeRoot). */
  readonly session?: CallerSession;
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
  /** Temporary credentials (GetSessionToken). */
  readonly session?: CallerSession;
}

/** A role session (STS AssumeRole, AssumeRoleWithWebIdentity). */
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
  readonly session: CallerSession;
}

/**
 * The STS operation that issued a session's temporary credentials, or `WorkloadCredentials`: the
 * workload-credentials endpoint (src/workloads), Strongbox's analogue of an EC2 instance profile.
 */
export type SessionIssuer = 'GetSessionToken' | 'ConsoleSignIn' | 'AssumeRole' | 'AssumeRoleWithWebIdentity' | 'AssumeRoot' | 'WorkloadCredentials';

/**
 * What temporary credentials carry, sealed inside their session token (src/sts/session-token.ts), so
 * any process validates a request without a database read. Everything here was verified when the
 * session was issued; nothing comes from the request being authorized.
 */
export interface CallerSession {
  readonly issuer: SessionIssuer;
  /** aws:TokenIssueTime */
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  /** When MFA was verified for this session (aws:MultiFactorAuthPresent / aws:MultiFactorAuthAge). */
  readonly mfaAuthenticatedAt?: Date;
  /** sts:SourceIdentity / aws:SourceIdentity: set once, sticky across role chaining. */
  readonly sourceIdentity?: string;
  /** Session tags (aws:PrincipalTag/*, over the role's own tags). */
  readonly tags?: Readonly<Record<string, string>>;
  /** Session tag keys that pass on to a chained role session. */
  readonly transitiveTagKeys?: readonly string[];
  /** The inline session policy (AssumeRole* `Policy`; AssumeRoot: none). */
  readonly policy?: string;
  /** Managed session policies (`PolicyArns`; AssumeRoot: the task policy). */
  readonly policyArns?: readonly string[];
  /** A role session whose credentials came from another role session (role chaining: at most 1 h). */
  readonly chained?: boolean;
  /** AssumeRoleWithWebIdentity: the identity provider (`arn:aws:iam::<acct>:oidc-provider/<url>`). */
  readonly federatedProvider?: string;
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

/** The session of temporary credentials, if the caller has one. */
export function callerSession(c: Caller): CallerSession | undefined {
  return c.kind === 'Anonymous' ? undefined : c.session;
}

export function callerAccountId(c: Caller): string | undefined {
  return c.kind === 'Anonymous' ? undefined : c.accountId;
}
