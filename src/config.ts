/**
 * Server configuration from command-line flags, then environment variables, then defaults
 * (DESIGN.md stable contract: `./data`, `127.0.0.1:9000`, `us-east-1`).
 */
import { availableParallelism } from 'node:os';
import { parseAuditorConfig, type AuditorConfig } from './auditor/auditor-config.js';
import type { NetworkEndpoint } from './policy/index.js';
import { parseCidr } from './policy/condition/ip-value.js';
import type { ForwardedHeader } from './server/client-address.js';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './server/connection-guard.js';
import { parseSseKeys, type SseKeySource } from './sse/sse-key-file.js';

export interface ServerConfig {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  /**
   * The default region: what the server's own services (KMS, CloudTrail trails) live in, and where a
   * request names no region of its own.
   */
  readonly region: string;
  /**
   * Every region this server serves (S3 buckets live in one of them; requests may be signed for any);
   * default: every current commercial AWS region. Always includes `region`.
   */
  readonly regions: readonly string[];
  /** Virtual-hosted-style base domain: requests to `<bucket>.<baseDomain>` address that bucket. */
  readonly baseDomain: string | undefined;
  /**
   * Both survive power loss: object bytes are fsynced before their metadata commits, and a write is
   * acknowledged only once the WAL is flushed. `normal` shares one WAL flush among concurrent commits
   * (group commit); `strict` has SQLite flush every commit itself (synchronous=FULL).
   */
  readonly durability: 'normal' | 'strict';
  readonly logLevel: string;
  /** How long SIGTERM waits for in-flight requests before closing connections. */
  readonly shutdownGraceMs: number;
  /**
   * Worker processes serving requests (one event loop each); 1: the server is one process. More
   * share the data directory (server/workers.ts). `auto`: one per CPU the machine offers.
   */
  readonly workers: number;
  /**
   * Proxies (CIDR blocks) whose forwarding header names the client for aws:SourceIp
   * (server/client-address.ts); empty: the socket's peer is the client, always.
   */
  readonly trustedProxies: readonly string[];
  /** The one header trusted proxies send. */
  readonly forwardedHeader: ForwardedHeader;
  /** Client CIDRs that reach the server "through" a VPC endpoint: aws:SourceVpce, aws:SourceVpc. */
  readonly networkEndpoints: readonly NetworkEndpoint[];
  /** The optional TLS listener, next to the plain one (aws:SecureTransport true on it). */
  readonly tls: TlsListenerConfig | undefined;
  /** The static website listener (`--website-address`): every request on it is a website request. */
  readonly websiteAddress: { readonly host: string; readonly port: number } | undefined;
  /**
   * The length of one lifecycle "day" in seconds (lifecycle rules count days; tests and demonstrations
   * shorten them); undefined: AWS's 86,400.
   */
  readonly lifecycleDaySeconds: number | undefined;
  /** Where the server's SSE keys come from (src/sse/sse-key-file.ts): env, a key file, or DATA_DIR/sse.key. */
  readonly sseKeys: SseKeySource;
  readonly audit: AuditConfig;
  readonly auditor: AuditorConfig;
  /** The HTTP layer's timeouts and bounds (server/connection-guard.ts). */
  readonly http: HttpLimits;
  /**
   * Accept Signature Version 2 for S3 (header-signed, v2 presigned URLs, v2 POST forms); default off,
   * as AWS for buckets created since 2020. `s3:signatureversion` is `AWS` for such requests.
   */
  readonly allowSigV2: boolean;
  /** No web console at /console (src/console). */
  readonly disableConsole: boolean;
  /**
   * The most memory held for page-aligned I/O buffers (large objects' direct I/O, storage/aligned-buffers.ts),
   * per process; after 30 s with none in use they are dropped (freed by the next garbage collection).
   */
  readonly ioBufferBytes: number;
  /** Memory per process for SQLite's page cache (3/4) and the object record cache (1/4). */
  readonly metadataCacheBytes: number;
}

