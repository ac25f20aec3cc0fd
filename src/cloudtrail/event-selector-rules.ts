/**
 * PutEventSelectors' input, read and checked as CloudTrail checks it: basic selectors (1 to 5, at most
 * 250 data resources in all) or advanced selectors (an eventCategory in each, at most 500 values in
 * all), never both. Every broken rule is InvalidEventSelectorsException.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html
 */
import type { JsonInput } from '../json-protocol/json-input.js';
import type { AdvancedEventSelector, AdvancedFieldSelector, DataResource, EventSelector, TrailSelectors } from '../audit/cloudtrail-selectors.js';
import { cloudTrailError } from './cloudtrail-errors.js';

export const MAX_EVENT_SELECTORS = 5;
export const MAX_DATA_RESOURCES = 250;
export const MAX_ADVANCED_VALUES = 500;

/** Data resource types basic selectors take (API_DataResource). */
const BASIC_DATA_TYPES = ['AWS::S3::Object', 'AWS::Lambda::Function', 'AWS::DynamoDB::Table'];
/** The only management event sources a selector may exclude. */
const EXCLUDABLE_SOURCES = ['kms.amazonaws.com', 'rdsdata.amazonaws.com'];
const OPERATORS = ['Equals', 'StartsWith', 'EndsWith', 'NotEquals', 'NotStartsWith', 'NotEndsWith'] as const;
/** Fields a trail's advanced selectors may use, per event category. */
const FIELDS: Readonly<Record<string, readonly string[]>> = {
  Management: ['eventCategory', 'eventSource', 'readOnly'],
  Data: ['eventCategory', 'eventName', 'eventSource', 'eventType', 'resources.type', 'readOnly', 'resources.ARN',
    'sessionCredentialFromConsole', 'userIdentity.arn'],
};
/** Fields that take Equals only. */
const EQUALS_ONLY = ['eventCategory', 'readOnly', 'resources.type'];

function invalid(message: string): never {
  throw cloudTrailError('InvalidEventSelectorsException', { message });
}

export function readSelectors(input: JsonInput): TrailSelectors {
  const basic = input.optionalStructureList('EventSelectors');
  const advanced = input.optionalStructureList('AdvancedEventSelectors');
  if (basic !== undefined && advanced !== undefined) invalid('Specify either event selectors or advanced event selectors, not both.');
  if (advanced !== undefined) return { advancedEventSelectors: readAdvanced(advanced) };
  if (basic === undefined) invalid('Specify event selectors or advanced event selectors.');
  return { eventSelectors: readBasic(basic) };
}

function readBasic(list: JsonInput[]): EventSelector[] {
  if (list.length < 1 || list.length > MAX_EVENT_SELECTORS) invalid(`A trail can have 1 to ${MAX_EVENT_SELECTORS} event selectors.`);
  let resources = 0;
  const out = list.map((s) => {
    const rw = s.optionalString('ReadWriteType') ?? 'All';
    if (rw !== 'ReadOnly' && rw !== 'WriteOnly' && rw !== 'All') invalid(`Invalid ReadWriteType: ${rw}`);
    const exclude = s.optionalStringList('ExcludeManagementEventSources') ?? [];
    for (const src of exclude) if (!EXCLUDABLE_SOURCES.includes(src)) invalid(`Invalid ExcludeManagementEventSources value: ${src}`);
    const data = (s.optionalStructureList('DataResources') ?? []).map(readDataResource);
    resources += data.length;
    return {
      ReadWriteType: rw,
      IncludeManagementEvents: s.optionalBoolean('IncludeManagementEvents') ?? true,
      DataResources: data,
      ExcludeManagementEventSources: exclude,
    } satisfies EventSelector;
  });
  if (resources > MAX_DATA_RESOURCES) invalid(`A trail can have at most ${MAX_DATA_RESOURCES} data resources.`);
  return out;
}

