import { randomBytes } from 'node:crypto';
import type { JsonInput } from '../json-protocol/json-input.js';
import type { JsonContext, JsonOperation, JsonResult } from '../json-protocol/types.js';
import { contextConditionKeys, type EncryptionContext } from './encryption-context.js';
import { decryptUnder, encryptUnder, keyOfBlob } from './key-crypto.js';
import { aliasKeys, keyCheck, type Context } from './kms-checks.js';
import { kmsError, validation } from './kms-errors.js';
import type { LoadedKey } from './loaded-key.js';
import { readBlob, readContext, readGrantTokens, requestedKey, type KmsDeps } from './kms-request.js';
import { perRequest } from '../protocol/per-request.js';

/**
 * The cryptographic operations on symmetric keys: Encrypt, Decrypt, GenerateDataKey(WithoutPlaintext)
 * and ReEncrypt. Each accepts a key of another account by key ARN or alias ARN, and carries the
 * encryption context's condition keys. DryRun answers DryRunOperationException once authorized.
 * https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose.html
 */

const ALGORITHMS = ['SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE'];
const PLAINTEXT = { min: 1, max: 4096 };
const CIPHERTEXT = { min: 1, max: 6144 };

/** EncryptionAlgorithm: symmetric keys support SYMMETRIC_DEFAULT only. */
function readAlgorithm(input: JsonInput, member: string, key: LoadedKey): string {
  const algorithm = input.optionalString(member, { enum: ALGORITHMS }) ?? 'SYMMETRIC_DEFAULT';
  if (algorithm !== 'SYMMETRIC_DEFAULT') {
    throw kmsError('InvalidKeyUsageException', {
      message: `${key.arn} key usage is ENCRYPT_DECRYPT which is not valid for ${algorithm}.`,
    });
  }
  return algorithm;
}

function cryptoContext(context: EncryptionContext, requestAlias: string | undefined): Context {
  return {
    'kms:EncryptionAlgorithm': 'SYMMETRIC_DEFAULT',
    ...contextConditionKeys(context),
    ...aliasKeys(requestAlias),
  };
}

function dryRun(ctx: JsonContext): void {
  if (ctx.input.optionalBoolean('DryRun') === true) throw kmsError('DryRunOperationException');
}

const b64 = (b: Buffer) => b.toString('base64');