/** The audit trail's bounds and delivery periods (issue #16). */
export interface AuditConfig {
  /** Events older than this many days are deleted (LookupEvents shows 90 days on AWS). */
  readonly retentionDays: number;
  /** At most this many events are kept; the oldest go first. */
  readonly maxEvents: number;
  /** How often trails deliver log files (AWS: about every 5 minutes). */
  readonly trailDeliveryMs: number;
  /** The digest period of trails with log file validation (AWS: one hour). */
  readonly trailDigestMs: number;
  /** How often S3 server access logs are delivered to target buckets. */
  readonly accessLogDeliveryMs: number;
  /**
   * Bearer token that lets non-loopback clients read `/metrics` (STRONGBOX_METRICS_TOKEN only: a
   * secret on the command line shows in `ps`); undefined: loopback clients only.
   */
  readonly metricsToken: string | undefined;
}

export interface TlsListenerConfig {
  readonly host: string;
  readonly port: number;
  /** PEM files, read at start (and again on SIGHUP). */
  readonly certFile: string;
  readonly keyFile: string;
}

export class ConfigError extends Error {}

export type { AuditorConfig };

/** An argument that is no option of `strongbox server` (the CLI suggests the nearest one). */
export class UnknownOptionError extends ConfigError {
  constructor(readonly option: string) {
    super(`unknown option: ${option}`);
  }
}

/**
 * What `strongbox server --help` says of an option (src/cli/server-usage.ts), declared with the option
 * so that the help cannot drift. `value`: the placeholder of its value; `default`: the value it has
 * when neither the flag nor the variable is given (server-usage.test.ts holds the parser to it); no
 * `default`: unset unless given (`help` says what then).
 */
export interface OptionHelp {
  readonly value?: string;
  readonly default?: string;
  readonly help?: string;
}

