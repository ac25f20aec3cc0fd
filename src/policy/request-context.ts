import type { AuthFacts } from '../auth/types.js';
import { callerUserId, type Caller } from '../identity/caller.js';
import type { RequestPrincipal } from './authorization-types.js';
import { cidrContains, parseCidr, parseIp, type CidrBlock } from './condition/ip-value.js';

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
  /** The principal's organization: aws:PrincipalOrgID and aws:PrincipalOrgPaths (`o-…/r-…/ou-…/`). */
  readonly principalOrganization?: { readonly id: string; readonly paths?: readonly string[] };
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

/**
 * The condition keys of one request, lower-cased. `aws:CurrentTime` is formatted only if a policy
 * reads it (formatting a date costs more than all the other keys together).
 */
export class RequestContextKeys extends Map<string, ContextValue> {
  private pendingTime: Date | undefined;

  constructor(receivedAt: Date | undefined) {
    super();
    this.pendingTime = receivedAt;
  }

  override get(key: string): ContextValue | undefined {
    if (key === 'aws:currenttime') this.materializeTime();
    return super.get(key);
  }

  override has(key: string): boolean {
    if (key === 'aws:currenttime') this.materializeTime();
    return super.has(key);
  }

  override entries(): MapIterator<[string, ContextValue]> {
    this.materializeTime();
    return super.entries();
  }

  override keys(): MapIterator<string> {
    this.materializeTime();
    return super.keys();
  }

  override values(): MapIterator<ContextValue> {
    this.materializeTime();
    return super.values();
  }

  override forEach(cb: (value: ContextValue, key: string, map: Map<string, ContextValue>) => void, thisArg?: unknown): void {
    this.materializeTime();
    super.forEach(cb, thisArg);
  }

  override [Symbol.iterator](): MapIterator<[string, ContextValue]> {
    return this.entries();
  }

  override get size(): number {
    this.materializeTime();
    return super.size;
  }

  private materializeTime(): void {
    const t = this.pendingTime;
    if (t === undefined) return;
    this.pendingTime = undefined;
    if (!super.has('aws:currenttime')) super.set('aws:currenttime', isoSeconds(t));
  }
}

export function buildRequestContext(input: RequestContextInput): RequestContextKeys {
  const r = input.request;
  const m = new RequestContextKeys(r.receivedAt);
  // Keys are written lower-case here: no case folding on the hot path.
  addNetworkKeys(input, m);
  m.set('aws:securetransport', r.secureTransport ? 'true' : 'false');
  m.set('aws:epochtime', String(Math.floor(r.receivedAt.getTime() / 1000)));
  if (r.userAgent !== undefined) m.set('aws:useragent', r.userAgent);
  if (r.referer !== undefined) m.set('aws:referer', r.referer);
  if (r.region !== undefined) m.set('aws:requestedregion', r.region);
  m.set('aws:viaawsservice', 'false');
  addPrincipalKeys(input, m);
  if (input.auth) addAuthKeys(input.auth, input.caller, m);
  if (r.tlsVersion !== undefined) m.set('s3:tlsversion', r.tlsVersion.replace(/^TLSv/i, ''));
  if (input.resourceAccount !== undefined) m.set('s3:resourceaccount', input.resourceAccount);
  if (input.requestTags) {
    const keys = Object.keys(input.requestTags);
    for (const k of keys) m.set(`aws:requesttag/${k.toLowerCase()}`, input.requestTags[k]);
    m.set('aws:tagkeys', keys);
  }
  const op = input.operationContext;
  if (op) for (const k in op) m.set(k.toLowerCase(), op[k]);
  return m;
}

/**
 * aws:SourceIp is the client address — except for a request through a VPC endpoint, where AWS
 * leaves it out and sets aws:SourceVpce, aws:SourceVpc and aws:VpcSourceIp instead.
 */
function addNetworkKeys(input: RequestContextInput, m: RequestContextKeys): void {
  const ip = normalizeIp(input.request.sourceIp);
  const endpoint = matchEndpoint(ip, input.networkEndpoints);
  if (endpoint) {
    m.set('aws:sourcevpce', endpoint.vpceId);
    if (endpoint.vpcId !== undefined) m.set('aws:sourcevpc', endpoint.vpcId);
    m.set('aws:vpcsourceip', ip);
  } else {
    m.set('aws:sourceip', ip);
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
  return ip.length > 7 && ip.charCodeAt(0) === 0x3a && /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip) ? ip.slice(7) : ip;
}

function addPrincipalKeys(input: RequestContextInput, m: RequestContextKeys): void {
  const c = input.caller;
  switch (c.kind) {
    case 'Anonymous':
      m.set('aws:userid', 'anonymous');
      m.set('aws:principaltype', 'Anonymous');
      return;
    case 'Root':
      m.set('aws:userid', c.accountId);
      m.set('aws:principalarn', c.arn);
      m.set('aws:principaltype', 'Account');
      break;
    case 'User':
      m.set('aws:userid', c.userId);
      m.set('aws:username', c.userName);
      m.set('aws:principalarn', c.arn);
      m.set('aws:principaltype', 'User');
      break;
    case 'AssumedRole':
      m.set('aws:userid', callerUserId(c));
      m.set('aws:principalarn', c.roleArn);
      m.set('aws:principaltype', 'AssumedRole');
      break;
  }
  m.set('aws:principalaccount', c.accountId);
  m.set('aws:principalisawsservice', 'false');
  const session = c.session;
  if (session?.sourceIdentity !== undefined) m.set('aws:sourceidentity', session.sourceIdentity);
  if (session?.federatedProvider !== undefined) m.set('aws:federatedprovider', session.federatedProvider);
  const org = input.principalOrganization;
  if (org) {
    m.set('aws:principalorgid', org.id);
    if (org.paths) m.set('aws:principalorgpaths', org.paths);
  }
  const tags = input.principalTags;
  if (tags) for (const k in tags) m.set(`aws:principaltag/${k.toLowerCase()}`, tags[k]);
}

/**
 * aws:MultiFactorAuthPresent is only in the context of requests signed with temporary credentials
 * (and of MFA-authenticated ones); long-term access keys leave it out, which is why AWS recommends
 * `BoolIfExists` for it.
 */
function addAuthKeys(auth: AuthFacts, caller: Caller, m: RequestContextKeys): void {
  const temporary = auth.tokenIssueTime !== undefined || caller.kind === 'AssumedRole';
  if (temporary || auth.multiFactorAuthPresent) m.set('aws:multifactorauthpresent', auth.multiFactorAuthPresent ? 'true' : 'false');
  if (auth.multiFactorAuthPresent && auth.multiFactorAuthAgeSeconds !== undefined) {
    m.set('aws:multifactorauthage', String(auth.multiFactorAuthAgeSeconds));
  }
  if (auth.tokenIssueTime) m.set('aws:tokenissuetime', isoSeconds(auth.tokenIssueTime));
  if (auth.authType !== 'None') m.set('s3:authtype', auth.authType);
  if (auth.signatureVersion !== undefined) m.set('s3:signatureversion', auth.signatureVersion);
  if (auth.signatureAgeMs !== undefined) m.set('s3:signatureage', String(auth.signatureAgeMs));
}

/** `2024-01-02T03:04:05Z`, the form AWS puts in aws:CurrentTime. */
function isoSeconds(d: Date): string {
  const iso = d.toISOString();
  return iso.length === 24 ? `${iso.slice(0, 19)}Z` : iso;
}
