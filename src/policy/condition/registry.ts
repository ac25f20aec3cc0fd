import { arnEquals, arnLike, arnNotEquals, arnNotLike } from './arn-like.js';
import { binaryEquals } from './binary-equals.js';
import { bool } from './bool.js';
import {
  dateEquals,
  dateGreaterThan,
  dateGreaterThanEquals,
  dateLessThan,
  dateLessThanEquals,
  dateNotEquals,
} from './date.js';
import { ipAddress, notIpAddress } from './ip-address.js';
import {
  numericEquals,
  numericGreaterThan,
  numericGreaterThanEquals,
  numericLessThan,
  numericLessThanEquals,
  numericNotEquals,
} from './numeric.js';
import type { BaseOperatorName } from './operator-name.js';
import type { ConditionOperator } from './operator.js';
import { stringEqualsIgnoreCase, stringNotEqualsIgnoreCase } from './string-equals-ignore-case.js';
import { stringEquals, stringNotEquals } from './string-equals.js';
import { stringLike, stringNotLike } from './string-like.js';

/** Every operator but Null (which tests presence and lives in null.ts). */
export const OPERATORS: Readonly<Record<Exclude<BaseOperatorName, 'Null'>, ConditionOperator<unknown, unknown>>> = {
  StringEquals: stringEquals,
  StringNotEquals: stringNotEquals,
  StringEqualsIgnoreCase: stringEqualsIgnoreCase,
  StringNotEqualsIgnoreCase: stringNotEqualsIgnoreCase,
  StringLike: stringLike,
  StringNotLike: stringNotLike,
  NumericEquals: numericEquals,
  NumericNotEquals: numericNotEquals,
  NumericLessThan: numericLessThan,
  NumericLessThanEquals: numericLessThanEquals,
  NumericGreaterThan: numericGreaterThan,
  NumericGreaterThanEquals: numericGreaterThanEquals,
  DateEquals: dateEquals,
  DateNotEquals: dateNotEquals,
  DateLessThan: dateLessThan,
  DateLessThanEquals: dateLessThanEquals,
  DateGreaterThan: dateGreaterThan,
  DateGreaterThanEquals: dateGreaterThanEquals,
  Bool: bool,
  BinaryEquals: binaryEquals,
  IpAddress: ipAddress,
  NotIpAddress: notIpAddress,
  ArnEquals: arnEquals,
  ArnLike: arnLike,
  ArnNotEquals: arnNotEquals,
  ArnNotLike: arnNotLike,
};

/** Operators whose values may contain policy variables (string and ARN comparisons only). */
export const VARIABLE_OPERATORS: ReadonlySet<BaseOperatorName> = new Set<BaseOperatorName>([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
]);