const FLAGS: Record<string, { env: string; key: keyof RawConfig } & OptionHelp> = {
  '--data-dir': { env: 'STRONGBOX_DATA_DIR', key: 'dataDir', value: 'DIR', default: './data',
    help: 'where the server keeps everything: databases, object bytes, keys (created private, 0700)' },
  '--address': { env: 'STRONGBOX_ADDRESS', key: 'address', value: 'HOST:PORT', default: '127.0.0.1:9000',
    help: 'the plain HTTP listener (port 0: any free port)' },
  '--region': { env: 'STRONGBOX_REGION', key: 'region', value: 'REGION', default: 'us-east-1',
    help: "the default region: KMS's and CloudTrail's, and where a request names none" },
  '--base-domain': { env: 'STRONGBOX_BASE_DOMAIN', key: 'baseDomain', value: 'DOMAIN',
    help: 'virtual-hosted-style requests: <bucket>.DOMAIN addresses the bucket (default: path style only)' },
  '--durability': { env: 'STRONGBOX_DURABILITY', key: 'durability', value: 'normal|strict', default: 'normal',
    help: 'both survive power loss; normal shares a WAL flush among concurrent commits, strict flushes each' },
  '--log-level': { env: 'STRONGBOX_LOG_LEVEL', key: 'logLevel', value: 'LEVEL', default: 'info',
    help: 'fatal, error, warn, info, debug or trace (JSON lines on stdout)' },
  '--workers': { env: 'STRONGBOX_WORKERS', key: 'workers', value: 'N|auto', default: '1',
    help: 'worker processes serving requests (auto: one per CPU), sharing the data directory' },
  '--forwarded-header': { env: 'STRONGBOX_FORWARDED_HEADER', key: 'forwardedHeader', value: 'x-forwarded-for|forwarded',
    default: 'x-forwarded-for', help: 'the header trusted proxies name the client in' },
  '--tls-address': { env: 'STRONGBOX_TLS_ADDRESS', key: 'tlsAddress', value: 'HOST:PORT',
    help: 'a TLS listener next to the plain one (with --tls-cert and --tls-key; default: none)' },
  '--tls-cert': { env: 'STRONGBOX_TLS_CERT', key: 'tlsCert', value: 'FILE',
    help: "the TLS listener's certificate chain, PEM (re-read on SIGHUP)" },
  '--tls-key': { env: 'STRONGBOX_TLS_KEY', key: 'tlsKey', value: 'FILE', help: "the TLS listener's private key, PEM" },
  '--lifecycle-day-seconds': { env: 'STRONGBOX_LIFECYCLE_DAY_SECONDS', key: 'lifecycleDaySeconds', value: 'N',
    help: 'a shorter lifecycle day, 1 to 86400 seconds, for tests and demonstrations (default: a real day)' },
  '--sse-key-file': { env: 'STRONGBOX_SSE_KEY_FILE', key: 'sseKeyFile', value: 'FILE',
    help: 'the SSE keys, base64, one per line, current first (default: DATA_DIR/sse.key, made at first start)' },
  '--audit-retention-days': { env: 'STRONGBOX_AUDIT_RETENTION_DAYS', key: 'auditRetentionDays', value: 'N',
    default: '90', help: 'days CloudTrail events are kept (LookupEvents)' },
  '--audit-max-events': { env: 'STRONGBOX_AUDIT_MAX_EVENTS', key: 'auditMaxEvents', value: 'N',
    default: '10000000', help: 'the most CloudTrail events kept; the oldest go first' },
  '--trail-delivery-ms': { env: 'STRONGBOX_TRAIL_DELIVERY_MS', key: 'trailDeliveryMs', value: 'MS',
    default: '60000', help: 'how often trails deliver log files' },
  '--trail-digest-ms': { env: 'STRONGBOX_TRAIL_DIGEST_MS', key: 'trailDigestMs', value: 'MS',
    default: '3600000', help: 'the digest period of trails with log file validation' },
  '--access-log-delivery-ms': { env: 'STRONGBOX_ACCESS_LOG_DELIVERY_MS', key: 'accessLogDeliveryMs', value: 'MS',
    default: '60000', help: 'how often S3 server access logs are delivered' },
  '--auditor-interval-ms': { env: 'STRONGBOX_AUDITOR_INTERVAL_MS', key: 'auditorIntervalMs', value: 'MS',
    default: '1000', help: 'how soon the auditor analyzes a change (its findings and configuration history)' },
  '--auditor-scan-ms': { env: 'STRONGBOX_AUDITOR_SCAN_MS', key: 'auditorScanMs', value: 'MS',
    default: '86400000', help: 'how often each analyzer scans all its resources again' },
  '--auditor-day-seconds': { env: 'STRONGBOX_AUDITOR_DAY_SECONDS', key: 'auditorDaySeconds', value: 'N',
    help: 'a shorter day for unused-access ages, 1 to 86400 seconds, for tests and demonstrations (default: a real day)' },
  '--alert-webhook': { env: 'STRONGBOX_ALERT_WEBHOOK', key: 'alertWebhook', value: 'URL',
    help: "the auditor's alerts as signed POSTs to this URL (secret: STRONGBOX_ALERT_WEBHOOK_SECRET)" },
  '--alert-smtp': { env: 'STRONGBOX_ALERT_SMTP', key: 'alertSmtp', value: 'smtp[s]://HOST:PORT',
    help: "the auditor's alerts by e-mail through this server (password: STRONGBOX_ALERT_SMTP_PASSWORD)" },
  '--alert-smtp-user': { env: 'STRONGBOX_ALERT_SMTP_USER', key: 'alertSmtpUser', value: 'USER', help: 'the SMTP login' },
  '--alert-email-from': { env: 'STRONGBOX_ALERT_EMAIL_FROM', key: 'alertEmailFrom', value: 'ADDRESS', help: "alert e-mails' sender" },
  '--idle-timeout-ms': { env: 'STRONGBOX_IDLE_TIMEOUT_MS', key: 'idleTimeoutMs', value: 'MS', default: '20000',
    help: 'a connection idle this long is closed; a stalled request first gets 400 RequestTimeout' },
  '--headers-timeout-ms': { env: 'STRONGBOX_HEADERS_TIMEOUT_MS', key: 'headersTimeoutMs', value: 'MS', default: '60000',
    help: "a request's header section must arrive within this" },
  '--max-connections': { env: 'STRONGBOX_MAX_CONNECTIONS', key: 'maxConnections', value: 'N', default: '4096',
    help: 'open connections per listener and process; more are closed as they arrive' },
  '--max-uploads': { env: 'STRONGBOX_MAX_UPLOADS', key: 'maxUploads', value: 'N', default: '512',
    help: 'S3 uploads in progress per process; more are answered 503 SlowDown' },
  '--io-buffer-mib': { env: 'STRONGBOX_IO_BUFFER_MIB', key: 'ioBufferMib', value: 'N', default: '32',
    help: 'MiB per process for the aligned buffers of large reads and writes (direct I/O); 0: none, page cache only' },
  '--metadata-cache-mib': { env: 'STRONGBOX_METADATA_CACHE_MIB', key: 'metadataCacheMib', value: 'N', default: '32',
    help: "MiB per process for metadata caches: 3/4 SQLite's page cache, 1/4 hot object records" },
  '--website-address': { env: 'STRONGBOX_WEBSITE_ADDRESS', key: 'websiteAddress', value: 'HOST:PORT',
    help: 'a listener serving static websites: the Host names the bucket (default: none)' },
};

