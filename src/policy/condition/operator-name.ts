/**
 * Splits a condition operator as written (`ForAnyValue:StringLikeIfExists`) into its set qualifier,
 * base operator and `IfExists` suffix. IAM matches operator names case-sensitively.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */

export const BASE_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
] as const;

export type BaseOperatorName = (typeof BASE_OPERATORS)[number];

/** `ForAnyValue:` / `ForAllValues:` change how a multivalued request key is compared. */
export type SetQualifier = 'None' | 'ForAnyValue' | 'ForAllValues';

export interface OperatorName {
  readonly base: BaseOperatorName;
  readonly qualifier: SetQualifier;
  readonly ifExists: boolean;
}

const BASE_SET: ReadonlySet<string> = new Set(BASE_OPERATORS);

export function parseOperatorName(raw: string): OperatorName | undefined {
  let rest = raw;
  let qualifier: SetQualifier = 'None';
  if (rest.startsWith('ForAnyValue:')) {
    qualifier = 'ForAnyValue';
    rest = rest.slice('ForAnyValue:'.length);
  } else if (rest.startsWith('ForAllValues:')) {
    qualifier = 'ForAllValues';
    rest = rest.slice('ForAllValues:'.length);
  }
  let ifExists = false;
  if (rest.endsWith('IfExists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  if (!BASE_SET.has(rest)) return undefined;
  const base = rest as BaseOperatorName;
  // `NullIfExists` has no meaning: Null already tests presence.
  if (base === 'Null' && ifExists) return undefined;
  return { base, qualifier, ifExists };
}
