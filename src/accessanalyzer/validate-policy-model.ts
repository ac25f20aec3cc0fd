import type { JsonEntryNode, JsonNode, JsonObjectNode, TextSpan } from '../policy/json-source.js';
import type { IssueCode } from './validate-policy-catalog.js';
import type { Location, PathElement } from './validate-policy.js';

/**
 * A policy document read for ValidatePolicy: the IAM policy grammar with every value kept next to its
 * place in the text (path + span), read leniently so one malformed element does not hide the findings
 * about the others. Wrong JSON types are reported here (DATA_TYPE_MISMATCH, INVALID_PRINCIPAL_FORMAT,
 * INVALID_POLICY_ELEMENT); the checks read the model.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */

export type Report = (
  code: IssueCode,
  locations: readonly Location[],
  params?: Readonly<Record<string, string>>,
) => void;

/** A string of the document and where it is. */
export interface StringItem {
  readonly value: string;
  readonly location: Location;
}

/** Action / NotAction / Resource / NotResource: a string or an array of strings. */
export interface ListElement {
  readonly name: string;
  /** The element's key (`"Action"`) and its value. */
  readonly key: Location;
  readonly location: Location;
  readonly isArray: boolean;
  readonly items: readonly StringItem[];
}

export interface PrincipalEntry {
  /** `AWS`, `Service`, `Federated`, `CanonicalUser` — or whatever was written. */
  readonly type: string;
  readonly key: Location;
  readonly location: Location;
  readonly isArray: boolean;
  readonly items: readonly StringItem[];
}

/** Principal / NotPrincipal: `"*"` or an object of principal types. */
export interface PrincipalElement {
  readonly name: 'Principal' | 'NotPrincipal';
  readonly key: Location;
  readonly location: Location;
  /** `"Principal": "*"`. */
  readonly star: boolean;
  /** The value is a JSON object (its entries are the principal types). */
  readonly isObject: boolean;
  readonly entries: readonly PrincipalEntry[];
}

export type ConditionJsonType = 'string' | 'number' | 'boolean';

export interface ConditionValue extends StringItem {
  readonly jsonType: ConditionJsonType;
}

/** One `operator → key → values` of a Condition element. */
export interface ConditionClause {
  readonly operator: string;
  readonly operatorKey: Location;
  readonly key: string;
  readonly keyLocation: Location;
  /** The key's value: a scalar or an array. */
  readonly location: Location;
  readonly isArray: boolean;
  readonly values: readonly ConditionValue[];
}

export interface StatementModel {
  /** Undefined when `Statement` is a single object rather than an array. */
  readonly index: number | undefined;
  readonly location: Location;
  readonly path: readonly PathElement[];
  readonly sid: StringItem | undefined;
  readonly effect: StringItem | undefined;
  readonly action: ListElement | undefined;
  readonly notAction: ListElement | undefined;
  readonly resource: ListElement | undefined;
  readonly notResource: ListElement | undefined;
  readonly principal: PrincipalElement | undefined;
  readonly notPrincipal: PrincipalElement | undefined;
  /** The Condition element's value, when it is an object. */
  readonly condition: Location | undefined;
  readonly conditions: readonly ConditionClause[];
  /** Every element written, by name (the last one when a name repeats), with its key's and value's place. */
  readonly elements: ReadonlyMap<string, { readonly key: Location; readonly value: Location }>;
}

export interface PolicyModel {
  readonly root: Location;
  /** The Version element's value, whatever its type; `version` is set when it is a string. */
  readonly versionElement: Location | undefined;
  readonly version: StringItem | undefined;
  /** The `Statement` element's value, when present. */
  readonly statement: Location | undefined;
  /** `"Statement": []`. */
  readonly emptyStatement: boolean;
  readonly statements: readonly StatementModel[];
}

const TOP_ELEMENTS: ReadonlySet<string> = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_ELEMENTS: ReadonlySet<string> = new Set([
  'Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition',
]);
const LIST_ELEMENTS = ['Action', 'NotAction', 'Resource', 'NotResource'] as const;

export function at(path: readonly PathElement[], span: TextSpan): Location {
  return { path, span };
}

