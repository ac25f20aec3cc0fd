import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudTrailEvent } from './cloudtrail-event.js';
import { fieldSelects, selectsEvent, type AdvancedEventSelector } from './cloudtrail-selectors.js';

function event(over: Partial<CloudTrailEvent>): CloudTrailEvent {
  return {
    eventVersion: '1.11', userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root' },
    eventTime: '2026-01-01T00:00:00Z', eventSource: 'iam.amazonaws.com', eventName: 'CreateUser',
    awsRegion: 'us-east-1', sourceIPAddress: '127.0.0.1', requestParameters: null, responseElements: null,
    requestID: 'R', eventID: 'E', readOnly: false, eventType: 'AwsApiCall', managementEvent: true,
    recipientAccountId: '111122223333', eventCategory: 'Management', ...over,
  };
}

function s3Data(name: string, key: string | undefined, readOnly: boolean): CloudTrailEvent {
  return event({
    eventSource: 's3.amazonaws.com', eventName: name, readOnly, managementEvent: false, eventCategory: 'Data',
    resources: [
      ...(key !== undefined ? [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::photos/${key}` }] : []),
      { accountId: '111122223333', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::photos' },
    ],
  });
}

const createUser = event({});
const getUser = event({ eventName: 'GetUser', readOnly: true });
const kmsDecrypt = event({ eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', readOnly: true });
const getObject = s3Data('GetObject', '2024/cat.jpg', true);
const putObject = s3Data('PutObject', 'raw/dog.png', false);
const listObjects = s3Data('ListObjects', undefined, true);

test('basic: defaults log all management events and no data events', () => {
  const sel = { eventSelectors: [{}] };
  assert.equal(selectsEvent(sel, createUser), true);
  assert.equal(selectsEvent(sel, getUser), true);
  assert.equal(selectsEvent(sel, getObject), false);
});

test('basic: ReadWriteType ReadOnly / WriteOnly; IncludeManagementEvents false; excluded sources', () => {
  assert.equal(selectsEvent({ eventSelectors: [{ ReadWriteType: 'ReadOnly' }] }, createUser), false);
  assert.equal(selectsEvent({ eventSelectors: [{ ReadWriteType: 'ReadOnly' }] }, getUser), true);
  assert.equal(selectsEvent({ eventSelectors: [{ ReadWriteType: 'WriteOnly' }] }, createUser), true);
  assert.equal(selectsEvent({ eventSelectors: [{ ReadWriteType: 'WriteOnly' }] }, getUser), false);
  assert.equal(selectsEvent({ eventSelectors: [{ IncludeManagementEvents: false }] }, createUser), false);
  const noKms = { eventSelectors: [{ ExcludeManagementEventSources: ['kms.amazonaws.com'] }] };
  assert.equal(selectsEvent(noKms, kmsDecrypt), false);
  assert.equal(selectsEvent(noKms, createUser), true);
});

test('basic: DataResources AWS::S3::Object — all buckets, one bucket, a key prefix', () => {
  const of = (values: string[], rw: 'All' | 'WriteOnly' = 'All') => ({
    eventSelectors: [{ ReadWriteType: rw, IncludeManagementEvents: false,
      DataResources: [{ Type: 'AWS::S3::Object', Values: values }] }],
  });
  assert.equal(selectsEvent(of(['arn:aws:s3']), getObject), true);
  assert.equal(selectsEvent(of(['arn:aws:s3']), createUser), false);
  assert.equal(selectsEvent(of(['arn:aws:s3:::photos/']), getObject), true);
  assert.equal(selectsEvent(of(['arn:aws:s3:::photos/']), listObjects), true);
  assert.equal(selectsEvent(of(['arn:aws:s3:::photos/2024/']), getObject), true);
  assert.equal(selectsEvent(of(['arn:aws:s3:::photos/2024/']), putObject), false);
  assert.equal(selectsEvent(of(['arn:aws:s3:::photos/2024/']), listObjects), false);
  assert.equal(selectsEvent(of(['arn:aws:s3:::photo/']), getObject), false);
  assert.equal(selectsEvent(of(['arn:aws:s3:::photos/'], 'WriteOnly'), getObject), false);
  assert.equal(selectsEvent(of(['arn:aws:s3:::photos/'], 'WriteOnly'), putObject), true);
  const other = { eventSelectors: [{ DataResources: [{ Type: 'AWS::Lambda::Function', Values: ['arn:aws:lambda'] }] }] };
  assert.equal(selectsEvent(other, getObject), false);
});

test('advanced: management events, write-only', () => {
  const sel: AdvancedEventSelector = { Name: 'mgmt writes', FieldSelectors: [
    { Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['false'] }] };
  const t = { advancedEventSelectors: [sel] };
  assert.equal(selectsEvent(t, createUser), true);
  assert.equal(selectsEvent(t, getUser), false);
  assert.equal(selectsEvent(t, putObject), false);
});

test('advanced: S3 data events by resources.type and resources.ARN, excluding a suffix and an event name', () => {
  const t = { advancedEventSelectors: [{ FieldSelectors: [
    { Field: 'eventCategory', Equals: ['Data'] },
    { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
    { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::photos/'], NotEndsWith: ['.png'] },
    { Field: 'eventName', NotEquals: ['DeleteObject'] },
  ] }] };
  assert.equal(selectsEvent(t, getObject), true);
  assert.equal(selectsEvent(t, putObject), false, '.png excluded');
  assert.equal(selectsEvent(t, listObjects), true, 'bucket-level data event matches the whole-bucket prefix');
  assert.equal(selectsEvent(t, s3Data('DeleteObject', 'a.jpg', false)), false);
  assert.equal(selectsEvent(t, createUser), false);
});

test('advanced: eventSource NotStartsWith and EndsWith; any selector suffices', () => {
  const t = { advancedEventSelectors: [
    { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] },
      { Field: 'eventSource', NotStartsWith: ['kms.'] }] },
    { FieldSelectors: [{ Field: 'eventName', EndsWith: ['Object'] }, { Field: 'readOnly', Equals: ['true'] }] },
  ] };
  assert.equal(selectsEvent(t, createUser), true);
  assert.equal(selectsEvent(t, kmsDecrypt), false);
  assert.equal(selectsEvent(t, getObject), true);
  assert.equal(selectsEvent(t, putObject), false);
});

test('fieldSelects: positive operators OR their values, negative ones exclude any, operators AND', () => {
  assert.equal(fieldSelects({ Field: 'f', Equals: ['a', 'b'] }, ['b']), true);
  assert.equal(fieldSelects({ Field: 'f', Equals: ['a'] }, []), false);
  assert.equal(fieldSelects({ Field: 'f', NotEquals: ['a'] }, []), true);
  assert.equal(fieldSelects({ Field: 'f', StartsWith: ['x'], EndsWith: ['z'] }, ['xyz']), true);
  assert.equal(fieldSelects({ Field: 'f', StartsWith: ['x'], EndsWith: ['q'] }, ['xyz']), false);
  assert.equal(fieldSelects({ Field: 'f', NotStartsWith: ['a', 'x'] }, ['xyz']), false);
  assert.equal(fieldSelects({ Field: 'f', Equals: ['ABC'] }, ['abc']), false, 'case-sensitive');
});
