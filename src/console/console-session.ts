import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { openWithRing, sealWithRing } from '../sts/ring-seal.js';
import type { SessionKeyRing } from '../sts/session-keys.js';

/**
 * The console's session in the browser: one HttpOnly, SameSite=Strict cookie holding, sealed with
 * AES-256-GCM under the STS session key ring (so every process and node opens it, and nothing is
 * stored), the STS session token of the signed-in principal, the CSRF token the page must send back
 * on every call, and the time of the last activity (idle timeout). The session token itself carries
 * the temporary credentials the console signs with; it never reaches the page's JavaScript.
 */
export const COOKIE_NAME = 'strongbox-console';
const PURPOSE = 'strongbox console session v1';
/** Browsers keep cookies up to 4096 bytes; a session that does not fit is refused when issued. */
const MAX_COOKIE_VALUE = 3900;

export interface ConsoleSession {
  /** The STS session token (sts/session-token.ts) the console signs with. */
  readonly token: string;
  /** Double-submit CSRF token: `x-strongbox-csrf` on every call. */
  readonly csrf: string;
  /** Epoch ms of the last call (idle timeout). */
  readonly lastActive: number;
  /** The password must be changed before anything else: only iam:ChangePassword goes through. */
  readonly passwordResetRequired?: boolean;
  /** After switch role: the signed-in principal's own session token (switch back, the next switch). */
  readonly base?: string;
  /** After switch role: how the header shows the role. */
  readonly role?: SwitchedRole;
}

export interface SwitchedRole {
  readonly accountId: string;
  readonly roleName: string;
  readonly display: string;
  readonly color: string;
}

export class ConsoleSessionCodec {
  constructor(private readonly ring: SessionKeyRing) {}

  async seal(s: ConsoleSession): Promise<string> {
    const value = await sealWithRing(this.ring, PURPOSE, Buffer.from(JSON.stringify(s)));
    if (value.length > MAX_COOKIE_VALUE) throw new Error('the console session does not fit in a cookie');
    return value;
  }

  async open(value: string): Promise<ConsoleSession | undefined> {
    const json = await openWithRing(this.ring, PURPOSE, value, MAX_COOKIE_VALUE);
    if (!json) return undefined;
    const s = JSON.parse(json.toString('utf8')) as Partial<ConsoleSession>;
    if (typeof s.token !== 'string' || typeof s.csrf !== 'string' || typeof s.lastActive !== 'number') return undefined;
    return s as ConsoleSession;
  }
}

export function newCsrfToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The session cookie's value in the request, if any. */
export function sessionCookieOf(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === COOKIE_NAME) return decodeCookieValue(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** A value that is not valid percent-encoding (a tampered cookie) is no session. */
function decodeCookieValue(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** Set-Cookie for `value`, or (undefined) the cookie's removal. Secure when the request came over TLS. */
export function sessionCookie(req: IncomingMessage, value: string | undefined): string {
  const secure = (req.socket as Partial<TLSSocket>).encrypted === true ? '; Secure' : '';
  const attributes = `; Path=/console; HttpOnly; SameSite=Strict${secure}`;
  if (value === undefined) return `${COOKIE_NAME}=; Max-Age=0${attributes}`;
  return `${COOKIE_NAME}=${encodeURIComponent(value)}${attributes}`;
}