/** Repeatable options; their variable holds a list (`separator` splits it). Flags replace the variable. */
const LIST_FLAGS: Record<string, { env: string; key: keyof RawLists; separator: RegExp } & OptionHelp> = {
  '--trusted-proxy': { env: 'STRONGBOX_TRUSTED_PROXIES', key: 'trustedProxies', separator: /[,\s]+/, value: 'CIDR',
    help: 'a proxy whose forwarding header names the client for aws:SourceIp (variable: comma-separated)' },
  // Each entry has a comma of its own (vpce,vpc): entries are separated by semicolons or spaces.
  '--network-endpoint': { env: 'STRONGBOX_NETWORK_ENDPOINTS', key: 'networkEndpoints', separator: /[;\s]+/,
    value: 'CIDR=vpce-ID[,vpc-ID]', help: 'clients in CIDR come through that VPC endpoint (variable: ;-separated)' },
  '--alert-email-to': { env: 'STRONGBOX_ALERT_EMAIL_TO', key: 'alertEmailTo', separator: /[,\s]+/, value: 'ADDRESS',
    help: "alert e-mails' recipients" },
  '--alert-on': { env: 'STRONGBOX_ALERT_ON', key: 'alertOn', separator: /[,\s]+/, value: 'RULE',
    help: 'what raises an alert: findings, bucket-created, bucket-deleted, policy-changed, root-used (default: all)' },
  '--auditor-remediate': { env: 'STRONGBOX_AUDITOR_REMEDIATE', key: 'remediate', separator: /[,\s]+/, value: 'RULE',
    help: 'fix automatically, through the API: public-acl (remove the grant), public-bucket (Block Public Access on), unused-key (deactivate) (default: none)' },
  '--regions': { env: 'STRONGBOX_REGIONS', key: 'regions', separator: /[,\s]+/, value: 'REGION[,REGION]...',
    help: 'the regions served, with the default region (default: every commercial AWS region)' },
};

/** Options without a value; their variable switches them on with `1` or `true` (`0`/`false`: off). */
const SWITCHES: Record<string, { env: string; key: keyof RawSwitches } & OptionHelp> = {
  '--allow-sigv2': { env: 'STRONGBOX_ALLOW_SIGV2', key: 'allowSigV2',
    help: 'accept Signature Version 2 (headers, presigned URLs, POST forms); default: refused, as AWS' },
  '--disable-console': { env: 'STRONGBOX_DISABLE_CONSOLE', key: 'disableConsole',
    help: 'do not serve the web console at /console' },
};

