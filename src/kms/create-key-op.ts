import type { JsonContext, JsonOperation } from '../json-protocol/types.js';
import { accountCheck, requestTagKeys, type Context } from './kms-checks.js';
import { kmsError, validation } from './kms-errors.js';
import { keyMetadata } from './key-metadata.js';
import { defaultKeyPolicy, validateKeyPolicy } from './key-policy.js';
import { newMaterial, type LoadedKey } from './loaded-key.js';
import { readTags, requestFacts, RULES, type KmsDeps } from './kms-request.js';
import { perRequest } from '../protocol/per-request.js';

const KEY_USAGES = ['SIGN_VERIFY', 'ENCRYPT_DECRYPT', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'];
const KEY_SPECS = [
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'SYMMETRIC_DEFAULT',
  'HMAC_224',
  'HMAC_256',
  'HMAC_384',
  'HMAC_512',
  'SM2',
  'ML_DSA_44',
  'ML_DSA_65',
  'ML_DSA_87',
  'ECC_NIST_EDWARDS25519',
];
const ORIGINS = ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'];

interface CreateKeyInput {
  readonly policy: string | undefined;
  readonly description: string;
  readonly tags: ReturnType<typeof readTags>;
  readonly bypass: boolean;
}

/**
 * CreateKey's input. Strongbox's KMS makes symmetric encryption keys with key material it generates
 * (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT, AWS_KMS, single-Region).
 * Deviation from AWS: asymmetric and HMAC key specs, imported or external key material, custom key
 * stores and multi-Region keys are refused with UnsupportedOperationException.
 */
function readCreateKey(ctx: JsonContext): CreateKeyInput {
  const input = ctx.input;
  const usage = input.optionalString('KeyUsage', { enum: KEY_USAGES }) ?? 'ENCRYPT_DECRYPT';
  const spec = input.optionalString('KeySpec', { enum: KEY_SPECS });
  const legacySpec = input.optionalString('CustomerMasterKeySpec', { enum: KEY_SPECS });
  if (spec !== undefined && legacySpec !== undefined) {
    throw validation(
      'You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.',
    );
  }
  const keySpec = spec ?? legacySpec ?? 'SYMMETRIC_DEFAULT';
  const origin = input.optionalString('Origin', { enum: ORIGINS }) ?? 'AWS_KMS';
  if (input.optionalString('CustomKeyStoreId', { min: 1, max: 64 }) !== undefined)
    throw kmsError('CustomKeyStoreNotFoundException');
  if (keySpec !== 'SYMMETRIC_DEFAULT')
    throw kmsError('UnsupportedOperationException', { message: `KeySpec ${keySpec} is not supported.` });
  if (usage !== 'ENCRYPT_DECRYPT')
    throw validation(`KeyUsage ${usage} is not compatible with KeySpec SYMMETRIC_DEFAULT`);
  if (origin !== 'AWS_KMS')
    throw kmsError('UnsupportedOperationException', { message: `Origin ${origin} is not supported.` });
  if (input.optionalBoolean('MultiRegion') === true) {
    throw kmsError('UnsupportedOperationException', { message: 'Multi-Region keys are not supported.' });
  }
  return {
    policy: input.optionalString('Policy', RULES.policy),
    description: input.optionalString('Description', RULES.description) ?? '',
    tags: readTags(input, 'Tags', { required: false }),
    bypass: input.optionalBoolean('BypassPolicyLockoutSafetyCheck') ?? false,
  };
}

/** The condition keys of CreateKey (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html). */
function createContext(i: CreateKeyInput): Context {
  return {
    'kms:KeySpec': 'SYMMETRIC_DEFAULT',
    'kms:KeyUsage': 'ENCRYPT_DECRYPT',
    'kms:KeyOrigin': 'AWS_KMS',
    'kms:MultiRegion': 'false',
    'kms:BypassPolicyLockoutSafetyCheck': String(i.bypass),
    ...requestTagKeys(i.tags),
  };
}

/** A customer managed key with the given (or the default) key policy and fresh key material. */
async function createCustomerKey(deps: KmsDeps, ctx: JsonContext, i: CreateKeyInput): Promise<LoadedKey> {
  const keyId = deps.directory.newKeyId();
  const policy = i.policy ?? defaultKeyPolicy(ctx.accountId);
  if (i.policy !== undefined) {
    await validateKeyPolicy({
      policy,
      keyArn: deps.directory.arnOf(ctx.accountId, keyId),
      keyAccount: ctx.accountId,
      ...requestFacts(ctx, { 'kms:CallerAccount': ctx.accountId }),
      bypassLockoutSafetyCheck: i.bypass,
      principalExists: deps.principalExists,
    });
  }
  const at = deps.now();
  return deps.directory.createKey({
    record: {
      keyId,
      accountId: ctx.accountId,
      region: deps.directory.region,
      description: i.description,
      keyManager: 'CUSTOMER',
      state: 'Enabled',
      createdAt: at,
      deletionDate: undefined,
      pendingWindowDays: undefined,
      policy,
      rotation: { enabled: false, periodDays: undefined, nextRotationAt: undefined },
      tags: i.tags,
    },
    material: newMaterial(1, at),
  });
}

/**
 * CreateKey; with Tags it also needs kms:TagResource.
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html
 */
export function createKeyOperation(deps: KmsDeps): JsonOperation {
  const input = perRequest(async (ctx: JsonContext) => readCreateKey(ctx));
  return {
    name: 'CreateKey',
    async checks(ctx) {
      const i = await input(ctx);
      const checks = [accountCheck(ctx.accountId, 'CreateKey', '*', createContext(i))];
      if (i.tags.length > 0) checks.push(accountCheck(ctx.accountId, 'TagResource', '*', requestTagKeys(i.tags)));
      return checks;
    },
    async handler(ctx) {
      return { KeyMetadata: keyMetadata(await createCustomerKey(deps, ctx, await input(ctx))) };
    },
  };
}
