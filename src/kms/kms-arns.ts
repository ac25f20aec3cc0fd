/**
 * KMS identifiers. A key is named by its key id (a UUID), its key ARN, an alias name or an alias
 * ARN; aliases live in one account and Region.
 * https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id
 */

export type KeyRef =
  | { readonly kind: 'KeyId'; readonly keyId: string }
  | { readonly kind: 'KeyArn'; readonly region: string; readonly accountId: string; readonly keyId: string }
  | { readonly kind: 'AliasName'; readonly aliasName: string }
  | { readonly kind: 'AliasArn'; readonly region: string; readonly accountId: string; readonly aliasName: string }
  | { readonly kind: 'Invalid' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KMS_ARN = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):(key\/(.+)|(alias\/.+))$/;

export const ALIAS_PREFIX = 'alias/';
/** Reserved for AWS managed keys: customers cannot create, update or delete these aliases. */
export const AWS_ALIAS_PREFIX = 'alias/aws/';

export function parseKeyRef(ref: string): KeyRef {
  if (ref.startsWith(ALIAS_PREFIX)) return { kind: 'AliasName', aliasName: ref };
  const arn = KMS_ARN.exec(ref);
  if (arn) {
    const [, region, accountId, , keyId, aliasName] = arn;
    if (aliasName !== undefined) return { kind: 'AliasArn', region, accountId, aliasName };
    return UUID.test(keyId) ? { kind: 'KeyArn', region, accountId, keyId } : { kind: 'Invalid' };
  }
  return UUID.test(ref) ? { kind: 'KeyId', keyId: ref } : { kind: 'Invalid' };
}

export function keyArn(region: string, accountId: string, keyId: string): string {
  return `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
}

export function aliasArn(region: string, accountId: string, aliasName: string): string {
  return `arn:aws:kms:${region}:${accountId}:${aliasName}`;
}

/** An alias given by name or ARN (UpdateAlias and DeleteAlias take names only). */
export function aliasNameOf(ref: KeyRef): string | undefined {
  if (ref.kind === 'AliasName' || ref.kind === 'AliasArn') return ref.aliasName;
  return undefined;
}
