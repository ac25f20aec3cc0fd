import type { AuthFacts } from '../auth/types.js';
import { callerUserId, type Caller } from '../identity/caller.js';
import type { RequestPrincipal } from './authorization-types.js';
import { cidrContains, parseCidr, parseIp, type CidrBlock } from './condition/ip-value.js';
import { principalArn, principalType } from './eval-context.js';

/**
 * Builds the global condition keys of a request from plain inputs (no clock: the time comes in the
 * request info). The result is a Map with lower-cased keys, ready for authorize(); the operation's
 * own keys (`AuthzCheck.context`: s3:prefix, s3:x-amz-acl, s3:ExistingObjectTag/…) are merged last.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policy-s3-sigv4-conditions.html
 */

export type ContextValue = string | readonly string[];

/** A named network endpoint: requests from `cidr` arrive "through" VPC endpoint `vpceId`. */
export interface NetworkEndpoint {
  readonly cidr: string;
  readonly vpceId: string;
  readonly vpcId?: string;
}

/** Request-wide facts; `RequestInfo` (src/server/protocol.ts) fits, plus the TLS version if any. */
export interface RequestFactsInput {
  readonly receivedAt: Date;
  readonly sourceIp: string;
  readonly secureTransport: boolean;
  readonly userAgent?: string | undefined;
  readonly referer?: string | undefined;
  readonly region?: string;
  /** `TLSv1.3` as node reports it; becomes s3:TlsVersion `1.3`. */
  readonly tlsVersion?: string | undefined;
}

export interface RequestContextInput {
  readonly caller: Caller;
  readonly request: RequestFactsInput;
  readonly auth?: AuthFacts;
  /** Tags of the IAM user or role, and session tags: aws:PrincipalTag/*. */
  readonly principalTags?: Readonly<Record<string, string>>;
  /** Tags the request sets: aws:RequestTag/* and aws:TagKeys. */
  readonly requestTags?: Readonly<Record<string, string>>;
  /** s3:ResourceAccount: the account owning the bucket. */
  readonly resourceAccount?: string;
  /** Configured network endpoints (CIDR → vpce id), checked in order. */
  readonly networkEndpoints?: readonly NetworkEndpoint[];
  /** Operation-specific keys, e.g. `AuthzCheck.context`; they win over computed keys. */
  readonly operationContext?: Readonly<Record<string, ContextValue>>;
}

/** The request principal the engine evaluates, from the authenticated caller. */
export function principalFromCaller(
  caller: Caller,
  extras: { readonly tags?: Readonly<Record<string, string>>; readonly canonicalUserId?: string } = {},
): RequestPrincipal {
  switch (caller.kind) {
    case 'Anonymous':
      return { kind: 'Anonymous', userId: 'anonymous' };
    case 'Root':
      return { kind: 'Root', arn: caller.arn, accountId: caller.accountId, userId: callerUserId(caller), canonicalUserId: extras.canonicalUserId };
    case 'User':
      return {
        kind: 'User',
        arn: caller.arn,
        accountId: caller.accountId,
        userId: callerUserId(caller),
        username: caller.userName,
        tags: extras.tags,
        canonicalUserId: extras.canonicalUserId,
      };
    case 'AssumedRole':
      return {
        kind: 'AssumedRole',
        arn: caller.arn,
        accountId: caller.accountId,
        userId: callerUserId(caller),
        roleArn: caller.roleArn,
        tags: extras.tags,
        canonicalUserId: extras.canonicalUserId,
      };
  }
}

