import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { rootArn, userArn } from '../iam/arn.js';
import type { IamStore } from '../iam/store/types.js';
import { presignQuery } from '../cli/sign-request.js';
import type { CallerSession } from '../identity/caller.js';
import { originForm } from '../server/origin-form.js';
import { issueCredentials } from '../sts/issue-credentials.js';
import type { SessionClaims, SessionPrincipal } from '../sts/session-token.js';
import type { StsDeps } from '../sts/sts-deps.js';
import {
  BodyTooLarge,
  CallNotAllowed,
  PROXIED_SERVICES,
  consoleUserAgent,
  proxyApiCall,
  readBody,
  signedReplay,
  type Dispatch,
} from './api-proxy.js';
import { CapturedResponse } from './captured-response.js';
import { assumedRoleArn } from '../sts/session-caller.js';
import { SECURITY_HEADERS, type ConsoleAssets } from './console-assets.js';
import {
  ConsoleSessionCodec,
  newCsrfToken,
  sessionCookie,
  sessionCookieOf,
  type ConsoleSession,
} from './console-session.js';
import { signIn, type SignInRequest } from './sign-in.js';
import { signInRecord } from './sign-in-record.js';
import type { RequestRecord } from '../audit/request-record.js';
import type { ClientAddressResolver } from '../server/client-address.js';
import { SignInThrottle } from './sign-in-throttle.js';

/**
 * The web console at `/console` (src/console, front end in console/): its page and scripts, sign-in
 * and sign-out, the session, and the API calls it makes on behalf of the signed-in principal
 * (api-proxy.ts). It has no API of its own: everything it shows or changes goes through the public
 * APIs, authorized and audited as the principal.
 *
 * Deviation from AWS: the console shares the API's listener, so an unsigned request for a path under
 * `/console` is the console's; a bucket named `console` is still reached with signed requests and
 * virtual-hosted-style host names.
 */
