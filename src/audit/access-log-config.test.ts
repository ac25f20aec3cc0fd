import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessLogObjectKey, bucketLoggingStatusXml, parseBucketLoggingStatus } from './access-log-config.js';

const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'no error';
};

test('logging status: an empty BucketLoggingStatus disables logging, and is what Get answers when off', () => {
  assert.equal(parseBucketLoggingStatus(`<BucketLoggingStatus ${NS}/>`), undefined);
  assert.equal(parseBucketLoggingStatus(`<BucketLoggingStatus ${NS}></BucketLoggingStatus>`), undefined);
  assert.equal(
    bucketLoggingStatusXml(undefined),
    `<?xml version="1.0" encoding="UTF-8"?>\n<BucketLoggingStatus ${NS}></BucketLoggingStatus>`,
  );
});

test('logging status: LoggingEnabled with grants and a partitioned key format round-trips', () => {
  const xml =
    `<BucketLoggingStatus ${NS}><LoggingEnabled><TargetBucket>logs</TargetBucket>` +
    `<TargetGrants><Grant><Grantee ${XSI} xsi:type="CanonicalUser"><ID>abc123</ID></Grantee>` +
    '<Permission>READ</Permission></Grant>' +
    `<Grant><Grantee ${XSI} xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee>` +
    '<Permission>WRITE</Permission></Grant></TargetGrants>' +
    '<TargetPrefix>photos/</TargetPrefix><TargetObjectKeyFormat><PartitionedPrefix>' +
    '<PartitionDateSource>DeliveryTime</PartitionDateSource></PartitionedPrefix></TargetObjectKeyFormat>' +
    '</LoggingEnabled></BucketLoggingStatus>';
  const config = parseBucketLoggingStatus(xml);
  assert.deepEqual(config, {
    targetBucket: 'logs',
    targetPrefix: 'photos/',
    targetGrants: [
      { grantee: { type: 'CanonicalUser', id: 'abc123' }, permission: 'READ' },
      { grantee: { type: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AllUsers' }, permission: 'WRITE' },
    ],
    targetObjectKeyFormat: { kind: 'PartitionedPrefix', partitionDateSource: 'DeliveryTime' },
  });
  const out = bucketLoggingStatusXml(config);
  assert.equal(out, `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
  assert.deepEqual(parseBucketLoggingStatus(out), config);
});

test('logging status: SimplePrefix and no key format; an empty TargetPrefix is allowed', () => {
  const base = `<BucketLoggingStatus ${NS}><LoggingEnabled><TargetBucket>logs</TargetBucket><TargetPrefix></TargetPrefix>`;
  const simple = parseBucketLoggingStatus(
    `${base}<TargetObjectKeyFormat><SimplePrefix/></TargetObjectKeyFormat></LoggingEnabled></BucketLoggingStatus>`,
  );
  assert.deepEqual(simple?.targetObjectKeyFormat, { kind: 'SimplePrefix' });
  assert.match(bucketLoggingStatusXml(simple), /<TargetObjectKeyFormat><SimplePrefix><\/SimplePrefix><\/TargetObjectKeyFormat>/);
  const none = parseBucketLoggingStatus(`${base}</LoggingEnabled></BucketLoggingStatus>`);
  assert.deepEqual(none, { targetBucket: 'logs', targetPrefix: '', targetGrants: [] });
});

test('logging status: malformed documents are MalformedXML, an email grantee is refused as by PutBucketAcl', () => {
  const wrap = (inner: string) =>
    `<BucketLoggingStatus ${NS}><LoggingEnabled>${inner}</LoggingEnabled></BucketLoggingStatus>`;
  const parsed = (xml: string) => code(() => parseBucketLoggingStatus(xml));
  const target = '<TargetBucket>b</TargetBucket><TargetPrefix/>';
  assert.equal(parsed('<BucketLoggingStatus>'), 'MalformedXML');
  assert.equal(parsed('<Logging/>'), 'MalformedXML');
  assert.equal(parsed(wrap('<TargetPrefix>p</TargetPrefix>')), 'MalformedXML');
  assert.equal(parsed(wrap('<TargetBucket>b</TargetBucket>')), 'MalformedXML');
  const both = '<TargetObjectKeyFormat><SimplePrefix/><PartitionedPrefix/></TargetObjectKeyFormat>';
  assert.equal(parsed(wrap(`${target}${both}`)), 'MalformedXML');
  const badSource = '<PartitionedPrefix><PartitionDateSource>Now</PartitionDateSource></PartitionedPrefix>';
  assert.equal(parsed(wrap(`${target}<TargetObjectKeyFormat>${badSource}</TargetObjectKeyFormat>`)), 'MalformedXML');
  const grant = (g: string, p: string) =>
    wrap(`${target}<TargetGrants><Grant><Grantee>${g}</Grantee><Permission>${p}</Permission></Grant></TargetGrants>`);
  assert.equal(parsed(grant('<ID>x</ID>', 'READ_ACP')), 'MalformedXML');
  assert.equal(parsed(grant('', 'READ')), 'MalformedXML');
  assert.equal(parsed(grant('<EmailAddress>a@b.c</EmailAddress>', 'READ')), 'UnresolvableGrantByEmailAddress');
  // The check can fail: a valid grant parses.
  assert.equal(parsed(grant('<ID>x</ID>', 'FULL_CONTROL')), 'no error');
});

const KEY_BASE = {
  deliveryTime: new Date(Date.UTC(2023, 10, 1, 21, 32, 16)),
  eventTime: new Date(Date.UTC(2023, 9, 31, 23, 59, 59)),
  sourceAccountId: '123456789012',
  sourceRegion: 'us-east-1',
  sourceBucket: 'photos',
  uniqueString: 'E568B2907131C0C0',
};

test('log object key: SimplePrefix (and no format) is [TargetPrefix]YYYY-mm-DD-HH-MM-SS-UniqueString', () => {
  const simple = { targetPrefix: 'logs/', targetObjectKeyFormat: { kind: 'SimplePrefix' } as const };
  assert.equal(accessLogObjectKey({ ...KEY_BASE, config: simple }), 'logs/2023-11-01-21-32-16-E568B2907131C0C0');
  assert.equal(accessLogObjectKey({ ...KEY_BASE, config: { targetPrefix: '' } }), '2023-11-01-21-32-16-E568B2907131C0C0');
  const random = accessLogObjectKey({ ...KEY_BASE, uniqueString: undefined, config: { targetPrefix: '' } });
  assert.match(random, /^2023-11-01-21-32-16-[0-9A-F]{16}$/);
});

test('log object key: PartitionedPrefix by DeliveryTime, by EventTime (day only, 00-00-00), EventTime by default', () => {
  const partitioned = (partitionDateSource?: 'EventTime' | 'DeliveryTime') => ({
    targetPrefix: 'logs/',
    targetObjectKeyFormat: { kind: 'PartitionedPrefix', ...(partitionDateSource ? { partitionDateSource } : {}) } as const,
  });
  assert.equal(
    accessLogObjectKey({ ...KEY_BASE, config: partitioned('DeliveryTime') }),
    'logs/123456789012/us-east-1/photos/2023/11/01/2023-11-01-21-32-16-E568B2907131C0C0',
  );
  const byEvent = 'logs/123456789012/us-east-1/photos/2023/10/31/2023-10-31-00-00-00-E568B2907131C0C0';
  assert.equal(accessLogObjectKey({ ...KEY_BASE, config: partitioned('EventTime') }), byEvent);
  assert.equal(accessLogObjectKey({ ...KEY_BASE, config: partitioned() }), byEvent);
  assert.throws(() => accessLogObjectKey({ ...KEY_BASE, eventTime: undefined, config: partitioned('EventTime') }), TypeError);
});