/** Settings read from the environment only: secrets (a command line shows in `ps`). */
export const ENVIRONMENT_ONLY: readonly { readonly env: string; readonly help: string }[] = [
  { env: 'STRONGBOX_ROOT_ACCESS_KEY_ID', help: "the root user's access key id, used at first start (with the next)" },
  { env: 'STRONGBOX_ROOT_SECRET_ACCESS_KEY',
    help: 'its secret (default: a key is generated and written to DATA_DIR/root-credentials.json)' },
  { env: 'STRONGBOX_SSE_KEY', help: 'the SSE keys themselves, base64, current first (instead of --sse-key-file)' },
  { env: 'STRONGBOX_ROOT_PASSWORD', help: "sets the root user's console password at start (default: generated with the first root key)" },
  { env: 'STRONGBOX_ALERT_WEBHOOK_SECRET', help: "the HMAC key of the auditor's webhook alerts (16 characters or more)" },
  { env: 'STRONGBOX_ALERT_SMTP_PASSWORD', help: "the SMTP password for the auditor's e-mail alerts" },
  { env: 'STRONGBOX_METRICS_TOKEN', help: 'a bearer token that lets clients other than loopback read /metrics' },
];

/** One option of `strongbox server`, for its help: a value, a repeatable value, or a switch. */
export interface ServerOptionDoc extends OptionHelp {
  readonly flag: string;
  readonly env: string;
  readonly kind: 'value' | 'list' | 'switch';
}

/** Every option of `strongbox server`, in the order of the tables above. */
export function serverOptionDocs(): ServerOptionDoc[] {
  const doc = (kind: ServerOptionDoc['kind']) => ([flag, spec]: [string, { env: string } & OptionHelp]) => ({
    flag, env: spec.env, kind, value: spec.value, default: spec.default, help: spec.help,
  });
  return [
    ...Object.entries(FLAGS).map(doc('value')),
    ...Object.entries(LIST_FLAGS).map(doc('list')),
    ...Object.entries(SWITCHES).map(doc('switch')),
  ];
}

interface RawSwitches {
  allowSigV2?: boolean;
  disableConsole?: boolean;
}

interface RawLists {
  alertEmailTo?: string[];
  alertOn?: string[];
  remediate?: string[];
  regions?: string[];
  trustedProxies?: string[];
  networkEndpoints?: string[];
}

interface RawConfig {
  dataDir?: string;
  address?: string;
  region?: string;
  baseDomain?: string;
  durability?: string;
  logLevel?: string;
  workers?: string;
  forwardedHeader?: string;
  tlsAddress?: string;
  tlsCert?: string;
  tlsKey?: string;
  lifecycleDaySeconds?: string;
  sseKeyFile?: string;
  auditRetentionDays?: string;
  auditMaxEvents?: string;
  trailDeliveryMs?: string;
  trailDigestMs?: string;
  accessLogDeliveryMs?: string;
  auditorIntervalMs?: string;
  auditorScanMs?: string;
  auditorDaySeconds?: string;
  alertWebhook?: string;
  alertSmtp?: string;
  alertSmtpUser?: string;
  alertEmailFrom?: string;
  idleTimeoutMs?: string;
  headersTimeoutMs?: string;
  maxConnections?: string;
  maxUploads?: string;
  ioBufferMib?: string;
  metadataCacheMib?: string;
  websiteAddress?: string;
}

