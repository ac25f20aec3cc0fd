/**
 * S3 server access log records (issue #16): one line per S3 request on a bucket, in AWS's
 * space-delimited format, fields in AWS's order, `-` for an empty field, Request-URI, Referer and
 * User-Agent in double quotes.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html
 * Pure: it reads a RequestRecord (request-record.ts) and returns text; delivery is elsewhere.
 */
import type { RequestRecord } from './request-record.js';
import { accessLogOperation } from './access-log-operations.js';

export { accessLogOperation } from './access-log-operations.js';

/**
 * Only S3 requests on a bucket have an access log: logging is a bucket's setting, so a request with no
 * bucket (ListBuckets, or one refused before the bucket was known) and any other service's call
 * (IAM, STS, KMS...) are not logged. https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
 */
export function hasAccessLog(record: RequestRecord): boolean {
  return record.service === 's3' && record.s3?.bucket !== undefined && record.s3.bucket !== '';
}

/** The access log line of `record` (no trailing newline). Throws TypeError when `hasAccessLog` is false. */
export function accessLogLine(record: RequestRecord, options: { readonly bucketOwnerCanonicalId?: string } = {}): string {
  if (!hasAccessLog(record)) {
    throw new TypeError(`no S3 server access log for a ${record.service} request without a bucket`);
  }
  const s3 = record.s3!;
  const tls = record.tls;
  const fields = [
    plain(s3.bucketOwnerCanonicalId ?? options.bucketOwnerCanonicalId),
    plain(s3.bucket),
    `[${clfTime(record.eventTime)}]`,
    plain(record.sourceIp),
    plain(requester(record)),
    plain(record.requestId),
    accessLogOperation(record),
    s3.key === undefined ? '-' : encodeKey(s3.key),
    quoted(`${record.http.method} ${record.http.uri} ${record.http.version}`),
    String(record.status),
    plain(record.errorCode),
    // "Bytes Sent: ... or - if zero."
    record.bytesOut > 0 ? String(record.bytesOut) : '-',
    s3.objectSize === undefined ? '-' : String(s3.objectSize),
    String(Math.round(record.totalTimeMs)),
    record.turnAroundTimeMs === undefined ? '-' : String(Math.round(record.turnAroundTimeMs)),
    // The Athena regex reads Referer as `([^ ]*)`: a space in it would shift every later field.
    quoted(record.referer, { encodeSpaces: true }),
    quoted(record.userAgent),
    plain(s3.versionId),
    plain(s3.hostId),
    plain(isAnonymous(record) ? undefined : record.signatureVersion),
    plain(tls?.cipherSuite),
    plain(authenticationType(record)),
    plain(record.host),
    plain(tls?.version),
    plain(s3.accessPointArn),
    s3.aclRequired ? 'Yes' : '-',
  ];
  return fields.join(' ');
}

/**
 * "Requester: The canonical user ID of the requester, or a - for unauthenticated requests. If the
 * requester was an IAM user, this field returns the requester's IAM user name along with the AWS account"
 * — in practice the principal's ARN (`arn:aws:iam::123456789012:user/alice`,
 * `arn:aws:sts::123456789012:assumed-role/r/s`), as the brief asks.
 * A request whose authentication failed has no caller: `-`, as AWS logs a request it could not attribute.
 */
function requester(record: RequestRecord): string | undefined {
  const caller = record.caller;
  if (caller === undefined || caller.kind === 'Anonymous') return undefined;
  return caller.arn;
}

function isAnonymous(record: RequestRecord): boolean {
  return record.caller === undefined || record.caller.kind === 'Anonymous' || record.authenticationType === 'Anonymous';
}

/**
 * "Authentication Type: AuthHeader for authentication headers, QueryString for query string
 * (presigned URL), or a - for unauthenticated requests."
 * Deviation from AWS: AWS documents no value for a browser POST (form) upload; we log `-` for it
 * rather than invent a value a parser would not know.
 */
function authenticationType(record: RequestRecord): string | undefined {
  if (isAnonymous(record)) return undefined;
  return record.authenticationType === 'AuthHeader' || record.authenticationType === 'QueryString'
    ? record.authenticationType
    : undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `06/Feb/2019:00:00:38 +0000`: strftime `%d/%b/%Y:%H:%M:%S %z`, always UTC. */
export function clfTime(t: Date): string {
  const date = `${pad(t.getUTCDate())}/${MONTHS[t.getUTCMonth()]}/${t.getUTCFullYear()}`;
  return `${date}:${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())} +0000`;
}

/**
 * "Key: The key (object name) part of the request, URL-encoded, or - if the operation doesn't take a
 * key parameter." AWS does not say which characters; we percent-encode UTF-8 bytes of everything
 * but RFC 3986 unreserved characters and `/` (the SigV4 path encoding), so `a b/ü.txt` is
 * `a%20b/%C3%BC.txt` and the field never holds a space, quote or control character.
 */
export function encodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/[!'()*]/g, hexByte);
}

function hexByte(c: string): string {
  return `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * An unquoted field: `-` when empty. AWS's fields (ids, IPs, ARNs, host names) hold no spaces; a value
 * that somehow does (a Host header is the client's) has spaces, quotes, backslashes and control
 * characters percent-encoded so it stays one field. AWS documents no escaping (decision of ours).
 */
function plain(v: string | undefined): string {
  if (v === undefined || v === '') return '-';
  return v.replace(/[\x00-\x20"\\\x7f]/g, hexByte);
}

/**
 * A quoted field: `"-"` when empty. The Athena regex AWS documents reads a quoted field as `"[^"]*"`,
 * so an embedded `"` would end it early and a newline would split the record. AWS documents no escape
 * for these; we percent-encode `"`, `\` and control characters (`curl "x"` → `curl %22x%22`): the line
 * always parses, and a reader can decode the value.
 */
function quoted(v: string | undefined, options: { readonly encodeSpaces?: boolean } = {}): string {
  if (v === undefined || v === '') return '"-"';
  const unsafe = options.encodeSpaces ? /[\x00-\x20"\\\x7f]/g : /[\x00-\x1f"\\\x7f]/g;
  return `"${v.replace(unsafe, hexByte)}"`;
}
