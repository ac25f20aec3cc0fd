import type { SourceSpan } from './json-source.js';
import type { CompiledPolicy } from './compiled-policy.js';
import type { Effect } from './policy-document.js';

/**
 * The shapes of an authorization request and its result: plain data, so the same call serves request
 * enforcement, SimulatePrincipalPolicy / SimulateCustomPolicy, AccessDenied messages and the auditor.
 */

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/**
 * Who makes the request. `WebIdentity` is the identity provider named in a trust policy's
 * `Federated` principal (AssumeRoleWithWebIdentity / AssumeRoleWithSAML): it only ever meets trust
 * policies.
 */
export type PrincipalKind = 'Root' | 'User' | 'AssumedRole' | 'FederatedUser' | 'Anonymous' | 'Service' | 'WebIdentity';

export interface RequestPrincipal {
  readonly kind: PrincipalKind;
  /**
   * Root: `arn:aws:iam::<acct>:root`; User: `arn:aws:iam::<acct>:user/<path><name>`;
   * AssumedRole: `arn:aws:sts::<acct>:assumed-role/<role>/<session>`;
   * FederatedUser: `arn:aws:sts::<acct>:federated-user/<name>`.
   */
  readonly arn?: string;
  readonly accountId?: string;
  /** `aws:userid` (AIDA…, AROA…:session, account id for root). */
  readonly userId?: string;
  /** `aws:username` (IAM users only). */
  readonly username?: string;
  /** `aws:PrincipalTag/*`: user or role tags, plus session tags. */
  readonly tags?: Readonly<Record<string, string>>;
  /** AssumedRole: `arn:aws:iam::<acct>:role/<path><name>`. */
  readonly roleArn?: string;
  /** FederatedUser: the ARN of the IAM user that called GetFederationToken. */
  readonly federatingUserArn?: string;
  /** Service: `s3.amazonaws.com`. */
  readonly service?: string;
  /** WebIdentity: provider (`cognito-identity.amazonaws.com`, an OIDC or SAML provider ARN). */
  readonly identityProvider?: string;
  /** S3 canonical user id of the principal's account (matched by `CanonicalUser` principals). */
  readonly canonicalUserId?: string;
}

/**
 * The S3 ACL grant that covers the requester for the requested permission, as the S3 layer resolved
 * it from the bucket or object ACL (ACLs disabled ⇒ leave undefined).
 * - `Account`: a grant to the requester's account (canonical user / email). Like a resource policy
 *   naming the account, it lets the account root in and delegates to identity policies for its
 *   IAM users and roles.
 * - `Everyone`: a grant to AllUsers or AuthenticatedUsers. Like `"Principal": "*"`.
 */
export type AclGrant = 'Account' | 'Everyone';

/**
 * Which kind of resource-based policy is attached. A trust policy must allow even in the same
 * account, and so must a KMS key policy ("no IAM policy can allow access to a KMS key unless the key
 * policy allows it"); naming the account delegates to its identity policies.
 */
export type ResourcePolicyType = 'Resource' | 'Trust' | 'KeyPolicy';

export interface PolicySets {
  /** The principal's identity policies: user inline + attached + its groups', or the role's. */
  readonly identity?: readonly CompiledPolicy[];
  readonly permissionsBoundary?: CompiledPolicy;
  /**
   * Session policies (inline and managed ARNs together) of a role session or federated user, or of a
   * root session (AssumeRoot's task policy). When present they must allow too.
   */
  readonly sessionPolicies?: readonly CompiledPolicy[];
  /**
   * SCPs by level of the principal's account (root, OUs…, account): every level must allow.
   * Undefined when the account is not in an organization or is its management account.
   */
  readonly scps?: readonly (readonly CompiledPolicy[])[];
  /**
   * RCPs by level of the resource's account (root, OUs…, account): every level must allow, whoever
   * the principal. Undefined when the resource's account is not in an organization with RCPs enabled
   * or is its management account.
   */
  readonly rcps?: readonly (readonly CompiledPolicy[])[];
  /** The resource's policy (bucket policy, role trust policy). */
  readonly resourcePolicy?: CompiledPolicy;
  readonly resourcePolicyType?: ResourcePolicyType;
  readonly aclGrant?: AclGrant;
}

/** Condition keys and values of the request. Keys are case-insensitive; a Map must have lower-case keys. */
export type ContextKeys = Readonly<Record<string, string | readonly string[]>> | ReadonlyMap<string, string | readonly string[]>;

export interface AuthorizationRequest {
  readonly principal: RequestPrincipal;
  /** `s3:GetObject` (case-insensitive). */
  readonly action: string;
  /** Resource ARN or `*`. */
  readonly resource: string;
  /** Account owning the resource; undefined = the principal's own account (e.g. CreateBucket). */
  readonly resourceAccount?: string;
  readonly context?: ContextKeys;
  readonly policies: PolicySets;
}

export type PolicyType = 'identity' | 'resource' | 'boundary' | 'session' | 'scp' | 'rcp' | 'acl';

export interface MatchedStatement {
  readonly policyType: PolicyType;
  /** The caller's id for the policy (policy ARN, inline policy name, `bucket-policy`…). */
  readonly policyId: string;
  readonly statementIndex: number;
  readonly sid: string | undefined;
  readonly effect: Effect;
  readonly span: SourceSpan | undefined;
}

/** The verdict of one policy type taken alone. */
export type TypeDecision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny' | 'NotApplicable';

export interface AuthorizationResult {
  readonly decision: Decision;
  /**
   * The policy type behind the decision: for ExplicitDeny the type whose statement denied; for
   * ImplicitDeny the type that did not allow (drives the AccessDenied message); for Allow the type
   * that granted (identity side first), or `root` for the account root in its own account.
   */
  readonly decidedBy: PolicyType | 'root' | undefined;
  /** Allow: the Allow statements that granted. ExplicitDeny: every Deny that applied. Else empty. */
  readonly matchedStatements: readonly MatchedStatement[];
  readonly byType: Readonly<Record<PolicyType, TypeDecision>>;
  /** Every matched statement of every type (Allow and Deny), for logs and the simulator. */
  readonly trace: readonly MatchedStatement[];
  /** Condition keys a relevant statement referenced but the request context lacked. */
  readonly missingContextKeys: readonly string[];
  readonly crossAccount: boolean;
}
