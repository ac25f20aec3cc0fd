/**
 * Account-level S3 Block Public Access, the S3 Control API:
 * `PUT|GET|DELETE /v20180820/configuration/publicAccessBlock` with `x-amz-account-id`.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_PutPublicAccessBlock.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-account.html
 *
 * The resource is the account itself: the checks name `*` (the service authorization reference lists
 * no resource type for these actions) and the account of `x-amz-account-id` as the resource's account.
 * An account has no resource policy, so a caller of another account is implicitly denied
 * (AccessDenied), as AWS refuses a request for an account other than the signer's.
 */
import type { IamStore } from '../iam/store/types.js';
import { parsePublicAccessBlockConfiguration, publicAccessBlockXml } from '../s3/public-access-block.js';
import { readVerifiedBody } from '../s3/request-body.js';
import type { AuthzCheck } from '../server/protocol.js';
import type { AccountPublicAccessBlocks } from './account-public-access-blocks.js';
import type { S3ControlResult } from './render.js';
import { s3ControlError } from './s3control-errors.js';
import { prepared, type S3ControlContext, type S3ControlOperation } from './s3control-operation.js';

export interface PublicAccessBlockDeps {
  readonly store: IamStore;
  readonly accountPublicAccessBlocks: AccountPublicAccessBlocks;
}

export const PUBLIC_ACCESS_BLOCK_PATH = '/v20180820/configuration/publicAccessBlock';

/** A configuration document is four booleans: far below this. */
const MAX_DOCUMENT_BYTES = 16 * 1024;

function accountCheck(ctx: S3ControlContext, action: string): AuthzCheck {
  return { action, resource: '*', resourceAccount: ctx.accountId, context: {} };
}

/**
 * While an organization's S3 policy sets the account's Block Public Access, account-level changes are
 * refused: "You might get an Access Denied (403) error when the account is managed by
 * organization-level Block Public Access policies."
 */
async function refuseWhenManagedByOrganization(deps: PublicAccessBlockDeps, accountId: string): Promise<void> {
  if ((await deps.accountPublicAccessBlocks.state(accountId)).managedByOrganization) {
    throw s3ControlError('AccessDenied', {
      message: "The account's Block Public Access settings are managed by an organization-level S3 policy",
    });
  }
}

const ok = (): S3ControlResult => ({ status: 200 });

export function publicAccessBlockOperations(deps: PublicAccessBlockDeps): S3ControlOperation[] {
  return [
    {
      name: 'PutPublicAccessBlock',
      method: 'PUT',
      path: PUBLIC_ACCESS_BLOCK_PATH,
      prepare: async (ctx) =>
        prepared([accountCheck(ctx, 's3:PutAccountPublicAccessBlock')], async () => {
          const body = await readVerifiedBody(ctx, { requireIntegrity: false, maxBytes: MAX_DOCUMENT_BYTES });
          const settings = parsePublicAccessBlockConfiguration(body.toString('utf8'));
          await refuseWhenManagedByOrganization(deps, ctx.accountId);
          await deps.store.settings.putPublicAccessBlock(ctx.accountId, settings);
          return ok();
        }),
    },
    {
      // The effective account-level configuration: the organization's S3 policy when one applies.
      name: 'GetPublicAccessBlock',
      method: 'GET',
      path: PUBLIC_ACCESS_BLOCK_PATH,
      prepare: async (ctx) =>
        prepared([accountCheck(ctx, 's3:GetAccountPublicAccessBlock')], async () => {
          const { effective } = await deps.accountPublicAccessBlocks.state(ctx.accountId);
          if (effective === undefined) {
            throw s3ControlError('NoSuchPublicAccessBlockConfiguration', { fields: { AccountId: ctx.accountId } });
          }
          const body = publicAccessBlockXml(effective);
          return { status: 200, document: { root: 'PublicAccessBlockConfiguration', body } };
        }),
    },
    {
      // No delete permission exists: DeletePublicAccessBlock needs s3:PutAccountPublicAccessBlock.
      // 200 whether or not the account had a configuration.
      name: 'DeletePublicAccessBlock',
      method: 'DELETE',
      path: PUBLIC_ACCESS_BLOCK_PATH,
      prepare: async (ctx) =>
        prepared([accountCheck(ctx, 's3:PutAccountPublicAccessBlock')], async () => {
          await refuseWhenManagedByOrganization(deps, ctx.accountId);
          await deps.store.settings.deletePublicAccessBlock(ctx.accountId);
          return ok();
        }),
    },
  ];
}
