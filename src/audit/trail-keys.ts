// CloudTrail's S3 key layout for log files and digest files.
// Log files: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html
// Digest files: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html
// The `aws cloudtrail validate-logs` command finds digests by these exact names (it lists with a marker
// built from a start time and reads the timestamp from a fixed position at the end of the key), so the
// layout is part of the contract, not a cosmetic choice.

/** Where a trail delivers: bucket, optional prefix, account, region (the "source" region of the files). */
export interface TrailLocation {
  readonly bucket: string;
  readonly prefix?: string | undefined;
  readonly accountId: string;
  readonly region: string;
}

export interface DigestKeyInput extends TrailLocation {
  readonly trailName: string;
  /** The trail's home region; equals `region` except for multi-Region trails. */
  readonly homeRegion?: string | undefined;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function ymdPath(t: Date): string {
  return `${t.getUTCFullYear()}/${pad(t.getUTCMonth() + 1)}/${pad(t.getUTCDate())}`;
}

/** `YYYYMMDDTHHmmZ`, the minute-precision stamp in log file names. */
export function logFileStamp(t: Date): string {
  return `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}T`
    + `${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}Z`;
}

/** `YYYYMMDDTHHmmssZ`, the second-precision stamp in digest file names (the CLI's DATE_FORMAT). */
export function digestFileStamp(t: Date): string {
  return `${logFileStamp(t).slice(0, -1)}${pad(t.getUTCSeconds())}Z`;
}

/** `YYYY-MM-DDTHH:mm:ssZ`, the time format of digest fields and of the CLI's output (no milliseconds). */
export function isoSeconds(t: Date): string {
  return t.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Parses `YYYYMMDDTHHmmssZ` back to a Date; undefined when the text is not such a stamp. */
export function parseDigestFileStamp(stamp: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(stamp);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

function withPrefix(prefix: string | undefined, key: string): string {
  return prefix ? `${prefix}/${key}` : key;
}

/** `[prefix/]AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<stamp>_<unique>.json.gz` */
export function logFileKey(loc: TrailLocation, deliveredAt: Date, uniqueString: string): string {
  const { accountId: a, region: r } = loc;
  const name = `${a}_CloudTrail_${r}_${logFileStamp(deliveredAt)}_${uniqueString}.json.gz`;
  return withPrefix(loc.prefix, `AWSLogs/${a}/CloudTrail/${r}/${ymdPath(deliveredAt)}/${name}`);
}

/** The folder under which all of a region's digests for an account sit (the CLI lists under it). */
export function digestFolder(loc: Omit<TrailLocation, 'bucket'>): string {
  return withPrefix(loc.prefix, `AWSLogs/${loc.accountId}/CloudTrail-Digest/${loc.region}`);
}

/**
 * `[prefix/]AWSLogs/<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/`
 * `<account>_CloudTrail-Digest_<region>_<trail>_<homeRegion>_<YYYYMMDDTHHmmssZ>.json.gz`, dated by the
 * digest's end time.
 */
export function digestFileKey(input: Omit<DigestKeyInput, 'bucket'>, digestEndTime: Date): string {
  const { accountId: a, region: r, trailName } = input;
  const home = input.homeRegion ?? r;
  const name = `${a}_CloudTrail-Digest_${r}_${trailName}_${home}_${digestFileStamp(digestEndTime)}.json.gz`;
  return `${digestFolder(input)}/${ymdPath(digestEndTime)}/${name}`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/** Matches the digest keys of one trail (as the CLI's key regex does), capturing the end-time stamp. */
export function digestKeyPattern(input: Omit<DigestKeyInput, 'bucket'>): RegExp {
  const a = escapeRegExp(input.accountId);
  const r = escapeRegExp(input.region);
  const home = escapeRegExp(input.homeRegion ?? input.region);
  const folder = escapeRegExp(digestFolder(input));
  const name = `${a}_CloudTrail-Digest_${r}_${escapeRegExp(input.trailName)}_${home}_(\\d{8}T\\d{6}Z)`;
  return new RegExp(`^${folder}/\\d+/\\d+/\\d+/${name}\\.json\\.gz$`);
}
