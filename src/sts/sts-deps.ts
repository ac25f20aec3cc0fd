import type { AwsManagedPolicyCatalog } from '../iam/aws-managed/catalog.js';
import type { IamStore } from '../iam/store/types.js';
import type { AuthorizationMessageCodec } from './authorization-message.js';
import type { SessionTokenCodec } from './session-token.js';
import type { JwksSource } from './web-identity/jwks-cache.js';

export interface StsDeps {
  readonly store: IamStore;
  readonly tokens: SessionTokenCodec;
  readonly awsManaged: AwsManagedPolicyCatalog;
  readonly now: () => Date;
  /** Records that a role was assumed (GetRole's RoleLastUsed), off the request path. */
  readonly recordRoleUse: (roleId: string, at: Date, region: string) => void;
  /** OpenID issuers' signing keys (AssumeRoleWithWebIdentity), cached. */
  readonly jwks: JwksSource;
  readonly authorizationMessages: AuthorizationMessageCodec;
}
