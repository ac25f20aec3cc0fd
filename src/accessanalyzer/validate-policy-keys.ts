/**
 * AWS's global condition keys, with the operator family each one takes and whether it is multivalued
 * (TYPE_MISMATCH, STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS, MISSING_QUALIFIER,
 * FORALLVALUES_WITH_SINGLE_VALUED_KEY, INVALID_GLOBAL_CONDITION_KEY).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */

export type KeyType = 'String' | 'ARN' | 'Numeric' | 'Date' | 'DateOrNumeric' | 'Boolean' | 'IPAddress';

export interface GlobalKey {
  readonly name: string;
  readonly type: KeyType;
  readonly multivalued: boolean;
}

/** `[name, type]`, `+` after the type for a multivalued key. */
const KEYS: readonly (readonly [string, string])[] = [
  // Properties of the principal
  ['aws:PrincipalArn', 'ARN'], ['aws:PrincipalAccount', 'String'], ['aws:PrincipalOrgPaths', 'String+'],
  ['aws:PrincipalOrgID', 'String'], ['aws:PrincipalIsAWSService', 'Boolean'], ['aws:PrincipalServiceName', 'String'],
  ['aws:PrincipalServiceNamesList', 'String+'], ['aws:PrincipalType', 'String'], ['aws:userid', 'String'],
  ['aws:username', 'String'],
  // Properties of a role session
  ['aws:AssumedRoot', 'String'], ['aws:FederatedProvider', 'String'], ['aws:TokenIssueTime', 'Date'],
  ['aws:MultiFactorAuthAge', 'Numeric'], ['aws:MultiFactorAuthPresent', 'Boolean'], ['aws:ChatbotSourceArn', 'ARN'],
  ['aws:Ec2InstanceSourceVpc', 'String'], ['aws:Ec2InstanceSourcePrivateIPv4', 'IPAddress'],
  ['aws:SourceIdentity', 'String'],
  // Properties of the network
  ['aws:SourceIp', 'IPAddress'], ['aws:SourceVpc', 'String'], ['aws:SourceVpcArn', 'ARN'], ['aws:SourceVpce', 'String'],
  ['aws:VpceAccount', 'String'], ['aws:VpceOrgID', 'String'], ['aws:VpceOrgPaths', 'String+'],
  ['aws:VpcSourceIp', 'IPAddress'],
  // Properties of the resource
  ['aws:ResourceAccount', 'String'], ['aws:ResourceOrgID', 'String'], ['aws:ResourceOrgPaths', 'String+'],
  // Properties of the request
  ['aws:CalledVia', 'String+'], ['aws:CalledViaFirst', 'String'], ['aws:CalledViaLast', 'String'],
  ['aws:ViaAWSService', 'Boolean'], ['aws:CurrentTime', 'Date'], ['aws:EpochTime', 'DateOrNumeric'],
  ['aws:referer', 'String'],
  ['aws:RequestedRegion', 'String'], ['aws:TagKeys', 'String+'], ['aws:SecureTransport', 'Boolean'],
  ['aws:SourceAccount', 'String'], ['aws:SourceArn', 'ARN'], ['aws:SourceOrgID', 'String'],
  ['aws:SourceOrgPaths', 'String+'],
  ['aws:UserAgent', 'String'],
  // Still honoured by S3 bucket policies (its "meaning of public" lists it).
  ['aws:SourceOwner', 'String'],
];

const BY_NAME: ReadonlyMap<string, GlobalKey> = new Map(
  KEYS.map(([name, t]) => {
    const key: GlobalKey = { name, type: t.replace('+', '') as KeyType, multivalued: t.endsWith('+') };
    return [name.toLowerCase(), key];
  }),
);

/** The tag keys: `aws:ResourceTag/<tag-key>`, ... — the tag key is required. */
export const TAG_KEY_FAMILIES: readonly string[] = ['aws:PrincipalTag/', 'aws:RequestTag/', 'aws:ResourceTag/'];

/** A global key by name (any case); undefined for an unknown `aws:` key or another service's key. */
export function globalKey(key: string): GlobalKey | undefined {
  const lower = key.toLowerCase();
  const known = BY_NAME.get(lower);
  if (known) return known;
  const family = TAG_KEY_FAMILIES.find((f) => lower.startsWith(f.toLowerCase()) && lower.length > f.length);
  return family ? { name: key, type: 'String', multivalued: false } : undefined;
}

/** The operator families a key type takes; `Null` fits every key. */
export function operatorFitsKey(category: OperatorCategory, type: KeyType): boolean {
  switch (type) {
    case 'String':
      return category === 'String';
    case 'ARN':
      return category === 'ARN' || category === 'String';
    case 'Numeric':
      return category === 'Numeric';
    case 'Date':
      return category === 'Date';
    case 'DateOrNumeric':
      return category === 'Date' || category === 'Numeric';
    case 'Boolean':
      return category === 'Bool';
    default:
      return category === 'IP';
  }
}

/** How TYPE_MISMATCH names the operator type to use. */
export function keyTypeLabel(type: KeyType): string {
  return type === 'DateOrNumeric' ? 'Date' : type;
}

export type OperatorCategory = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'IP' | 'ARN' | 'Null';

export function operatorCategory(base: string): OperatorCategory {
  if (base.startsWith('String')) return 'String';
  if (base.startsWith('Numeric')) return 'Numeric';
  if (base.startsWith('Date')) return 'Date';
  if (base === 'Bool') return 'Bool';
  if (base === 'BinaryEquals') return 'Binary';
  if (base.startsWith('Arn')) return 'ARN';
  if (base === 'Null') return 'Null';
  return 'IP';
}