/**
 * S3 object values: `arn:aws:s3` or `arn:aws:s3:::` (every bucket), `arn:aws:s3:::<bucket>/[prefix]`.
 * Decision where AWS is silent on the exact check: a value for another type is only required to be an
 * ARN (Strongbox has no Lambda functions or DynamoDB tables; such a selector selects nothing here).
 */
function readDataResource(r: JsonInput): DataResource {
  const type = r.optionalString('Type');
  if (type === undefined || !BASIC_DATA_TYPES.includes(type)) invalid(`Invalid data resource type: ${String(type)}`);
  const values = r.optionalStringList('Values') ?? [];
  for (const v of values) {
    const ok = type === 'AWS::S3::Object'
      ? v === 'arn:aws:s3' || v === 'arn:aws:s3:::' || /^arn:aws:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.*$/.test(v)
      : v.startsWith('arn:');
    if (!ok) invalid(`Value ${v} for DataResources.Values is invalid.`);
  }
  return { Type: type, Values: values };
}

function readAdvanced(list: JsonInput[]): AdvancedEventSelector[] {
  if (list.length < 1) invalid('Specify at least one advanced event selector.');
  let values = 0;
  const out = list.map((s) => {
    const name = s.optionalString('Name', { max: 1000 });
    const fields = (s.optionalStructureList('FieldSelectors') ?? []).map(readFieldSelector);
    if (fields.length < 1) invalid('An advanced event selector needs field selectors.');
    checkAdvanced(fields);
    for (const f of fields) for (const op of OPERATORS) values += f[op]?.length ?? 0;
    return { ...(name !== undefined ? { Name: name } : {}), FieldSelectors: fields };
  });
  if (values > MAX_ADVANCED_VALUES) invalid(`A trail can have at most ${MAX_ADVANCED_VALUES} values in its advanced event selectors.`);
  return out;
}

function readFieldSelector(f: JsonInput): AdvancedFieldSelector {
  const field = f.optionalString('Field');
  if (field === undefined || !/^[\w.]{1,1000}$/.test(field)) invalid(`Invalid field: ${String(field)}`);
  const out: Record<string, unknown> = { Field: field };
  let operators = 0;
  for (const op of OPERATORS) {
    const v = f.optionalStringList(op);
    if (v === undefined) continue;
    if (v.length < 1 || v.some((x) => x.length < 1 || x.length > 2048)) invalid(`Invalid ${op} values for field ${field}.`);
    out[op] = v;
    operators++;
  }
  if (operators === 0) invalid(`Field ${field} has no operator.`);
  return out as unknown as AdvancedFieldSelector;
}

/**
 * One selector: eventCategory (Equals Management or Data) is required; Data selectors need
 * resources.type; each field is allowed for the category, at most once; eventCategory, readOnly and
 * resources.type take Equals only; readOnly is `true` or `false`.
 */
function checkAdvanced(fields: readonly AdvancedFieldSelector[]): void {
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.Field)) invalid(`Field ${f.Field} is used more than once in a selector.`);
    seen.add(f.Field);
    if (EQUALS_ONLY.includes(f.Field) && OPERATORS.some((op) => op !== 'Equals' && f[op] !== undefined)) {
      invalid(`Field ${f.Field} can only use the Equals operator.`);
    }
  }
  const category = fields.find((f) => f.Field === 'eventCategory')?.Equals;
  if (category === undefined || category.length !== 1 || FIELDS[category[0]] === undefined) {
    invalid('Each advanced event selector needs eventCategory Equals Management or Data.');
  }
  const allowed = FIELDS[category[0]];
  for (const f of fields) if (!allowed.includes(f.Field)) invalid(`Field ${f.Field} is not valid for ${category[0]} events.`);
  const readOnly = fields.find((f) => f.Field === 'readOnly')?.Equals;
  if (readOnly !== undefined && readOnly.some((v) => v !== 'true' && v !== 'false')) invalid('readOnly must be true or false.');
  if (category[0] === 'Data') {
    const type = fields.find((f) => f.Field === 'resources.type')?.Equals;
    if (type === undefined || type.length !== 1) invalid('A data event selector needs one resources.type value.');
  }
}