/** Reads the document; undefined (after reporting why) when it is not a JSON object. */
export function readPolicyModel(root: JsonNode, report: Report): PolicyModel | undefined {
  const rootLocation = at([], root.span);
  if (root.kind !== 'object') {
    report('DATA_TYPE_MISMATCH', [rootLocation], { data_type: 'Object' });
    return undefined;
  }
  let version: StringItem | undefined;
  let versionElement: Location | undefined;
  let statement: Location | undefined;
  let statements: StatementModel[] = [];
  let emptyStatement = false;
  for (const entry of root.entries) {
    const path: PathElement[] = [{ value: entry.key }];
    const location = at(path, entry.value.span);
    if (!TOP_ELEMENTS.has(entry.key)) {
      report('INVALID_POLICY_ELEMENT', [at([{ key: entry.key }], entry.keySpan)], { element: entry.key });
    }
    else if (entry.key === 'Version') {
      versionElement = location;
      version = readString(entry.value, path, report);
    }
    else if (entry.key === 'Id') readString(entry.value, path, report);
    else {
      statement = location;
      statements = readStatements(entry.value, report);
      emptyStatement = entry.value.kind === 'array' && entry.value.items.length === 0;
    }
  }
  return { root: rootLocation, versionElement, version, statement, emptyStatement, statements };
}

function readString(node: JsonNode, path: readonly PathElement[], report: Report): StringItem | undefined {
  if (node.kind === 'string') return { value: node.value, location: at(path, node.span) };
  report('DATA_TYPE_MISMATCH', [at(path, node.span)], { data_type: 'String' });
  return undefined;
}

function readStatements(node: JsonNode, report: Report): StatementModel[] {
  const base: PathElement[] = [{ value: 'Statement' }];
  if (node.kind === 'object') return [readStatement(node, undefined, base, report)];
  if (node.kind !== 'array') {
    report('DATA_TYPE_MISMATCH', [at(base, node.span)], { data_type: 'Object or Array' });
    return [];
  }
  const out: StatementModel[] = [];
  node.items.forEach((item, index) => {
    const path: PathElement[] = [...base, { index }];
    if (item.kind === 'object') out.push(readStatement(item, index, path, report));
    else report('DATA_TYPE_MISMATCH', [at(path, item.span)], { data_type: 'Object' });
  });
  return out;
}

function readStatement(
  node: JsonObjectNode,
  index: number | undefined,
  path: PathElement[],
  report: Report,
): StatementModel {
  const elements = new Map<string, { key: Location; value: Location }>();
  const entries = new Map<string, JsonEntryNode>();
  for (const entry of node.entries) {
    const key = at([...path, { key: entry.key }], entry.keySpan);
    if (!STATEMENT_ELEMENTS.has(entry.key)) {
      report('INVALID_POLICY_ELEMENT', [key], { element: entry.key });
      continue;
    }
    elements.set(entry.key, { key, value: at([...path, { value: entry.key }], entry.value.span) });
    entries.set(entry.key, entry);
  }
  const element = (name: string): JsonEntryNode | undefined => entries.get(name);
  const lists = Object.fromEntries(
    LIST_ELEMENTS.map((name) => [name, readList(element(name), path, report)]),
  ) as Record<(typeof LIST_ELEMENTS)[number], ListElement | undefined>;
  const sidEntry = element('Sid');
  const effectEntry = element('Effect');
  const conditionEntry = element('Condition');
  const condition = conditionEntry && readConditions(conditionEntry, path, report);
  return {
    index,
    location: at(path, node.span),
    path,
    sid: sidEntry && readString(sidEntry.value, [...path, { value: 'Sid' }], report),
    effect: effectEntry && readString(effectEntry.value, [...path, { value: 'Effect' }], report),
    action: lists.Action,
    notAction: lists.NotAction,
    resource: lists.Resource,
    notResource: lists.NotResource,
    principal: readPrincipal(element('Principal'), 'Principal', path, report),
    notPrincipal: readPrincipal(element('NotPrincipal'), 'NotPrincipal', path, report),
    condition: condition?.location,
    conditions: condition?.clauses ?? [],
    elements,
  };
}

/** A string, or an array of strings (other items are reported and left out). */
function readStrings(
  node: JsonNode,
  path: readonly PathElement[],
  report: Report,
): { isArray: boolean; items: StringItem[] } | undefined {
  if (node.kind === 'string') return { isArray: false, items: [{ value: node.value, location: at(path, node.span) }] };
  if (node.kind !== 'array') {
    report('DATA_TYPE_MISMATCH', [at(path, node.span)], { data_type: 'String or Array' });
    return undefined;
  }
  const items: StringItem[] = [];
  node.items.forEach((item, index) => {
    const itemPath: PathElement[] = [...path, { index }];
    if (item.kind === 'string') items.push({ value: item.value, location: at(itemPath, item.span) });
    else report('DATA_TYPE_MISMATCH', [at(itemPath, item.span)], { data_type: 'String' });
  });
  return { isArray: true, items };
}