export function buildRequestContext(input: RequestContextInput): Map<string, ContextValue> {
  const m = new Map<string, ContextValue>();
  const set = (k: string, v: ContextValue | undefined) => {
    if (v !== undefined) m.set(k.toLowerCase(), v);
  };
  addNetworkKeys(input, set);
  const r = input.request;
  set('aws:SecureTransport', String(r.secureTransport));
  set('aws:CurrentTime', isoSeconds(r.receivedAt));
  set('aws:EpochTime', String(Math.floor(r.receivedAt.getTime() / 1000)));
  set('aws:UserAgent', r.userAgent);
  set('aws:Referer', r.referer);
  set('aws:RequestedRegion', r.region);
  set('aws:ViaAWSService', 'false');
  addPrincipalKeys(input, set);
  addAuthKeys(input.auth, input.caller, set);
  set('s3:TlsVersion', r.tlsVersion?.replace(/^TLSv/i, ''));
  set('s3:ResourceAccount', input.resourceAccount);
  for (const [k, v] of Object.entries(input.requestTags ?? {})) set(`aws:RequestTag/${k}`, v);
  if (input.requestTags) set('aws:TagKeys', Object.keys(input.requestTags));
  for (const [k, v] of Object.entries(input.operationContext ?? {})) set(k, v);
  return m;
}

type Setter = (k: string, v: ContextValue | undefined) => void;

/**
 * aws:SourceIp is the client address — except for a request through a VPC endpoint, where AWS
 * leaves it out and sets aws:SourceVpce, aws:SourceVpc and aws:VpcSourceIp instead.
 */
function addNetworkKeys(input: RequestContextInput, set: Setter): void {
  const ip = normalizeIp(input.request.sourceIp);
  const endpoint = matchEndpoint(ip, input.networkEndpoints);
  if (endpoint) {
    set('aws:SourceVpce', endpoint.vpceId);
    set('aws:SourceVpc', endpoint.vpcId);
    set('aws:VpcSourceIp', ip);
  } else {
    set('aws:SourceIp', ip);
  }
}

function matchEndpoint(ip: string, endpoints: readonly NetworkEndpoint[] | undefined): NetworkEndpoint | undefined {
  if (!endpoints || endpoints.length === 0) return undefined;
  const addr = parseIp(ip);
  if (!addr) return undefined;
  for (const e of endpoints) {
    const block: CidrBlock | undefined = parseCidr(e.cidr);
    if (block && cidrContains(block, addr)) return e;
  }
  return undefined;
}

/** `::ffff:192.0.2.1` (what a dual-stack socket reports) → `192.0.2.1`. */
function normalizeIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1] : ip;
}

function addPrincipalKeys(input: RequestContextInput, set: Setter): void {
  const p = principalFromCaller(input.caller, { tags: input.principalTags });
  set('aws:userid', p.userId);
  set('aws:username', p.kind === 'User' ? p.username : undefined);
  set('aws:PrincipalArn', principalArn(p));
  set('aws:PrincipalAccount', p.accountId);
  set('aws:PrincipalType', principalType(p));
  for (const [k, v] of Object.entries(input.principalTags ?? {})) set(`aws:PrincipalTag/${k}`, v);
}

/**
 * aws:MultiFactorAuthPresent is only in the context of requests signed with temporary credentials
 * (and of MFA-authenticated ones); long-term access keys leave it out, which is why AWS recommends
 * `BoolIfExists` for it.
 */
function addAuthKeys(auth: AuthFacts | undefined, caller: Caller, set: Setter): void {
  if (!auth) return;
  const temporary = auth.tokenIssueTime !== undefined || caller.kind === 'AssumedRole';
  if (temporary || auth.multiFactorAuthPresent) set('aws:MultiFactorAuthPresent', String(auth.multiFactorAuthPresent));
  if (auth.multiFactorAuthPresent && auth.multiFactorAuthAgeSeconds !== undefined) {
    set('aws:MultiFactorAuthAge', String(auth.multiFactorAuthAgeSeconds));
  }
  if (auth.tokenIssueTime) set('aws:TokenIssueTime', isoSeconds(auth.tokenIssueTime));
  if (auth.authType !== 'None') set('s3:authType', auth.authType);
  set('s3:signatureversion', auth.signatureVersion);
  if (auth.signatureAgeMs !== undefined) set('s3:signatureAge', String(auth.signatureAgeMs));
}

/** `2024-01-02T03:04:05Z`, the form AWS puts in aws:CurrentTime. */
function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