export function parseServerConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ServerConfig {
  const { raw, lists, switches } = readRaw(argv, env);
  const { host, port } = parseAddress(raw.address ?? '127.0.0.1:9000', '--address');
  const durability = raw.durability ?? 'normal';
  if (durability !== 'normal' && durability !== 'strict') throw new ConfigError(`--durability must be normal or strict`);
  const region = raw.region ?? 'us-east-1';
  if (!isRegionName(region)) throw new ConfigError(`invalid region: ${region}`);
  const regions = parseRegions(lists.regions, region);
  const forwardedHeader = (raw.forwardedHeader ?? 'x-forwarded-for').toLowerCase();
  if (forwardedHeader !== 'x-forwarded-for' && forwardedHeader !== 'forwarded') {
    throw new ConfigError(`--forwarded-header must be x-forwarded-for or forwarded, got ${raw.forwardedHeader}`);
  }
  return {
    dataDir: raw.dataDir ?? './data',
    host,
    port,
    region,
    regions,
    baseDomain: raw.baseDomain,
    durability,
    logLevel: raw.logLevel ?? 'info',
    shutdownGraceMs: 30_000,
    workers: parseWorkers(raw.workers ?? '1'),
    trustedProxies: (lists.trustedProxies ?? []).map(parseTrustedProxy),
    forwardedHeader,
    networkEndpoints: parseNetworkEndpoints(lists.networkEndpoints ?? []),
    tls: parseTls(raw, { host, port }),
    websiteAddress: raw.websiteAddress === undefined ? undefined : parseAddress(raw.websiteAddress, '--website-address'),
    lifecycleDaySeconds: parseLifecycleDaySeconds(raw.lifecycleDaySeconds),
    sseKeys: parseSseKeySource(raw.sseKeyFile, env.STRONGBOX_SSE_KEY),
    audit: {
      retentionDays: wholeNumber(raw.auditRetentionDays, { flag: '--audit-retention-days', min: 1, max: 3650, default: 90 }),
      maxEvents: wholeNumber(raw.auditMaxEvents, { flag: '--audit-max-events', min: 1000, max: 1e10, default: 10_000_000 }),
      trailDeliveryMs: wholeNumber(raw.trailDeliveryMs, { flag: '--trail-delivery-ms', min: 100, max: 3_600_000, default: 60_000 }),
      trailDigestMs: wholeNumber(raw.trailDigestMs, { flag: '--trail-digest-ms', min: 100, max: 86_400_000, default: 3_600_000 }),
      accessLogDeliveryMs: wholeNumber(raw.accessLogDeliveryMs, { flag: '--access-log-delivery-ms', min: 100, max: 86_400_000, default: 60_000 }),
      metricsToken: env.STRONGBOX_METRICS_TOKEN || undefined,
    },
    auditor: auditorConfig(raw, lists, env),
    allowSigV2: switches.allowSigV2 ?? false,
    disableConsole: switches.disableConsole ?? false,
    http: parseHttpLimits(raw),
    ioBufferBytes: 1024 * 1024 * wholeNumber(raw.ioBufferMib, { flag: '--io-buffer-mib', min: 0, max: 65_536, default: 32 }),
    metadataCacheBytes: 1024 * 1024 * wholeNumber(raw.metadataCacheMib, { flag: '--metadata-cache-mib', min: 1, max: 65_536, default: 32 }),
  };
}

function auditorConfig(raw: RawConfig, lists: RawLists, env: NodeJS.ProcessEnv): AuditorConfig {
  const parsed = parseAuditorConfig(
    {
      intervalMs: wholeNumber(raw.auditorIntervalMs, { flag: '--auditor-interval-ms', min: 50, max: 3_600_000, default: 1000 }),
      scanIntervalMs: wholeNumber(raw.auditorScanMs, { flag: '--auditor-scan-ms', min: 1000, max: 30 * 86_400_000, default: 86_400_000 }),
      dayMs: 1000 * wholeNumber(raw.auditorDaySeconds, { flag: '--auditor-day-seconds', min: 1, max: 86_400, default: 86_400 }),
      webhook: raw.alertWebhook,
      smtp: raw.alertSmtp,
      smtpUser: raw.alertSmtpUser,
      emailFrom: raw.alertEmailFrom,
      emailTo: lists.alertEmailTo,
      alertOn: lists.alertOn,
      remediate: lists.remediate,
    },
    env,
  );
  if (typeof parsed === 'string') throw new ConfigError(parsed);
  return parsed;
}

/**
 * The commercial AWS regions as of 2026 (botocore's endpoints.json, partition `aws`): the regions a
 * server serves unless `--regions` names others.
 */
export const COMMERCIAL_REGIONS: readonly string[] = [
  'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1',
  'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5',
  'ap-southeast-6', 'ap-southeast-7', 'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-north-1',
  'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'il-central-1', 'me-central-1',
  'me-south-1', 'mx-central-1', 'sa-east-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
];

function isRegionName(name: string): boolean {
  return /^[a-z]{2}(-[a-z]+)+-\d+$/.test(name);
}