export interface ConsoleDeps {
  readonly store: IamStore;
  /** STS's dependencies: the session-token codec and key ring, the clock. */
  readonly sts: StsDeps & { readonly ring: ConsoleRing };
  /** The request pipeline (the API calls are handed to it). */
  readonly dispatch: Dispatch;
  readonly assets: ConsoleAssets | undefined;
  readonly region: string;
  readonly regions: readonly string[];
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** A worker process polls its shared stores first (the pipeline's `beforeRequest`). */
  readonly beforeRequest?: () => void;
  /** The pipeline's client-address resolver (trusted proxies): a sign-in's source address as any request's. */
  readonly clientAddress?: ClientAddressResolver;
  /** Records a sign-in (CloudTrail's ConsoleLogin) before it is answered. */
  readonly recordSignIn?: (record: RequestRecord) => Promise<void>;
  /** Sign-out after this long without a call; default 30 minutes. */
  readonly idleTimeoutMs?: number;
}

type ConsoleRing = ConstructorParameters<typeof ConsoleSessionCodec>[0];

/** Console sessions of IAM users last 12 hours, the root user's one hour (as AWS's console). */
const USER_SESSION_SECONDS = 12 * 3600;
const ROOT_SESSION_SECONDS = 3600;
const DEFAULT_IDLE_MS = 30 * 60_000;
/** The cookie is re-issued (sliding idle timeout) at most this often. */
const ACTIVITY_GRANULARITY_MS = 60_000;
const MAX_JSON_BODY = 16 * 1024;

interface OpenSession {
  readonly session: ConsoleSession;
  readonly claims: SessionClaims;
}

export function consoleEndpoint(deps: ConsoleDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const codec = new ConsoleSessionCodec(deps.sts.ring);
  const throttle = new SignInThrottle();
  const idleMs = deps.idleTimeoutMs ?? DEFAULT_IDLE_MS;
  const now = () => deps.sts.now();

  async function openSession(req: IncomingMessage): Promise<OpenSession | undefined> {
    const cookie = sessionCookieOf(req);
    const session = cookie === undefined ? undefined : await codec.open(cookie);
    if (!session || now().getTime() - session.lastActive > idleMs) return undefined;
    const claims = await deps.sts.tokens.open(session.token);
    if (!claims || claims.session.expiresAt.getTime() <= now().getTime()) return undefined;
    return { session, claims };
  }

  /**
   * Sets the cookie again when the last activity it records is older than the granularity, or when
   * `session` differs from the one the cookie holds (`changed`).
   */
  async function touch(
    req: IncomingMessage,
    res: ServerResponse,
    session: ConsoleSession,
    changed = false,
  ): Promise<void> {
    const at = now().getTime();
    if (!changed && at - session.lastActive < ACTIVITY_GRANULARITY_MS) return;
    res.setHeader('set-cookie', sessionCookie(req, await codec.seal({ ...session, lastActive: at })));
  }

  /** Whether the user whose password had to be changed has changed it (ChangePassword, through the API). */
  async function passwordChanged(open: OpenSession): Promise<boolean> {
    const p = open.claims.principal;
    if (!open.session.passwordResetRequired || p.kind !== 'User') return false;
    const profile = await deps.store.loginProfiles.get(p.userId);
    return profile !== undefined && !profile.passwordResetRequired;
  }

  async function issueSession(
    req: IncomingMessage,
    principal: SessionPrincipal,
    mfaAt: Date | undefined,
    reset: boolean,
  ): Promise<string> {
    const issuedAt = now();
    const seconds = principal.kind === 'Root' ? ROOT_SESSION_SECONDS : USER_SESSION_SECONDS;
    const session: CallerSession = {
      issuer: 'ConsoleSignIn',
      issuedAt,
      expiresAt: new Date(issuedAt.getTime() + seconds * 1000),
      ...(mfaAt ? { mfaAuthenticatedAt: mfaAt } : {}),
    };
    const credentials = await issueCredentials(deps.sts, principal, session);
    const value: ConsoleSession = {
      token: String(credentials.SessionToken),
      csrf: newCsrfToken(),
      lastActive: issuedAt.getTime(),
      ...(reset ? { passwordResetRequired: true } : {}),
    };
    return sessionCookie(req, await codec.seal(value));
  }

  async function handleSignIn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // JSON only: another site cannot send it without a CORS preflight, which is never granted, so it
    // cannot sign a visitor in to an account of its choosing (login CSRF).
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return json(res, 415, { code: 'UnsupportedMediaType', message: 'Sign-in takes a JSON body.' });
    }
    const body = parseSignIn(await readJson(req));
    if (!body) return json(res, 400, { code: 'ValidationError', message: 'Enter the account, and the password.' });
    const who = `${body.account.trim().toLowerCase()}/${body.userName?.trim().toLowerCase() ?? ''}`;
    if (throttle.blocked(who, now())) {
      return json(res, 429, {
        code: 'Throttling',
        message: 'Too many failed sign-in attempts. Wait a minute, then try again.',
      });
    }
    const receivedAt = now();
    const started = process.hrtime.bigint();
    const outcome = await signIn({ store: deps.store, now }, body);
    const subject = outcome.ok ? outcome.principal : outcome.subject;
    // An MFA code not yet asked for is a step of the sign-in, not a failed one.
    if (subject !== undefined && !(!outcome.ok && outcome.code === 'MfaRequired')) {
      const mfaUsed = outcome.ok ? outcome.mfaAuthenticatedAt !== undefined : body.mfaCode !== undefined;
      const totalTimeMs = Number(process.hrtime.bigint() - started) / 1e6;
      const record = signInRecord({
        req,
        receivedAt,
        region: deps.region,
        clientAddress: deps.clientAddress,
        subject,
        success: outcome.ok,
        mfaUsed,
        totalTimeMs,
      });
      await deps
        .recordSignIn?.(record)
        .catch((err: unknown) => deps.logger.error({ err }, 'recording the console sign-in failed'));
    }
    deps.logger.info(
      {
        operation: 'ConsoleLogin',
        account: body.account,
        userName: body.userName,
        outcome: outcome.ok ? 'Success' : outcome.code,
      },
      'console sign-in',
    );
    if (!outcome.ok) {
      if (outcome.code !== 'MfaRequired') throttle.failed(who, now());
      return json(res, 401, { code: outcome.code, message: outcome.message });
    }
    throttle.succeeded(who);
    res.setHeader(
      'set-cookie',
      await issueSession(req, outcome.principal, outcome.mfaAuthenticatedAt, outcome.passwordResetRequired),
    );
    json(res, 200, { ok: true, passwordResetRequired: outcome.passwordResetRequired });
  }

  async function handleSession(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const open = await openSession(req);
    if (!open) return json(res, 401, { code: 'NotSignedIn', message: 'Sign in to use the console.' });
    const changed = await passwordChanged(open);
    const session: ConsoleSession = changed ? { ...open.session, passwordResetRequired: false } : open.session;
    await touch(req, res, session, changed);
    const p = open.claims.principal;
    json(res, 200, {
      csrf: session.csrf,
      accountId: p.accountId,
      kind: p.kind,
      arn:
        p.kind === 'Root'
          ? rootArn(p.accountId)
          : p.kind === 'User'
            ? userArn(p.accountId, p.path, p.userName)
            : assumedRoleArn(p.accountId, p.roleName, p.sessionName),
      role: session.role,
      userName: p.kind === 'User' ? p.userName : undefined,
      mfa: open.claims.session.mfaAuthenticatedAt !== undefined,
      expiresAt: open.claims.session.expiresAt.toISOString(),
      idleTimeoutSeconds: Math.round(idleMs / 1000),
      passwordResetRequired: session.passwordResetRequired === true,
      region: deps.region,
      regions: deps.regions,
    });
  }

  /** The session, once its CSRF token matched; answered (401/403) and undefined otherwise. */
  async function authenticated(req: IncomingMessage, res: ServerResponse): Promise<OpenSession | undefined> {
    const open = await openSession(req);
    if (!open) {
      json(res, 401, { code: 'NotSignedIn', message: 'Your console session has ended. Sign in again.' });
      return undefined;
    }
    if (!sameToken(req.headers['x-strongbox-csrf'], open.session.csrf)) {
      json(res, 403, { code: 'InvalidCsrfToken', message: 'The request did not come from the console page.' });
      return undefined;
    }
    return open;
  }

  function credentialsOf(open: OpenSession) {
    const { accessKeyId, secretAccessKey } = open.claims;
    return { accessKeyId, secretAccessKey, sessionToken: open.session.token };
  }

  function regionOf(req: IncomingMessage): string {
    const asked = req.headers['x-strongbox-region'];
    return typeof asked === 'string' && deps.regions.includes(asked) ? asked : deps.region;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, rest: string, rawQuery: string): Promise<void> {
    const open = await authenticated(req, res);
    if (!open) return;
    const slash = rest.indexOf('/');
    const service = slash === -1 ? rest : rest.slice(0, slash);
    if (!PROXIED_SERVICES.has(service))
      return json(res, 404, { code: 'UnknownService', message: `The console does not call ${service}.` });
    if (open.session.passwordResetRequired && service !== 'iam') {
      return json(res, 403, { code: 'PasswordResetRequired', message: 'Choose a new password first.' });
    }
    await touch(req, res, open.session);
    await proxyApiCall(deps.dispatch, req, res, {
      service,
      region: regionOf(req),
      rawPath: slash === -1 ? '/' : rest.slice(slash),
      rawQuery,
      credentials: credentialsOf(open),
      now: now(),
      // A password that must be changed first: only the change (and the rules it must follow).
      ...(open.session.passwordResetRequired ? { allowBody: isPasswordChange } : {}),
    });
  }

  async function handlePresign(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const open = await authenticated(req, res);
    if (!open) return;
    const body = (await readJson(req)) as { bucket?: unknown; key?: unknown; expiresSeconds?: unknown } | undefined;
    const { bucket, key } = body ?? {};
    const expires = Number(body?.expiresSeconds ?? 900);
    if (
      typeof bucket !== 'string' ||
      typeof key !== 'string' ||
      !Number.isInteger(expires) ||
      expires < 1 ||
      expires > 604800
    ) {
      return json(res, 400, {
        code: 'ValidationError',
        message: 'A bucket, a key and an expiry of 1 to 604800 seconds are required.',
      });
    }
    // Links made with temporary credentials stop working when the session ends (as AWS's).
    const left = Math.floor((open.claims.session.expiresAt.getTime() - now().getTime()) / 1000);
    const host = req.headers.host ?? '';
    const rawPath = `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
    const query = presignQuery(
      { method: 'GET', host, rawPath, expiresSeconds: Math.min(expires, left) },
      { credentials: credentialsOf(open), region: regionOf(req), service: 's3', now: now() },
    );
    const scheme = (req.socket as Partial<TLSSocket>).encrypted === true ? 'https' : 'http';
    json(res, 200, { url: `${scheme}://${host}${rawPath}?${query}`, expiresSeconds: Math.min(expires, left) });
  }

  /**
   * Switch role, as AWS's console: sts:AssumeRole called with the signed-in principal's own session
   * (never from a role session: switching again starts from the principal), through the pipeline —
   * authorized by the role's trust policy and the caller's policies, audited — and the role session
   * replaces the console's; the credentials stay on the server.
   */
  async function handleSwitchRole(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const open = await authenticated(req, res);
    if (!open) return;
    const body = (await readJson(req)) as Record<string, unknown> | undefined;
    const account = typeof body?.account === 'string' ? body.account.trim() : '';
    const role = typeof body?.role === 'string' ? body.role.trim().replace(/^\/+/, '') : '';
    if (!/^\d{12}$/.test(account) || !/^[\w+=,.@/-]{1,512}$/.test(role)) {
      return json(res, 400, { code: 'ValidationError', message: 'Enter a 12-digit account ID and a role name.' });
    }
    const baseToken = open.session.base ?? open.session.token;
    const base = await deps.sts.tokens.open(baseToken);
    if (!base)
      return json(res, 401, { code: 'NotSignedIn', message: 'Your console session has ended. Sign in again.' });
    const p = base.principal;
    const params = new URLSearchParams({
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: `arn:aws:iam::${account}:role/${role}`,
      RoleSessionName: p.kind === 'User' ? p.userName : p.kind === 'AssumedRole' ? p.sessionName : 'root',
      DurationSeconds: '3600',
    });
    const mfaCode = typeof body?.mfaCode === 'string' ? body.mfaCode.trim() : '';
    if (mfaCode !== '' && p.kind === 'User') {
      const devices = await deps.store.mfaDevices.listForOwner(p.accountId, { kind: 'user', userId: p.userId });
      const device = devices.find((d) => d.enabledAt !== undefined);
      if (device) {
        params.set('SerialNumber', device.serialNumber);
        params.set('TokenCode', mfaCode);
      }
    }
    const credentials = {
      accessKeyId: base.accessKeyId,
      secretAccessKey: base.secretAccessKey,
      sessionToken: baseToken,
    };
    const call = { service: 'sts', region: deps.region, rawPath: '/', rawQuery: '', credentials, now: now() };
    const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    const replay = signedReplay(req, 'POST', headers, Buffer.from(params.toString()), call, consoleUserAgent(req));
    const answer = new CapturedResponse(replay);
    deps.dispatch(replay, answer);
    const { status, body: xml } = await answer.done;
    const token = /<SessionToken>([^<]+)<\/SessionToken>/.exec(xml)?.[1];
    if (status !== 200 || token === undefined) {
      const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1] ?? 'InternalError';
      const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1] ?? 'The role could not be assumed.';
      return json(res, status === 200 ? 500 : status, { code, message: unescapeXml(message) });
    }
    const roleName = role.slice(role.lastIndexOf('/') + 1);
    const asked = typeof body?.display === 'string' ? body.display.trim().slice(0, 64) : '';
    const color = typeof body?.color === 'string' && ROLE_COLORS.has(body.color) ? body.color : 'blue';
    const switched = { accountId: account, roleName, display: asked || `${roleName} @ ${account}`, color };
    const session: ConsoleSession = {
      token,
      csrf: newCsrfToken(),
      lastActive: now().getTime(),
      base: baseToken,
      role: switched,
    };
    res.setHeader('set-cookie', sessionCookie(req, await codec.seal(session)));
    json(res, 200, { ok: true });
  }

  async function handleSwitchBack(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const open = await authenticated(req, res);
    if (!open) return;
    if (open.session.base !== undefined) {
      const session: ConsoleSession = { token: open.session.base, csrf: newCsrfToken(), lastActive: now().getTime() };
      res.setHeader('set-cookie', sessionCookie(req, await codec.seal(session)));
    }
    json(res, 200, { ok: true });
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string, rawQuery: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (path === '/console') {
      res.writeHead(302, { location: '/console/', 'content-length': '0' });
      res.end();
      return;
    }
    const sub = path.slice('/console/'.length);
    if (sub.startsWith('api/')) return handleApi(req, res, sub.slice('api/'.length), rawQuery);
    if (sub === 'signin' && method === 'POST') return handleSignIn(req, res);
    if (sub === 'signout' && method === 'POST') {
      res.setHeader('set-cookie', sessionCookie(req, undefined));
      return json(res, 200, { ok: true });
    }
    if (sub === 'session' && method === 'GET') return handleSession(req, res);
    if (sub === 'presign' && method === 'POST') return handlePresign(req, res);
    if (sub === 'switch-role' && method === 'POST') return handleSwitchRole(req, res);
    if (sub === 'switch-back' && method === 'POST') return handleSwitchBack(req, res);
    if (method !== 'GET' && method !== 'HEAD')
      return json(res, 405, { code: 'MethodNotAllowed', message: `${method} is not allowed here.` });
    if (!deps.assets)
      return json(res, 503, { code: 'ConsoleNotBuilt', message: 'The console was not built: run npm run build.' });
    // Everything else is a page of the single-page console: index.html, or one of its files.
    if (deps.assets.serve(req, res, sub === '' ? 'index.html' : sub)) return;
    if (!sub.startsWith('assets/')) deps.assets.serve(req, res, 'index.html');
    else json(res, 404, { code: 'NotFound', message: 'No such file.' });
  }

  return (req, res) => {
    const target = originForm(req.url ?? '/');
    const q = target.indexOf('?');
    const path = q === -1 ? target : target.slice(0, q);
    if (path !== '/console' && !path.startsWith('/console/')) return false;
    const rawQuery = q === -1 ? '' : target.slice(q + 1);
    if (isSigned(req, rawQuery)) return false;
    deps.beforeRequest?.();
    route(req, res, path, rawQuery).catch((err: unknown) => {
      if (err instanceof BodyTooLarge) return json(res, 413, { code: 'RequestEntityTooLarge', message: err.message });
      if (err instanceof CallNotAllowed)
        return json(res, 403, { code: 'PasswordResetRequired', message: 'Choose a new password first.' });
      deps.logger.error({ err, path }, 'console request failed');
      if (!res.headersSent)
        json(res, 500, { code: 'InternalError', message: 'We encountered an internal error. Please try again.' });
      else res.destroy();
    });
    return true;
  };
}