function readList(entry: JsonEntryNode | undefined, path: PathElement[], report: Report): ListElement | undefined {
  if (!entry) return undefined;
  const valuePath: PathElement[] = [...path, { value: entry.key }];
  const strings = readStrings(entry.value, valuePath, report);
  return {
    name: entry.key,
    key: at([...path, { key: entry.key }], entry.keySpan),
    location: at(valuePath, entry.value.span),
    isArray: strings?.isArray ?? false,
    items: strings?.items ?? [],
  };
}

function readPrincipal(
  entry: JsonEntryNode | undefined,
  name: 'Principal' | 'NotPrincipal',
  path: PathElement[],
  report: Report,
): PrincipalElement | undefined {
  if (!entry) return undefined;
  const valuePath: PathElement[] = [...path, { value: name }];
  const base = { name, key: at([...path, { key: name }], entry.keySpan), location: at(valuePath, entry.value.span) };
  const node = entry.value;
  if (node.kind === 'string' && node.value === '*') return { ...base, star: true, isObject: false, entries: [] };
  if (node.kind !== 'object') {
    report('INVALID_PRINCIPAL_FORMAT', [base.location]);
    return { ...base, star: false, isObject: false, entries: [] };
  }
  const entries: PrincipalEntry[] = [];
  for (const typeEntry of node.entries) {
    const typePath: PathElement[] = [...valuePath, { value: typeEntry.key }];
    const strings = readStrings(typeEntry.value, typePath, report);
    entries.push({
      type: typeEntry.key,
      key: at([...valuePath, { key: typeEntry.key }], typeEntry.keySpan),
      location: at(typePath, typeEntry.value.span),
      isArray: strings?.isArray ?? false,
      items: strings?.items ?? [],
    });
  }
  return { ...base, star: false, isObject: true, entries };
}

function readConditions(
  entry: JsonEntryNode,
  path: PathElement[],
  report: Report,
): { location: Location; clauses: ConditionClause[] } | undefined {
  const conditionPath: PathElement[] = [...path, { value: 'Condition' }];
  const node = entry.value;
  if (node.kind !== 'object') {
    report('DATA_TYPE_MISMATCH', [at(conditionPath, node.span)], { data_type: 'Object' });
    return undefined;
  }
  const clauses: ConditionClause[] = [];
  if (node.entries.length === 0) report('EMPTY_OBJECT_CONDITION', [at(conditionPath, node.span)]);
  for (const operatorEntry of node.entries) {
    const operatorPath: PathElement[] = [...conditionPath, { value: operatorEntry.key }];
    const block = operatorEntry.value;
    if (block.kind !== 'object') {
      report('DATA_TYPE_MISMATCH', [at(operatorPath, block.span)], { data_type: 'Object' });
      continue;
    }
    const operatorKey = at([...conditionPath, { key: operatorEntry.key }], operatorEntry.keySpan);
    if (block.entries.length === 0) report('EMPTY_OBJECT_CONDITION', [at(operatorPath, block.span)]);
    for (const keyEntry of block.entries) {
      const clause = readClause(operatorEntry.key, operatorKey, keyEntry, operatorPath, report);
      if (clause) clauses.push(clause);
    }
  }
  return { location: at(conditionPath, node.span), clauses };
}

function readClause(
  operator: string,
  operatorKey: Location,
  entry: JsonEntryNode,
  operatorPath: PathElement[],
  report: Report,
): ConditionClause | undefined {
  const valuePath: PathElement[] = [...operatorPath, { value: entry.key }];
  const node = entry.value;
  const base = {
    operator,
    operatorKey,
    key: entry.key,
    keyLocation: at([...operatorPath, { key: entry.key }], entry.keySpan),
    location: at(valuePath, node.span),
  };
  const scalar = (item: JsonNode, itemPath: PathElement[]): ConditionValue | undefined => {
    if (item.kind === 'string' || item.kind === 'number' || item.kind === 'boolean') {
      return { value: String(item.value), jsonType: item.kind, location: at(itemPath, item.span) };
    }
    report('DATA_TYPE_MISMATCH', [at(itemPath, item.span)], { data_type: 'String, Number or Boolean' });
    return undefined;
  };
  if (node.kind !== 'array') {
    const value = scalar(node, valuePath);
    return value && { ...base, isArray: false, values: [value] };
  }
  const values: ConditionValue[] = [];
  node.items.forEach((item, index) => {
    const value = scalar(item, [...valuePath, { index }]);
    if (value) values.push(value);
  });
  return { ...base, isArray: true, values };
}