/** `--regions` as given (the default region is added when missing), or every commercial region. */
function parseRegions(given: readonly string[] | undefined, defaultRegion: string): readonly string[] {
  // `--regions a,b` as well as `--regions a --regions b`.
  const names = (given ?? COMMERCIAL_REGIONS).flatMap((r) => r.split(/[,\s]+/)).filter((r) => r !== '');
  for (const r of names) if (!isRegionName(r)) throw new ConfigError(`invalid region in --regions: ${r}`);
  return [...new Set([...names, defaultRegion])];
}

function parseHttpLimits(raw: RawConfig): HttpLimits {
  const d = DEFAULT_HTTP_LIMITS;
  const ms = { min: 100, max: 3_600_000 };
  const count = { min: 1, max: 1_000_000 };
  return {
    idleTimeoutMs: wholeNumber(raw.idleTimeoutMs, { flag: '--idle-timeout-ms', ...ms, default: d.idleTimeoutMs }),
    headersTimeoutMs: wholeNumber(raw.headersTimeoutMs, { flag: '--headers-timeout-ms', ...ms, default: d.headersTimeoutMs }),
    maxConnections: wholeNumber(raw.maxConnections, { flag: '--max-connections', ...count, default: d.maxConnections }),
    maxUploads: wholeNumber(raw.maxUploads, { flag: '--max-uploads', ...count, default: d.maxUploads }),
  };
}

function wholeNumber(value: string | undefined, o: { flag: string; min: number; max: number; default: number }): number {
  if (value === undefined) return o.default;
  if (!/^\d+$/.test(value) || Number(value) < o.min || Number(value) > o.max) {
    throw new ConfigError(`${o.flag} must be a whole number from ${o.min} to ${o.max}, got ${value}`);
  }
  return Number(value);
}

/**
 * `--sse-key-file` or `STRONGBOX_SSE_KEY` (never a flag: a key on the command line shows in `ps`), not
 * both; neither: the data directory's own key file.
 */
function parseSseKeySource(file: string | undefined, keys: string | undefined): SseKeySource {
  if (file !== undefined && keys) throw new ConfigError('give the SSE keys either in STRONGBOX_SSE_KEY or in --sse-key-file, not both');
  if (file !== undefined) return { kind: 'file', path: file };
  if (!keys) return { kind: 'default' };
  try {
    return { kind: 'env', keys: parseSseKeys(keys, 'STRONGBOX_SSE_KEY') };
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
}

/** A whole number of seconds, 1 to 86,400 (a day shorter than AWS's, never longer). */
function parseLifecycleDaySeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 86_400) {
    throw new ConfigError(`--lifecycle-day-seconds must be a whole number from 1 to 86400, got ${value}`);
  }
  return Number(value);
}

/** Environment first, flags over it; a repeated flag adds to its list (and replaces the variable's). */
function readRaw(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { raw: RawConfig; lists: RawLists; switches: RawSwitches } {
  const raw: RawConfig = {};
  const lists: RawLists = {};
  const switches: RawSwitches = {};
  for (const spec of Object.values(SWITCHES)) {
    const v = env[spec.env]?.toLowerCase();
    if (v === undefined || v === '') continue;
    if (v !== '1' && v !== 'true' && v !== '0' && v !== 'false') {
      throw new ConfigError(`${spec.env} must be 1, true, 0 or false, got ${v}`);
    }
    switches[spec.key] = v === '1' || v === 'true';
  }
  for (const spec of Object.values(FLAGS)) {
    const v = env[spec.env];
    if (v) raw[spec.key] = v;
  }
  for (const spec of Object.values(LIST_FLAGS)) {
    const v = env[spec.env]?.split(spec.separator).filter((e) => e !== '');
    if (v && v.length > 0) lists[spec.key] = v;
  }
  const fromFlags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    // `--flag=value`: the first `=` ends the flag (`--network-endpoint=10.0.0.0/8=vpce-…`).
    const [flag, inline] = eq > 0 && arg.startsWith('--') ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const switchSpec = SWITCHES[arg];
    if (switchSpec) {
      switches[switchSpec.key] = true;
      continue;
    }
    const spec = FLAGS[flag];
    const listSpec = LIST_FLAGS[flag];
    if (!spec && !listSpec) throw new UnknownOptionError(arg);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`option ${flag} needs a value`);
    if (spec) raw[spec.key] = value;
    else {
      if (!fromFlags.has(flag)) lists[listSpec.key] = [];
      fromFlags.add(flag);
      lists[listSpec.key]!.push(value);
    }
  }
  return { raw, lists, switches };
}

