/**
 * S3 server access logging configuration: the BucketLoggingStatus document of PutBucketLogging /
 * GetBucketLogging, and the keys of the log objects delivered to the target bucket.
 * Shapes: botocore's S3 model (BucketLoggingStatus, LoggingEnabled, TargetGrant, TargetObjectKeyFormat).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLogging.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html#server-log-keyname-format
 */
import { randomBytes } from 'node:crypto';
import { escapeXml, toXml } from '../protocol/xml.js';
import { granteeOf } from '../s3/acl-request.js';
import { s3Error } from '../s3/errors.js';
import { S3_XMLNS } from '../s3/render.js';
import { childText, children, parseXml, type XmlElement } from '../s3/xml-parse.js';
import type { AclGrantee } from '../storage/ports.js';

export type BucketLogsPermission = 'FULL_CONTROL' | 'READ' | 'WRITE';
export type PartitionDateSource = 'EventTime' | 'DeliveryTime';

export type TargetObjectKeyFormat =
  | { readonly kind: 'SimplePrefix' }
  | { readonly kind: 'PartitionedPrefix'; readonly partitionDateSource?: PartitionDateSource };

export interface TargetGrant {
  readonly grantee: AclGrantee;
  readonly permission: BucketLogsPermission;
}

/** LoggingEnabled; a bucket with logging off has no configuration (undefined). */
export interface BucketLoggingConfig {
  readonly targetBucket: string;
  readonly targetPrefix: string;
  readonly targetGrants: readonly TargetGrant[];
  /** Absent: SimplePrefix, AWS's default. */
  readonly targetObjectKeyFormat?: TargetObjectKeyFormat;
}

const PERMISSIONS: readonly string[] = ['FULL_CONTROL', 'READ', 'WRITE'];
const DATE_SOURCES: readonly string[] = ['EventTime', 'DeliveryTime'];
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/**
 * Reads a PutBucketLogging body. `<BucketLoggingStatus/>` (no LoggingEnabled) disables logging:
 * undefined. LoggingEnabled requires TargetBucket and TargetPrefix (the model's `required`); a missing
 * one, an unknown Permission or PartitionDateSource, or both key formats at once is MalformedXML.
 * Whether the target bucket exists, is in the region and is owned by the same account is checked by the
 * handler (InvalidTargetBucketForLogging), not here: this module has no store.
 */
export function parseBucketLoggingStatus(xml: string): BucketLoggingConfig | undefined {
  const root = parseXml(xml, 'BucketLoggingStatus', ['LoggingEnabled', 'Grant']);
  const enabled = children(root, 'LoggingEnabled');
  if (enabled.length === 0) return undefined;
  if (enabled.length > 1) throw s3Error('MalformedXML');
  const el = enabled[0];
  const targetBucket = childText(el, 'TargetBucket');
  const targetPrefix = childText(el, 'TargetPrefix');
  if (targetBucket === undefined || targetBucket === '' || targetPrefix === undefined) throw s3Error('MalformedXML');
  const grantsEl = children(el, 'TargetGrants');
  if (grantsEl.length > 1) throw s3Error('MalformedXML');
  const targetGrants = grantsEl.length === 0 ? [] : children(grantsEl[0], 'Grant').map(readGrant);
  const formatEl = children(el, 'TargetObjectKeyFormat');
  if (formatEl.length > 1) throw s3Error('MalformedXML');
  const targetObjectKeyFormat = formatEl.length === 0 ? undefined : readKeyFormat(formatEl[0]);
  return { targetBucket, targetPrefix, targetGrants, ...(targetObjectKeyFormat ? { targetObjectKeyFormat } : {}) };
}

/**
 * A Grantee's kind is its `xsi:type` attribute, which parseXml drops; we infer it from the child that
 * names the grantee (ID → CanonicalUser, URI → Group, EmailAddress → refused as by PutBucketAcl).
 * Deviation from AWS: a Grantee whose xsi:type disagrees with its child is not refused.
 */
function readGrant(g: XmlElement): TargetGrant {
  const permission = childText(g, 'Permission');
  if (permission === undefined || !PERMISSIONS.includes(permission)) throw s3Error('MalformedXML');
  const grantees = children(g, 'Grantee');
  if (grantees.length !== 1) throw s3Error('MalformedXML');
  const grantee = grantees[0];
  const id = childText(grantee, 'ID');
  const uri = childText(grantee, 'URI');
  const email = childText(grantee, 'EmailAddress');
  const kind = id ? 'id' : uri ? 'uri' : email ? 'emailaddress' : undefined;
  if (kind === undefined) throw s3Error('MalformedXML');
  return { grantee: granteeOf(kind, (id || uri || email)!), permission: permission as BucketLogsPermission };
}