function encrypt(deps: KmsDeps): JsonOperation {
  const request = perRequest(async (ctx: JsonContext) => {
    const found = await requestedKey(deps, ctx, { crossAccount: true });
    const plaintext = readBlob(ctx.input, 'Plaintext', { ...PLAINTEXT, required: true }) as Buffer;
    readGrantTokens(ctx.input);
    readAlgorithm(ctx.input, 'EncryptionAlgorithm', found.key);
    return { ...found, plaintext, context: readContext(ctx.input) };
  });
  return {
    name: 'Encrypt',
    async checks(ctx) {
      const r = await request(ctx);
      return [
        keyCheck(r.key, 'Encrypt', { callerAccount: ctx.accountId, context: cryptoContext(r.context, r.requestAlias) }),
      ];
    },
    async handler(ctx) {
      const r = await request(ctx);
      dryRun(ctx);
      const sealed = encryptUnder(r.key, r.plaintext, r.context);
      return { CiphertextBlob: b64(sealed.blob), KeyId: r.key.arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
  };
}

/** Decrypt finds the key in the blob; a KeyId, when given, must name that key (IncorrectKeyException). */
function decrypt(deps: KmsDeps): JsonOperation {
  const request = perRequest(async (ctx: JsonContext) => {
    const blob = readBlob(ctx.input, 'CiphertextBlob', { ...CIPHERTEXT, required: true }) as Buffer;
    readGrantTokens(ctx.input);
    const key = await keyOfBlob(deps.directory, blob);
    readAlgorithm(ctx.input, 'EncryptionAlgorithm', key);
    const named = ctx.input.has('KeyId') ? await requestedKey(deps, ctx, { crossAccount: true }) : undefined;
    return { key, blob, named, context: readContext(ctx.input) };
  });
  return {
    name: 'Decrypt',
    async checks(ctx) {
      const r = await request(ctx);
      return [
        keyCheck(r.key, 'Decrypt', {
          callerAccount: ctx.accountId,
          context: cryptoContext(r.context, r.named?.requestAlias),
        }),
      ];
    },
    async handler(ctx) {
      const r = await request(ctx);
      if (r.named !== undefined && r.named.key.record.keyId !== r.key.record.keyId)
        throw kmsError('IncorrectKeyException');
      dryRun(ctx);
      const opened = decryptUnder(r.key, r.blob, r.context);
      return {
        KeyId: r.key.arn,
        Plaintext: b64(opened.plaintext),
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        KeyMaterialId: opened.material.materialId,
      };
    },
  };
}

/** NumberOfBytes (1..1024) or KeySpec (AES_256: 32 bytes, AES_128: 16), exactly one of them. */
function dataKeyLength(input: JsonInput): number {
  const bytes = input.optionalInt('NumberOfBytes', { min: 1, max: 1024 });
  const spec = input.optionalString('KeySpec', { enum: ['AES_256', 'AES_128'] });
  if ((bytes === undefined) === (spec === undefined))
    throw validation('Please specify either number of bytes or key spec.');
  return bytes ?? (spec === 'AES_128' ? 16 : 32);
}

/**
 * GenerateDataKey and GenerateDataKeyWithoutPlaintext: a random data key and its CiphertextBlob
 * (both actions are checked as themselves; `kms:GenerateDataKey*` in a policy covers both).
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKey.html
 */
function generateDataKey(deps: KmsDeps, o: { withPlaintext: boolean }): JsonOperation {
  const name = o.withPlaintext ? 'GenerateDataKey' : 'GenerateDataKeyWithoutPlaintext';
  const request = perRequest(async (ctx: JsonContext) => {
    const found = await requestedKey(deps, ctx, { crossAccount: true });
    readGrantTokens(ctx.input);
    return { ...found, length: dataKeyLength(ctx.input), context: readContext(ctx.input) };
  });
  return {
    name,
    async checks(ctx) {
      const r = await request(ctx);
      return [
        keyCheck(r.key, name, { callerAccount: ctx.accountId, context: cryptoContext(r.context, r.requestAlias) }),
      ];
    },
    async handler(ctx) {
      const r = await request(ctx);
      dryRun(ctx);
      const plaintext = randomBytes(r.length);
      const sealed = encryptUnder(r.key, plaintext, r.context);
      const out: JsonResult = {
        CiphertextBlob: b64(sealed.blob),
        KeyId: r.key.arn,
        KeyMaterialId: sealed.material.materialId,
      };
      return o.withPlaintext ? { ...out, Plaintext: b64(plaintext) } : out;
    },
  };
}

/**
 * ReEncrypt: decrypts under the source key and encrypts under the destination key without exposing
 * the plaintext; needs kms:ReEncryptFrom on the source and kms:ReEncryptTo on the destination.
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html
 */
function reEncrypt(deps: KmsDeps): JsonOperation {
  const request = perRequest(async (ctx: JsonContext) => {
    const blob = readBlob(ctx.input, 'CiphertextBlob', { ...CIPHERTEXT, required: true }) as Buffer;
    readGrantTokens(ctx.input);
    const source = await keyOfBlob(deps.directory, blob);
    const named = ctx.input.has('SourceKeyId')
      ? await requestedKey(deps, ctx, { member: 'SourceKeyId', crossAccount: true })
      : undefined;
    const destination = await requestedKey(deps, ctx, { member: 'DestinationKeyId', crossAccount: true });
    readAlgorithm(ctx.input, 'SourceEncryptionAlgorithm', source);
    readAlgorithm(ctx.input, 'DestinationEncryptionAlgorithm', destination.key);
    return {
      blob,
      source,
      named,
      destination,
      sourceContext: readContext(ctx.input, 'SourceEncryptionContext'),
      destinationContext: readContext(ctx.input, 'DestinationEncryptionContext'),
    };
  });
  return {
    name: 'ReEncrypt',
    async checks(ctx) {
      const r = await request(ctx);
      const sameKey = { 'kms:ReEncryptOnSameKey': String(r.source.record.keyId === r.destination.key.record.keyId) };
      const from = { ...cryptoContext(r.sourceContext, r.named?.requestAlias), ...sameKey };
      const to = { ...cryptoContext(r.destinationContext, r.destination.requestAlias), ...sameKey };
      return [
        keyCheck(r.source, 'ReEncryptFrom', { callerAccount: ctx.accountId, context: from }),
        keyCheck(r.destination.key, 'ReEncryptTo', { callerAccount: ctx.accountId, context: to }),
      ];
    },
    async handler(ctx) {
      const r = await request(ctx);
      if (r.named !== undefined && r.named.key.record.keyId !== r.source.record.keyId)
        throw kmsError('IncorrectKeyException');
      dryRun(ctx);
      const opened = decryptUnder(r.source, r.blob, r.sourceContext);
      const sealed = encryptUnder(r.destination.key, opened.plaintext, r.destinationContext);
      return {
        CiphertextBlob: b64(sealed.blob),
        SourceKeyId: r.source.arn,
        KeyId: r.destination.key.arn,
        SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        SourceKeyMaterialId: opened.material.materialId,
        DestinationKeyMaterialId: sealed.material.materialId,
      };
    },
  };
}

export function cryptoOperations(deps: KmsDeps): JsonOperation[] {
  return [
    encrypt(deps),
    decrypt(deps),
    generateDataKey(deps, { withPlaintext: true }),
    generateDataKey(deps, { withPlaintext: false }),
    reEncrypt(deps),
  ];
}