/** Requests an AWS client signed (header or query auth) are API requests, whatever their path. */
function isSigned(req: IncomingMessage, rawQuery: string): boolean {
  if (req.headers.authorization !== undefined) return true;
  return /(?:^|&)(?:X-Amz-Credential|X-Amz-Signature|AWSAccessKeyId|Signature)=/i.test(rawQuery);
}

/** IAM Query calls a session whose password must be changed may make. */
const PASSWORD_CHANGE_ACTIONS: ReadonlySet<string> = new Set(['ChangePassword', 'GetAccountPasswordPolicy']);

function isPasswordChange(body: Buffer): boolean {
  return PASSWORD_CHANGE_ACTIONS.has(new URLSearchParams(body.toString('utf8')).get('Action') ?? '');
}

const ROLE_COLORS: ReadonlySet<string> = new Set(['red', 'orange', 'yellow', 'green', 'blue', 'purple']);

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function sameToken(sent: string | string[] | undefined, expected: string): boolean {
  if (typeof sent !== 'string' || sent.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req, MAX_JSON_BODY);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function parseSignIn(v: unknown): SignInRequest | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' && x.length <= 512 ? x : undefined);
  const account = str(o.account);
  const password = str(o.password);
  if (!account || password === undefined) return undefined;
  const userName = str(o.userName)?.trim();
  const mfaCode = str(o.mfaCode)?.trim();
  return { account, password, ...(userName ? { userName } : {}), ...(mfaCode ? { mfaCode } : {}) };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}
