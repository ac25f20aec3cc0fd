import { loadAwsManagedPolicies } from '../../iam/aws-managed/catalog.js';
import type { IamStore } from '../../iam/store/types.js';
import { AuthorizationMessageCodec } from '../authorization-message.js';
import { SessionKeyRing } from '../session-keys.js';
import { SessionTokenCodec } from '../session-token.js';
import type { StsDeps } from '../sts-deps.js';
import { JwksCache } from '../web-identity/jwks-cache.js';

/** STS dependencies over a (memory) IAM store, with an injectable clock, for unit tests. */
export function stsTestDeps(store: IamStore, now: () => Date = () => new Date()): StsDeps & { readonly roleUses: string[] } {
  const roleUses: string[] = [];
  const ring = new SessionKeyRing(store.sessionKeys, { now });
  return {
    store,
    tokens: new SessionTokenCodec(ring),
    authorizationMessages: new AuthorizationMessageCodec(ring),
    awsManaged: loadAwsManagedPolicies(),
    now,
    recordRoleUse: (roleId) => roleUses.push(roleId),
    jwks: new JwksCache({ now: () => now().getTime() }),
    roleUses,
  };
}
