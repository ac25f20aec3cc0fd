import { accountOfAccessKeyId } from '../iam/access-key-account.js';
import { callerUserId } from '../identity/caller.js';
import { requiredString } from '../query/params.js';
import type { ProtocolAdapter } from '../server/protocol.js';
import { createQueryProtocol } from '../query/query-protocol.js';
import type { QueryOperation, UnsignedQueryOperation } from '../query/types.js';
import { assumeRoleWithWebIdentityOperation } from './assume-role-with-web-identity.js';
import { assumeRoleOperation } from './assume-role.js';
import { assumeRootOperation } from './assume-root.js';
import { getSessionTokenOperation } from './get-session-token.js';
import type { StsDeps } from './sts-deps.js';
import { stsError } from './sts-errors.js';

export const STS_VERSION = '2011-06-15';
export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/**
 * sts:GetCallerIdentity needs no permission: AWS answers it even when an explicit deny covers it
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html), so it has no checks.
 */
export const getCallerIdentity: QueryOperation = {
  name: 'GetCallerIdentity',
  checks: async () => [],
  handler: async ({ caller }) => ({ UserId: callerUserId(caller), Account: caller.accountId, Arn: caller.arn }),
};

/**
 * sts:GetAccessKeyInfo: the account a key belongs to. Keys of this server's accounts are looked up;
 * any other key id is decoded, as AWS decodes its own (the answer says nothing of the key's state).
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html
 */
export function getAccessKeyInfo(deps: StsDeps): QueryOperation {
  return {
    name: 'GetAccessKeyInfo',
    checks: async () => [{ action: 'sts:GetAccessKeyInfo', resource: '*', resourceAccount: undefined, context: {} }],
    handler: async (ctx) => {
      const id = requiredString(ctx.params, 'AccessKeyId', { min: 16, max: 128, pattern: '[\\w]*' });
      const stored = await deps.store.accessKeys.get(id);
      const account = stored?.accountId ?? accountOfAccessKeyId(id);
      if (account === undefined) throw stsError('ValidationError', { message: `The access key ID ${id} is not valid.` });
      return { Account: account };
    },
  };
}

/**
 * sts:DecodeAuthorizationMessage: opens an encoded authorization message (Strongbox writes one to the
 * log line of every denied request) for a caller allowed sts:DecodeAuthorizationMessage.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html
 */
export function decodeAuthorizationMessage(deps: StsDeps): QueryOperation {
  return {
    name: 'DecodeAuthorizationMessage',
    checks: async () => [{ action: 'sts:DecodeAuthorizationMessage', resource: '*', resourceAccount: undefined, context: {} }],
    handler: async (ctx) => {
      const encoded = requiredString(ctx.params, 'EncodedMessage', { min: 1, max: 10240 });
      const decoded = await deps.authorizationMessages.decode(encoded);
      if (decoded === undefined) throw stsError('InvalidAuthorizationMessageException', { message: 'Message is not valid' });
      return { DecodedMessage: decoded };
    },
  };
}

/**
 * Credentials from GetSessionToken "cannot call any STS API except AssumeRole or GetCallerIdentity"
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html).
 */
const OPEN_TO_SESSION_TOKEN_CREDENTIALS: ReadonlySet<string> = new Set(['AssumeRole', 'GetCallerIdentity']);

function refuseSessionTokenCredentials(op: QueryOperation): QueryOperation {
  if (OPEN_TO_SESSION_TOKEN_CREDENTIALS.has(op.name)) return op;
  return {
    ...op,
    checks: async (ctx) => {
      if (ctx.caller.session?.issuer === 'GetSessionToken') throw stsError('AccessDenied', { message: `Cannot call ${op.name} with session credentials` });
      return op.checks(ctx);
    },
  };
}

export function stsOperations(deps: StsDeps): (QueryOperation | UnsignedQueryOperation)[] {
  const signed = [
    decodeAuthorizationMessage(deps),
    getCallerIdentity,
    getAccessKeyInfo(deps),
    assumeRoleOperation(deps),
    getSessionTokenOperation(deps),
    assumeRootOperation(deps),
  ];
  return [...signed.map(refuseSessionTokenCredentials), assumeRoleWithWebIdentityOperation(deps)];
}

export function createStsProtocol(deps: StsDeps): ProtocolAdapter {
  return createQueryProtocol({ service: 'sts', version: STS_VERSION, xmlns: STS_XMLNS, operations: stsOperations(deps) });
}
