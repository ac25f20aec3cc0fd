/**
 * `strongbox validate-logs`: `aws cloudtrail validate-logs` against a Strongbox server. It reads the
 * trail (DescribeTrails, when no --s3-bucket is given) and the server's public keys (ListPublicKeys)
 * through the CloudTrail API, the digest and log files through the S3 API, and checks them with the
 * same logic as the aws CLI (src/audit/validate-logs.ts), printing what the aws CLI prints.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-cli.html
 * Exit status as the aws CLI's: 0 every file valid, 1 a digest or log file invalid or missing (named on
 * stderr), 255 the server refused or could not be reached, 2 usage.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { validateLogs, parseTrailArn, type TrailObjectReader } from '../audit/validate-logs.js';
import { formatValidationReport } from '../audit/validate-logs-report.js';
import { callJsonService, JsonServiceError, type JsonServiceTarget } from './json-service-call.js';
import { S3CallError, s3TrailObjectReader, type S3Target } from './validate-logs-command-s3.js';
import type { SigningCredentials } from './sign-request.js';

export const VALIDATE_LOGS_USAGE = `usage: strongbox validate-logs --trail-arn ARN --start-time TIME [--end-time TIME]
                               [--s3-bucket BUCKET] [--s3-prefix PREFIX] [--region REGION]
                               [--verbose] [--endpoint-url URL]
  TIME: ISO 8601 (2026-03-01, 2026-03-01T10:00:00Z); without a zone, UTC. --end-time defaults to now.
  --region: the Region whose files are validated (default: the trail's home Region).
  --endpoint-url: default $STRONGBOX_ENDPOINT, else http://127.0.0.1:9000
  credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; signing Region: AWS_REGION,
  AWS_DEFAULT_REGION, else us-east-1`;

const DEFAULT_ENDPOINT = 'http://127.0.0.1:9000';
const CLOUDTRAIL = { service: 'cloudtrail', targetPrefix: 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101' };
/** The aws CLI asks ListPublicKeys for keys up to two hours past the end of the range. */
const PUBLIC_KEY_SLACK_MS = 2 * 3_600_000;

export interface ValidateLogsIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly now?: () => Date;
  /** The CloudTrail call and the S3 reader (a test replaces them). */
  readonly call?: typeof callJsonService;
  readonly reader?: (target: S3Target) => TrailObjectReader;
}

interface Args {
  readonly trailArn: string;
  readonly startTime: Date;
  readonly endTime: Date | undefined;
  readonly bucket: string | undefined;
  readonly prefix: string | undefined;
  readonly region: string | undefined;
  readonly verbose: boolean;
  readonly endpoint: string | undefined;
}

class UsageError extends Error {}

// Deviation from AWS: no --account-id (organization trails deliver as their own account's trail here).
const VALUE_OPTIONS = new Set(['--trail-arn', '--start-time', '--end-time', '--s3-bucket', '--s3-prefix', '--region',
  '--endpoint-url']);

export async function runValidateLogsCommand(argv: readonly string[], io: ValidateLogsIo): Promise<number> {
  if (argv.some((a) => a === '--help' || a === '-h' || a === 'help')) {
    io.stdout(`${VALIDATE_LOGS_USAGE}\n`);
    return 0;
  }
  let args: Args;
  let target: JsonServiceTarget;
  try {
    args = parseArgs(argv);
    target = targetFrom(args, io.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`strongbox validate-logs: ${e.message}\n${VALIDATE_LOGS_USAGE}\n`);
    return 2;
  }
  try {
    return await validate(args, target, io);
  } catch (e) {
    if (e instanceof JsonServiceError) {
      io.stderr(`\nAn error occurred (${e.code}) when calling the CloudTrail API: ${e.message}\n`);
    } else if (e instanceof S3CallError) {
      io.stderr(`\n${e.message}\n`);
    } else {
      io.stderr(`\nstrongbox validate-logs: ${e instanceof Error ? e.message : String(e)}\n`);
    }
    return 255;
  }
}

