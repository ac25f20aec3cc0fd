import type { Caller } from '../identity/caller.js';
import { callerUserId } from '../identity/caller.js';
import type { MatchedStatement } from '../policy/index.js';
import { openWithRing, sealWithRing } from './ring-seal.js';
import type { SessionKeyRing } from './session-keys.js';

/**
 * Encoded authorization messages (sts:DecodeAuthorizationMessage): what a denial was about — who,
 * which action on which resource, explicit or implicit, the statements that denied and the request's
 * condition keys — sealed under the session key ring so only a caller allowed
 * sts:DecodeAuthorizationMessage reads it, in the JSON shape AWS decodes to.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html
 */
const PURPOSE = 'strongbox authorization message v1';
const MAX_ENCODED = 10240;

export interface DeniedRequest {
  readonly action: string;
  readonly resource: string;
  readonly explicitDeny: boolean;
  readonly statements: readonly MatchedStatement[];
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

const items = <T>(list: readonly T[]) => ({ items: list });

/** The decoded message, as AWS words it. */
export function authorizationMessage(caller: Caller, denied: DeniedRequest): Record<string, unknown> {
  const name = caller.kind === 'User' ? caller.userName : caller.kind === 'AssumedRole' ? caller.sessionName : undefined;
  return {
    allowed: false,
    explicitDeny: denied.explicitDeny,
    matchedStatements: items(
      denied.statements
        .filter((m) => m.effect === 'Deny' || !denied.explicitDeny)
        .map((m) => ({ statementId: m.sid ?? '', effect: m.effect.toUpperCase(), policyType: m.policyType, policyId: m.policyId })),
    ),
    failures: items([]),
    context: {
      principal: { id: callerUserId(caller), ...(name ? { name } : {}), ...(caller.kind === 'Anonymous' ? {} : { arn: caller.arn }) },
      action: denied.action,
      resource: denied.resource,
      conditions: items(
        Object.entries(denied.context).map(([key, v]) => ({ key, values: items((Array.isArray(v) ? v : [v]).map((value) => ({ value }))) })),
      ),
    },
  };
}

export class AuthorizationMessageCodec {
  constructor(private readonly ring: SessionKeyRing) {}

  encode(message: Record<string, unknown>): Promise<string> {
    return sealWithRing(this.ring, PURPOSE, Buffer.from(JSON.stringify(message)));
  }

  /** The decoded JSON text, or undefined when the message is not one of ours or was altered. */
  async decode(encoded: string): Promise<string | undefined> {
    return (await openWithRing(this.ring, PURPOSE, encoded.trim(), MAX_ENCODED))?.toString('utf8');
  }
}