function parseTrustedProxy(cidr: string): string {
  if (!parseCidr(cidr)) throw new ConfigError(`--trusted-proxy must be an IP address or CIDR block, got ${cidr}`);
  return cidr;
}

/** AWS's ids: the prefix and 8 (older) or 17 hex digits. */
const VPCE_ID = /^vpce-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;
const VPC_ID = /^vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;
const HEX_ID = 'and 8 or 17 lower-case hex digits';

/**
 * `CIDR=vpce-ID[,vpc-ID]` each. Checked in the order given, first match wins (request-context.ts),
 * so a narrower block listed before a wider one takes precedence.
 * Deviation from AWS: AWS knows which endpoint a request came through; Strongbox is told which client
 * networks stand for which endpoint, so aws:SourceVpce/aws:SourceVpc policies copied from AWS run.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies-vpc-endpoint.html
 */
function parseNetworkEndpoints(specs: readonly string[]): NetworkEndpoint[] {
  const seen = new Map<string, string>();
  return specs.map((spec) => {
    const m = /^([^=]+)=([^,]+)(?:,(.+))?$/.exec(spec.trim());
    if (!m) throw new ConfigError(`--network-endpoint must be CIDR=vpce-ID[,vpc-ID], got ${spec}`);
    const [, cidr, vpceId, vpcId] = m;
    const block = parseCidr(cidr);
    if (!block) throw new ConfigError(`--network-endpoint ${spec}: ${cidr} is not an IP address or CIDR block`);
    if (!VPCE_ID.test(vpceId)) {
      throw new ConfigError(`--network-endpoint ${spec}: ${vpceId} is not a VPC endpoint id (vpce- ${HEX_ID})`);
    }
    if (vpcId !== undefined && !VPC_ID.test(vpcId)) {
      throw new ConfigError(`--network-endpoint ${spec}: ${vpcId} is not a VPC id (vpc- ${HEX_ID})`);
    }
    const key = `${block.family}/${block.words.join('.')}/${block.prefix}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new ConfigError(`--network-endpoint ${spec}: ${cidr} is already mapped by ${earlier}`);
    }
    seen.set(key, spec);
    return vpcId === undefined ? { cidr, vpceId } : { cidr, vpceId, vpcId };
  });
}

/** All three of --tls-address, --tls-cert, --tls-key, or none. */
function parseTls(raw: RawConfig, plain: { host: string; port: number }): TlsListenerConfig | undefined {
  const given = [raw.tlsAddress, raw.tlsCert, raw.tlsKey].filter((v) => v !== undefined).length;
  if (given === 0) return undefined;
  if (given < 3) throw new ConfigError('the TLS listener needs all of --tls-address, --tls-cert and --tls-key');
  const { host, port } = parseAddress(raw.tlsAddress!, '--tls-address');
  if (port !== 0 && port === plain.port && host === plain.host) {
    throw new ConfigError(`--tls-address ${raw.tlsAddress} is the plain listener's address too`);
  }
  return { host, port, certFile: raw.tlsCert!, keyFile: raw.tlsKey! };
}

/** Upper bound on `--workers`: each worker holds its own caches, buffers and hash threads. */
const MAX_WORKERS = 64;

function parseWorkers(value: string): number {
  if (value === 'auto') return Math.min(availableParallelism(), MAX_WORKERS);
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_WORKERS) {
    throw new ConfigError(`--workers must be auto or a whole number from 1 to ${MAX_WORKERS}, got ${value}`);
  }
  return Number(value);
}

function parseAddress(address: string, option: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(address);
  if (!m) throw new ConfigError(`${option} must be HOST:PORT, got ${address}`);
  const port = Number(m[3]);
  if (port > 65535) throw new ConfigError(`invalid port: ${m[3]}`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}
