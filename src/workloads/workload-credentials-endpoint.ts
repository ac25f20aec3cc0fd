import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { UNSIGNED_FACTS, type AuthenticationResult } from '../auth/types.js';
import { ANONYMOUS } from '../identity/caller.js';
import { roleArn } from '../iam/arn.js';
import type { RoleRow, WorkloadTokenRow } from '../iam/store/types.js';
import type { ClientAddressResolver } from '../server/client-address.js';
import { requestInfoOf } from '../server/pipeline.js';
import type { Authorizer, AuthzCheck, RequestInfo } from '../server/protocol.js';
import { newRequestId } from '../server/request-id.js';
import { issueRoleSession } from '../sts/issue-credentials.js';
import type { StsDeps } from '../sts/sts-deps.js';
import { trustPolicyRef } from '../sts/trust-policy-ref.js';
import { roleOfProfile, WORKLOAD_SERVICE_PRINCIPAL } from './workload-token-ops.js';
import { WORKLOAD_TOKEN_PATTERN, workloadTokenSha256 } from './workload-token-secret.js';
import { WORKLOAD_CREDENTIALS_PATH } from './workloads-endpoints.js';

export { WORKLOAD_CREDENTIALS_PATH };

/** What an EC2 instance profile's credentials last (AWS rotates them hourly too). */
const SESSION_SECONDS = 3600;

export interface WorkloadCredentialsDeps {
  /** The STS dependencies: the store, the session-token codec, the clock, role-use recording. */
  readonly sts: StsDeps;
  /** The pipeline's authorizer: the role's trust policy (and RCPs) decide, as for sts:AssumeRole. */
  readonly authorizer: Authorizer;
  readonly region: string;
  readonly logger: Pick<Logger, 'info' | 'error'>;
  /** A worker process polls its shared stores first (the pipeline's `beforeRequest`). */
  readonly beforeRequest?: () => void;
  /** The pipeline's client-address resolver (trusted proxies), so aws:SourceIp is the same as for any request. */
  readonly clientAddress?: ClientAddressResolver;
}

/** A refusal, in the shape the SDKs read (`Code`, `Message`: @aws-sdk/credential-provider-http). */
interface Refusal {
  readonly status: 401 | 403 | 405;
  readonly code: string;
  readonly message: string;
}

/** Which token and role a request was about, for the log line (never the token itself). */
interface About {
  readonly tokenId?: string;
  readonly roleArn?: string;
}

type Outcome =
  | ({ readonly kind: 'refused'; readonly refusal: Refusal } & About)
  | ({ readonly kind: 'issued'; readonly body: Readonly<Record<string, string>> } & About);

