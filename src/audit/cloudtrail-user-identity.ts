/**
 * CloudTrail's `userIdentity` element for each kind of caller, filled as AWS fills it.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
 */
import type { Caller, CallerSession } from '../identity/caller.js';
import type { RequestRecord } from './request-record.js';

export type UserIdentityType =
  'Root' | 'IAMUser' | 'AssumedRole' | 'AWSAccount' | 'AWSService' | 'WebIdentityUser' | 'Unknown';

export interface CloudTrailSessionIssuer {
  readonly type: 'Role';
  readonly principalId: string;
  readonly arn: string;
  readonly accountId: string;
  readonly userName: string;
}

export interface CloudTrailSessionContext {
  /** `{}` for a session that is not a role session. */
  readonly sessionIssuer: CloudTrailSessionIssuer | Record<string, never>;
  readonly webIdFederationData: { readonly federatedProvider?: string; readonly attributes?: Record<string, string> };
  readonly attributes: { readonly creationDate: string; readonly mfaAuthenticated: 'true' | 'false' };
  readonly sourceIdentity?: string;
  /** `"true"` on a session from sts:AssumeRoot. */
  readonly assumedRoot?: 'true';
}

export interface CloudTrailUserIdentity {
  readonly type: UserIdentityType;
  readonly principalId?: string;
  readonly arn?: string;
  readonly accountId?: string;
  readonly accessKeyId?: string;
  readonly userName?: string;
  readonly identityProvider?: string;
  readonly sessionContext?: CloudTrailSessionContext;
}

/** An anonymous S3 request: AWS writes `AWSAccount` with an empty principal and this account id. */
export const ANONYMOUS_PRINCIPAL = 'ANONYMOUS_PRINCIPAL';

export function userIdentityOf(record: RequestRecord): CloudTrailUserIdentity {
  const caller = record.caller;
  if (caller === undefined) {
    // Authentication failed: only the presented key is known. Decision: type Unknown (AWS: "an identity
    // type that CloudTrail cannot determine") with an empty principalId, as for anonymous calls.
    return { type: 'Unknown', principalId: '', ...(record.accessKeyId ? { accessKeyId: record.accessKeyId } : {}) };
  }
  if (caller.kind === 'Anonymous') return anonymousIdentity(record);
  return authenticatedIdentity(caller);
}

function anonymousIdentity(record: RequestRecord): CloudTrailUserIdentity {
  const web = record.operation === 'AssumeRoleWithWebIdentity' ? webIdentityUser(record) : undefined;
  return web ?? { type: 'AWSAccount', principalId: '', accountId: ANONYMOUS_PRINCIPAL };
}

/**
 * The AssumeRoleWithWebIdentity call itself is unsigned: AWS names the federated user from the token
 * (user-identity page, "Values for AWS STS APIs with SAML and web identity federation"):
 * principalId `<provider>:<audience>:<subject>`, userName the subject, identityProvider the issuer.
 * The record carries them in the response (Provider, Audience, SubjectFromWebIdentityToken); a failed
 * call has none and stays anonymous.
 */
function webIdentityUser(record: RequestRecord): CloudTrailUserIdentity | undefined {
  const r = record.responseElements;
  const provider = r?.provider;
  const subject = r?.subjectFromWebIdentityToken;
  if (typeof provider !== 'string' || typeof subject !== 'string') return undefined;
  const audience = typeof r?.audience === 'string' ? r.audience : '';
  return { type: 'WebIdentityUser', principalId: `${provider}:${audience}:${subject}`, userName: subject,
    identityProvider: provider };
}

function authenticatedIdentity(caller: Exclude<Caller, { kind: 'Anonymous' }>): CloudTrailUserIdentity {
  switch (caller.kind) {
    case 'Root':
      // Root: principalId is the account id; no userName (user-identity page, "Root").
      return {
        type: 'Root', principalId: caller.accountId, arn: caller.arn, accountId: caller.accountId,
        accessKeyId: caller.accessKeyId,
        ...(caller.session ? { sessionContext: sessionContextOf(caller.session, {}) } : {}),
      };
    case 'User':
      // A GetSessionToken session of a user keeps type IAMUser and gains sessionContext.attributes.
      return {
        type: 'IAMUser', principalId: caller.userId, arn: caller.arn, accountId: caller.accountId,
        accessKeyId: caller.accessKeyId, userName: caller.userName,
        ...(caller.session ? { sessionContext: sessionContextOf(caller.session, {}) } : {}),
      };
    case 'AssumedRole':
      return {
        type: 'AssumedRole', principalId: `${caller.roleId}:${caller.sessionName}`, arn: caller.arn,
        accountId: caller.accountId, accessKeyId: caller.accessKeyId,
        sessionContext: sessionContextOf(caller.session, {
          sessionIssuer: {
            type: 'Role', principalId: caller.roleId, arn: caller.roleArn, accountId: caller.accountId,
            userName: caller.roleName,
          },
        }),
      };
  }
}

/**
 * sessionContext in AWS's field order: sessionIssuer, webIdFederationData, attributes, sourceIdentity.
 * Role sessions name their role as sessionIssuer, and webIdFederationData is `{}` unless the session
 * came from AssumeRoleWithWebIdentity (then the provider ARN). User and root sessions carry both as
 * empty objects, as AWS's events of IAM users with temporary credentials show.
 * Deviation from AWS: workload-credential sessions (Strongbox's instance profiles) carry no
 * `ec2RoleDelivery`/`ec2Issuer`.
 */
function sessionContextOf(
  session: CallerSession,
  extra: { sessionIssuer?: CloudTrailSessionIssuer },
): CloudTrailSessionContext {
  const web = session.federatedProvider !== undefined
    ? { federatedProvider: session.federatedProvider, attributes: {} }
    : {};
  return {
    sessionIssuer: extra.sessionIssuer ?? {},
    webIdFederationData: web,
    attributes: {
      creationDate: isoSeconds(session.issuedAt),
      mfaAuthenticated: session.mfaAuthenticatedAt !== undefined ? 'true' : 'false',
    },
    ...(session.sourceIdentity !== undefined ? { sourceIdentity: session.sourceIdentity } : {}),
    ...(session.issuer === 'AssumeRoot' ? { assumedRoot: 'true' as const } : {}),
  };
}

function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
