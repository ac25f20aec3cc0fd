import type { CallerSession, SessionIssuer } from '../identity/caller.js';
import { openWithRing, sealWithRing } from './ring-seal.js';
import type { SessionKeyRing } from './session-keys.js';

/**
 * Self-contained STS session tokens: everything a request signed with temporary credentials needs —
 * the secret key, who the session is, and its session context — sealed with AES-256-GCM under the
 * session key ring (ring-seal.ts), so any process or node validates a token without a database read.
 * A token that was tampered with, or sealed by a key the ring no longer holds, does not open.
 */
const PURPOSE = 'strongbox sts session token v1';
/** Larger tokens are refused before any work (AWS: session tokens are bounded too). */
export const MAX_SESSION_TOKEN_LENGTH = 16 * 1024;

/** Who the session is: enough to rebuild the caller without reading the store. */
export type SessionPrincipal =
  | { readonly kind: 'Root'; readonly accountId: string }
  | { readonly kind: 'User'; readonly accountId: string; readonly userId: string; readonly userName: string; readonly path: string }
  | {
      readonly kind: 'AssumedRole';
      readonly accountId: string;
      readonly roleId: string;
      readonly roleName: string;
      readonly rolePath: string;
      readonly sessionName: string;
    };

export interface SessionClaims {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly principal: SessionPrincipal;
  readonly session: CallerSession;
}

/** The JSON inside the seal: dates as epoch milliseconds. */
interface Payload {
  readonly k: string;
  readonly s: string;
  readonly p: SessionPrincipal;
  readonly x: Omit<CallerSession, 'issuedAt' | 'expiresAt' | 'mfaAuthenticatedAt'> & { issuer: SessionIssuer; i: number; e: number; m?: number };
}

export class SessionTokenCodec {
  constructor(private readonly ring: SessionKeyRing) {}

  async seal(claims: SessionClaims): Promise<string> {
    const { issuedAt, expiresAt, mfaAuthenticatedAt, ...rest } = claims.session;
    const payload: Payload = {
      k: claims.accessKeyId,
      s: claims.secretAccessKey,
      p: claims.principal,
      x: { ...rest, i: issuedAt.getTime(), e: expiresAt.getTime(), ...(mfaAuthenticatedAt ? { m: mfaAuthenticatedAt.getTime() } : {}) },
    };
    return sealWithRing(this.ring, PURPOSE, Buffer.from(JSON.stringify(payload)));
  }

  /** The claims, or undefined for anything that is not an intact token of ours. */
  async open(token: string): Promise<SessionClaims | undefined> {
    const json = await openWithRing(this.ring, PURPOSE, token, MAX_SESSION_TOKEN_LENGTH);
    if (!json) return undefined;
    const p = JSON.parse(json.toString('utf8')) as Payload;
    const { i, e, m, ...rest } = p.x;
    return {
      accessKeyId: p.k,
      secretAccessKey: p.s,
      principal: p.p,
      session: { ...rest, issuedAt: new Date(i), expiresAt: new Date(e), ...(m !== undefined ? { mfaAuthenticatedAt: new Date(m) } : {}) },
    };
  }
}