type Handler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * The workload-credentials endpoint: what the AWS SDKs' container credentials provider calls when
 * `AWS_CONTAINER_CREDENTIALS_FULL_URI` and `AWS_CONTAINER_AUTHORIZATION_TOKEN` are set. It answers
 * `GET` with the token in `Authorization` (the header value is the token itself, as the SDKs send
 * it) with the ECS / EKS Pod Identity credentials document: `AccessKeyId`, `SecretAccessKey`,
 * `Token`, `Expiration` (ISO 8601), `RoleArn`, `AccountId`. The session is a role session of the
 * token's instance profile role, named after the token id (`assumed-role/<role>/wt-…`, as an EC2
 * instance's is named after the instance), issued only while the token is active, the profile still
 * holds the role, and the role's trust policy allows `ec2.amazonaws.com`.
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html
 *
 * Returns false for any request it does not own (another path, or a SigV4-signed request: S3's).
 * The token is never logged, only its id. Deviation from AWS: a Strongbox extension.
 */
export function workloadCredentialsEndpoint(deps: WorkloadCredentialsDeps): Handler {
  return (req, res) => {
    if (pathOf(req.url) !== WORKLOAD_CREDENTIALS_PATH) return false;
    const authorization = req.headers.authorization;
    if (authorization?.startsWith('AWS4-')) return false;
    const started = process.hrtime.bigint();
    const requestId = newRequestId();
    deps.beforeRequest?.();
    const answer = (o: Outcome) => {
      send(res, req, requestId, o);
      deps.logger.info({
        requestId,
        method: req.method,
        operation: 'GetWorkloadCredentials',
        tokenId: o.tokenId,
        roleArn: o.roleArn,
        status: o.kind === 'issued' ? 200 : o.refusal.status,
        latencyMs: Math.round(Number(process.hrtime.bigint() - started) / 1e3) / 1e3,
      });
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      answer(refused(405, 'MethodNotAllowed', `${req.method ?? ''} is not allowed; use GET.`));
      return true;
    }
    credentialsFor(deps, req, requestId, authorization).then(answer, (err: unknown) => {
      deps.logger.error({ requestId, err }, 'workload credentials failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Code: 'InternalFailure', Message: 'An internal error has occurred.' }));
    });
    return true;
  };
}

async function credentialsFor(
  deps: WorkloadCredentialsDeps,
  req: IncomingMessage,
  requestId: string,
  token: string | undefined,
): Promise<Outcome> {
  const { store } = deps.sts;
  if (token === undefined || token === '') {
    const message = 'The request carries no workload token (AWS_CONTAINER_AUTHORIZATION_TOKEN).';
    return refused(401, 'MissingAuthorizationToken', message);
  }
  // A value that cannot be a token costs no database read.
  const row = WORKLOAD_TOKEN_PATTERN.test(token)
    ? await store.workloadTokens.findBySha256(workloadTokenSha256(token))
    : undefined;
  if (!row) return refused(401, 'InvalidToken', 'The workload token is not valid.');
  const about: About = { tokenId: row.tokenId };
  if (row.revokedAt !== undefined) {
    return refused(401, 'InvalidToken', `Workload token ${row.tokenId} has been revoked.`, about);
  }
  const profile = await store.instanceProfiles.getById(row.instanceProfileId);
  const role = profile && profile.accountId === row.accountId ? await roleOfProfile(store, profile) : undefined;
  if (!profile || !role) {
    const what = profile ? 'holds no role' : 'no longer exists';
    return refused(403, 'AccessDenied', `The instance profile of workload token ${row.tokenId} ${what}.`, about);
  }
  const arn = roleArn(role.accountId, role.path, role.roleName);
  const info = requestInfo(req, requestId, deps);
  const outcome = await deps.authorizer.authorize(ANONYMOUS, [trustCheck(role, row)], info, ANONYMOUS_AUTH);
  if (outcome.decision !== 'Allow') {
    const message = `The trust policy of role ${arn} does not allow ${WORKLOAD_SERVICE_PRINCIPAL} to assume it.`;
    return refused(403, 'AccessDenied', message, { ...about, roleArn: arn });
  }
  return { kind: 'issued', body: await issue(deps, role, row), tokenId: row.tokenId, roleArn: arn };
}

/**
 * sts:AssumeRole by the EC2 service principal, evaluated against the role's trust policy, as AWS
 * does when an instance profile's role is assumed for an instance.
 */
function trustCheck(role: RoleRow, row: WorkloadTokenRow): AuthzCheck {
  return {
    action: 'sts:AssumeRole',
    resource: roleArn(role.accountId, role.path, role.roleName),
    resourceAccount: role.accountId,
    resourcePolicy: trustPolicyRef(role),
    principal: { kind: 'Service', service: WORKLOAD_SERVICE_PRINCIPAL },
    context: {
      'aws:PrincipalIsAWSService': 'true',
      'aws:PrincipalServiceName': WORKLOAD_SERVICE_PRINCIPAL,
      'sts:RoleSessionName': row.tokenId,
    },
  };
}

async function issue(
  deps: WorkloadCredentialsDeps,
  role: RoleRow,
  row: WorkloadTokenRow,
): Promise<Record<string, string>> {
  const { Credentials: c } = await issueRoleSession(deps.sts, {
    role,
    sessionName: row.tokenId,
    durationSeconds: SESSION_SECONDS,
    issuer: 'WorkloadCredentials',
    region: deps.region,
  });
  return {
    AccessKeyId: String(c.AccessKeyId),
    SecretAccessKey: String(c.SecretAccessKey),
    Token: String(c.SessionToken),
    Expiration: String(c.Expiration),
    RoleArn: roleArn(role.accountId, role.path, role.roleName),
    AccountId: role.accountId,
  };
}

function refused(status: Refusal['status'], code: string, message: string, about: About = {}): Outcome {
  return { kind: 'refused', refusal: { status, code, message }, ...about };
}

function send(res: ServerResponse, req: IncomingMessage, requestId: string, o: Outcome): void {
  const document = o.kind === 'issued' ? o.body : { Code: o.refusal.code, Message: o.refusal.message };
  const body = Buffer.from(JSON.stringify(document));
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': body.length,
    'cache-control': 'no-store',
    'x-amz-request-id': requestId,
  };
  if (o.kind === 'refused' && o.refusal.status === 405) headers.allow = 'GET, HEAD';
  res.writeHead(o.kind === 'issued' ? 200 : o.refusal.status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q < 0 ? u : u.slice(0, q);
}

/** The request facts a trust-policy condition may read (aws:SourceIp, aws:SecureTransport, aws:CurrentTime ...). */
function requestInfo(req: IncomingMessage, requestId: string, deps: WorkloadCredentialsDeps): RequestInfo {
  return requestInfoOf(req, { requestId, receivedAt: deps.sts.now(), region: deps.region, clientAddress: deps.clientAddress }).info;
}

/** The service principal's request is not signed: no SigV4 facts. */
const ANONYMOUS_AUTH: AuthenticationResult = {
  caller: ANONYMOUS,
  service: undefined,
  region: undefined,
  facts: UNSIGNED_FACTS,
  get body() {
    return Readable.from([]);
  },
  trailers: () => ({}),
  decodedContentLength: 0,
};
