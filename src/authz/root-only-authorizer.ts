import type { Caller } from '../identity/caller.js';
import type { Authorizer, AuthzCheck, AuthzOutcome } from '../server/protocol.js';

/**
 * An authorizer without IAM policies: an account root may do anything in its own account; everyone
 * else is implicitly denied. The server uses PolicyAuthorizer; this one serves tests of layers below
 * authorization (the S3 unit-test server), where roots are the only callers.
 */
export class RootOnlyAuthorizer implements Authorizer {
  async authorize(caller: Caller, checks: readonly AuthzCheck[]): Promise<AuthzOutcome> {
    for (const check of checks) {
      const ownAccount = caller.kind === 'Root' && (check.resourceAccount === undefined || check.resourceAccount === caller.accountId);
      if (!ownAccount) {
        const who = caller.kind === 'Anonymous' ? 'anonymous' : caller.arn;
        return {
          decision: 'ImplicitDeny',
          deniedCheck: check,
          message: `User: ${who} is not authorized to perform: ${check.action} on resource: "${check.resource}" because no identity-based policy allows the ${check.action} action`,
        };
      }
    }
    return { decision: 'Allow' };
  }
}