async function validate(args: Args, target: JsonServiceTarget, io: ValidateLogsIo): Promise<number> {
  const call = (op: string, input: Record<string, unknown>) => (io.call ?? callJsonService)(target, op, input);
  const endTime = args.endTime ?? (io.now ?? (() => new Date()))();
  if (args.startTime > endTime) throw new Error('Invalid time range specified: start-time must occur before end-time');
  const location = args.bucket !== undefined
    ? { bucket: args.bucket, prefix: args.prefix }
    : await trailLocation(call, args.trailArn);
  const publicKeys = await loadPublicKeys(call, args.startTime, new Date(endTime.getTime() + PUBLIC_KEY_SLACK_MS));
  const { endpoint, region, credentials } = target;
  const reader = (io.reader ?? s3TrailObjectReader)({ endpoint, region, credentials });
  const result = await validateLogs(reader, {
    trailArn: args.trailArn,
    bucket: location.bucket,
    prefix: location.prefix,
    sourceRegion: args.region,
    startTime: args.startTime,
    endTime,
    publicKeys,
  });
  const report = formatValidationReport(result, { verbose: args.verbose });
  io.stdout(report.stdout);
  if (report.stderr !== '') io.stderr(report.stderr);
  return report.exitCode;
}

type Call = (op: string, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** The trail's bucket and prefix, from DescribeTrails (the aws CLI's get_trail_by_arn). */
async function trailLocation(call: Call, arn: string): Promise<{ bucket: string; prefix: string | undefined }> {
  const out = await call('DescribeTrails', { trailNameList: [arn], includeShadowTrails: true });
  const trails = (out.trailList as Record<string, unknown>[] | undefined) ?? [];
  const trail = trails.find((t) => t.TrailARN === arn);
  if (trail === undefined || typeof trail.S3BucketName !== 'string') {
    throw new Error(`A trail could not be found for ${arn}`);
  }
  return { bucket: trail.S3BucketName, prefix: typeof trail.S3KeyPrefix === 'string' ? trail.S3KeyPrefix : undefined };
}

/** ListPublicKeys over the range: PKCS #1 DER keys (base64 in JSON) by fingerprint. */
async function loadPublicKeys(call: Call, start: Date, end: Date): Promise<Map<string, KeyObject>> {
  const out = await call('ListPublicKeys', { StartTime: start.getTime() / 1000, EndTime: end.getTime() / 1000 });
  const keys = new Map<string, KeyObject>();
  for (const k of (out.PublicKeyList as Record<string, unknown>[] | undefined) ?? []) {
    if (typeof k.Fingerprint !== 'string' || typeof k.Value !== 'string') continue;
    keys.set(k.Fingerprint, createPublicKey({ key: Buffer.from(k.Value, 'base64'), format: 'der', type: 'pkcs1' }));
  }
  if (keys.size === 0) throw new Error(`No public keys found between ${isoSeconds(start)} and ${isoSeconds(end)}`);
  return keys;
}

const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function parseArgs(argv: readonly string[]): Args {
  const values = new Map<string, string>();
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--verbose') {
      verbose = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (!VALUE_OPTIONS.has(name)) throw new UsageError(`unknown argument '${arg}'`);
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new UsageError(`${name} needs a value`);
    values.set(name, value);
  }
  const trailArn = values.get('--trail-arn');
  const start = values.get('--start-time');
  if (trailArn === undefined || start === undefined) throw new UsageError('--trail-arn and --start-time are required');
  try {
    parseTrailArn(trailArn);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const end = values.get('--end-time');
  return {
    trailArn,
    startTime: parseCliDate(start),
    endTime: end === undefined ? undefined : parseCliDate(end),
    bucket: values.get('--s3-bucket'),
    prefix: values.get('--s3-prefix'),
    region: values.get('--region'),
    verbose,
    endpoint: values.get('--endpoint-url'),
  };
}

/**
 * An ISO 8601 date or date-time; one without a zone is UTC, as the aws CLI reads it ("normalize_date"
 * puts a naive time in UTC).
 */
export function parseCliDate(text: string): Date {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text.trim());
  const parsed = m === null ? NaN : Date.parse(`${m[1]}T${m[2] ?? '00:00:00'}${m[3] ?? 'Z'}`);
  if (Number.isNaN(parsed)) throw new UsageError(`Unable to parse date value: ${text}`);
  return new Date(parsed);
}

function targetFrom(args: Args, env: NodeJS.ProcessEnv): JsonServiceTarget {
  const endpoint = (args.endpoint ?? (env.STRONGBOX_ENDPOINT || DEFAULT_ENDPOINT)).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+$/.test(endpoint)) {
    throw new UsageError(`--endpoint-url must be http(s)://host[:port], not '${endpoint}'`);
  }
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new UsageError('no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  }
  const credentials: SigningCredentials = {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
  };
  return { endpoint, region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1', credentials, ...CLOUDTRAIL };
}
