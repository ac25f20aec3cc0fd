/**
 * Test support: the `input.regex` of the Athena table AWS documents for S3 server access logs
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-s3-access-logs-to-identify-requests.html),
 * with Hive's string escaping undone, and its column names: a standard parser the lines must satisfy.
 */
export const ATHENA_REGEX = new RegExp(
  '([^ ]*) ([^ ]*) \\[(.*?)\\] ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ("[^"]*"|-) (-|[0-9]*) ([^ ]*) ([^ ]*) ' +
    '([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ("[^"]*"|-) ([^ ]*)' +
    '(?: ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*))?.*$',
);

export const COLUMNS = [
  'bucketowner', 'bucket_name', 'requestdatetime', 'remoteip', 'requester', 'requestid', 'operation', 'key',
  'request_uri', 'httpstatus', 'errorcode', 'bytessent', 'objectsize', 'totaltime', 'turnaroundtime', 'referrer',
  'useragent', 'versionid', 'hostid', 'sigv', 'ciphersuite', 'authtype', 'endpoint', 'tlsversion',
  'accesspointarn', 'aclrequired',
] as const;

export type AccessLogColumns = Record<(typeof COLUMNS)[number], string>;

/** The line's fields by column, or undefined when the regex does not read it from its first character. */
export function athenaFields(line: string): AccessLogColumns | undefined {
  const m = ATHENA_REGEX.exec(line);
  if (!m || m.index !== 0) return undefined;
  return Object.fromEntries(COLUMNS.map((c, i) => [c, m[i + 1]])) as AccessLogColumns;
}