function readKeyFormat(el: XmlElement): TargetObjectKeyFormat {
  const simple = children(el, 'SimplePrefix');
  const partitioned = children(el, 'PartitionedPrefix');
  // "Only one format, PartitionedPrefix or SimplePrefix, is allowed."
  if (simple.length + partitioned.length !== 1) throw s3Error('MalformedXML');
  if (simple.length === 1) return { kind: 'SimplePrefix' };
  const source = childText(partitioned[0], 'PartitionDateSource');
  if (source === undefined) return { kind: 'PartitionedPrefix' };
  if (!DATE_SOURCES.includes(source)) throw s3Error('MalformedXML');
  return { kind: 'PartitionedPrefix', partitionDateSource: source as PartitionDateSource };
}

/** The GetBucketLogging answer: `<BucketLoggingStatus/>` with no LoggingEnabled when logging is off. */
export function bucketLoggingStatusXml(config: BucketLoggingConfig | undefined): string {
  if (config === undefined) return toXml('BucketLoggingStatus', {}, S3_XMLNS);
  const format = config.targetObjectKeyFormat;
  const formatNode =
    format === undefined
      ? undefined
      : format.kind === 'SimplePrefix'
        ? { SimplePrefix: {} }
        : { PartitionedPrefix: { PartitionDateSource: format.partitionDateSource } };
  const xml = toXml(
    'BucketLoggingStatus',
    {
      LoggingEnabled: {
        TargetBucket: config.targetBucket,
        // Replaced below: toXml writes no attributes, and a Grantee carries xsi:type.
        TargetGrants: config.targetGrants.length > 0 ? {} : undefined,
        TargetPrefix: config.targetPrefix,
        TargetObjectKeyFormat: formatNode,
      },
    },
    S3_XMLNS,
  );
  if (config.targetGrants.length === 0) return xml;
  const grants = `<TargetGrants>${config.targetGrants.map(grantXml).join('')}</TargetGrants>`;
  return xml.replace('<TargetGrants></TargetGrants>', grants);
}

function grantXml(g: TargetGrant): string {
  const who = g.grantee.type === 'CanonicalUser'
    ? `<ID>${escapeXml(g.grantee.id)}</ID>`
    : `<URI>${escapeXml(g.grantee.uri)}</URI>`;
  const grantee = `<Grantee xmlns:xsi="${XSI}" xsi:type="${g.grantee.type}">${who}</Grantee>`;
  return `<Grant>${grantee}<Permission>${g.permission}</Permission></Grant>`;
}

export interface AccessLogObjectKeyOptions {
  readonly config: Pick<BucketLoggingConfig, 'targetPrefix' | 'targetObjectKeyFormat'>;
  /** When the file is delivered. */
  readonly deliveryTime: Date;
  /** When the file's events happened (any of them: only the day is used). Needed for EventTime. */
  readonly eventTime?: Date;
  readonly sourceAccountId: string;
  readonly sourceRegion: string;
  readonly sourceBucket: string;
  /** Injected for tests; default: 16 random upper-case hex digits, as AWS's (`...-E568B2907131C0C0`). */
  readonly uniqueString?: string;
}

/**
 * The log object's key. SimplePrefix: `[TargetPrefix]YYYY-mm-DD-HH-MM-SS-UniqueString`.
 * PartitionedPrefix: `[TargetPrefix][SourceAccountId]/[SourceRegion]/[SourceBucket]/[YYYY]/[MM]/[DD]/
 * [YYYY]-[MM]-[DD]-[hh]-[mm]-[ss]-[UniqueString]`. The model: "For DeliveryTime, the time in the log file
 * names corresponds to the delivery time ... For EventTime, ... the year, month, and day correspond to
 * the day on which the event occurred, and the hour, minutes and seconds are set to 00 in the key."
 * PartitionedPrefix without a PartitionDateSource is EventTime ("defaults to EventTime delivery").
 */
export function accessLogObjectKey(options: AccessLogObjectKeyOptions): string {
  const { config } = options;
  const unique = options.uniqueString ?? randomBytes(8).toString('hex').toUpperCase();
  const format = config.targetObjectKeyFormat;
  if (format === undefined || format.kind === 'SimplePrefix') {
    return `${config.targetPrefix}${stamp(options.deliveryTime)}-${unique}`;
  }
  const source = format.partitionDateSource ?? 'EventTime';
  let time = options.deliveryTime;
  if (source === 'EventTime') {
    if (options.eventTime === undefined) throw new TypeError('EventTime partitioning needs eventTime');
    const e = options.eventTime;
    time = new Date(Date.UTC(e.getUTCFullYear(), e.getUTCMonth(), e.getUTCDate()));
  }
  const [yyyy, mm, dd] = stamp(time).split('-');
  const sourcePath = `${options.sourceAccountId}/${options.sourceRegion}/${options.sourceBucket}`;
  return `${config.targetPrefix}${sourcePath}/${yyyy}/${mm}/${dd}/${stamp(time)}-${unique}`;
}

/** `YYYY-MM-DD-hh-mm-ss` in UTC. */
function stamp(t: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${t.getUTCFullYear()}-${p(t.getUTCMonth() + 1)}-${p(t.getUTCDate())}`;
  return `${date}-${p(t.getUTCHours())}-${p(t.getUTCMinutes())}-${p(t.getUTCSeconds())}`;
}
