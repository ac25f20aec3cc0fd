import type { CallerSession } from '../identity/caller.js';
import { newAccessKeyIdFor } from '../iam/access-key-account.js';
import { newSecretAccessKey } from '../iam/ids.js';
import type { XmlNode } from '../protocol/xml.js';
import { isoSeconds } from '../query/render.js';
import type { StsDeps } from './sts-deps.js';
import type { SessionPrincipal } from './session-token.js';

/**
 * Issues temporary credentials: an `ASIA…` key id that encodes the principal's account (so
 * GetAccessKeyInfo answers for it), a fresh secret, and the sealed session token that carries both
 * and the session. Nothing is stored: the token is the session.
 */
export async function issueCredentials(deps: StsDeps, principal: SessionPrincipal, session: CallerSession): Promise<XmlNode> {
  const accessKeyId = newAccessKeyIdFor('ASIA', principal.accountId);
  const secretAccessKey = newSecretAccessKey();
  const token = await deps.tokens.seal({ accessKeyId, secretAccessKey, principal, session });
  return { AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey, SessionToken: token, Expiration: isoSeconds(session.expiresAt) };
}
