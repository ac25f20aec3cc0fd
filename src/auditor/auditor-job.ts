import type { AuditEventStore } from '../audit/audit-ports.js';
import type { BackgroundJob, PassContext, PassResult } from '../server/background-jobs.js';
import { analyzeResource, resourcesOf, zoneOf, type AuditorSources, type ResourceRef } from './audited-resources.js';
import type { AnalyzedFinding, AnalyzerRecord, FindingChanges } from './auditor-types.js';
import { analyzeSecurityPosture, type SecurityPostureDeps } from './security-posture/security-posture.js';
import { Slices } from './slices.js';
import { analyzeInternalAccess, type InternalAccessDeps, type InternalAccessInclusion } from './internal-access.js';
import { analyzeUnusedAccess, type UnusedAccessDeps } from './unused-access.js';
import type { ConfigurationEventInput } from './configuration/resources-of-event.js';
import type { SqliteAuditorStore } from './sqlite-auditor-store.js';

/** A resource an event changed, as the configuration history names it (configuration/resources-of-event.ts). */
export interface ChangedResource {
  readonly resourceType: string;
  readonly accountId: string;
  readonly name: string;
}

/** A recorded write event, parsed (the members the configuration history reads, and the rest). */
export type RecordedWrite = ConfigurationEventInput & Readonly<Record<string, unknown>>;

export interface AuditorJobOptions {
  readonly store: SqliteAuditorStore;
  readonly events: Pick<AuditEventStore, 'writesAfter' | 'lastHistorySeq'>;
  readonly sources: AuditorSources;
  readonly resourcesOfEvent: (event: RecordedWrite) => readonly ChangedResource[];
  /** How often every analyzer looks at all its resources again, besides what events point to. */
  readonly scanIntervalMs: number;
  /** How soon a change is analyzed: the job's pause when idle. */
  readonly intervalMs: number;
  readonly now: () => Date;
  /** New and resolved findings, after they are stored (alerts). */
  readonly onFindings?: (
    analyzer: AnalyzerRecord,
    changes: FindingChanges,
    cause: RecordedWrite | undefined,
  ) => Promise<void>;
  /** The unused-access analysis' sources, and the length of its days. */
  readonly unused: UnusedAccessDeps & { readonly dayMs: number };
  /** The internal access analysis' sources. */
  readonly internal: InternalAccessDeps;
  /** The security-posture analysis' sources (STRONGBOX_SECURITY_POSTURE analyzers). */
  readonly posture: SecurityPostureDeps;
  /** Each batch of write events, before the job moves past them (configuration history, event alerts). */
  readonly onEvents?: (events: readonly RecordedWrite[]) => Promise<void>;
}

/** Events read per pass: a burst of changes is worked off in passes between which requests run. */
const EVENTS_PER_PASS = 200;

const EXTERNAL_ACCESS = new Set(['ACCOUNT', 'ORGANIZATION']);
const UNUSED_ACCESS = new Set(['ACCOUNT_UNUSED_ACCESS', 'ORGANIZATION_UNUSED_ACCESS']);
const POSTURE = 'STRONGBOX_SECURITY_POSTURE';
const INTERNAL_ACCESS = new Set(['ACCOUNT_INTERNAL_ACCESS', 'ORGANIZATION_INTERNAL_ACCESS']);
/** The analyzers whose analysis covers whole accounts, which a change asks to scan again. */
const WHOLE_ACCOUNT = new Set([POSTURE, ...INTERNAL_ACCESS]);
/** AWS's default unusedAccessAge. */
const DEFAULT_UNUSED_AGE_DAYS = 90;

/**
 * The continuous auditor's background job (issue #18), run by the process that holds the background
 * lease. Event-driven: it follows the event history's write events (every change to a bucket, role,
 * key, Block Public Access setting or the organization is one) and re-analyzes the resources each
 * names, so a finding appears or resolves within `intervalMs` of the change. Scheduled: each analyzer
 * also scans all its resources when created and every `scanIntervalMs`, which resolves the findings of
 * resources that are gone and catches anything the history no longer holds (retention).
 * Cost: an event costs the analysis of the resources it names for each analyzer covering their account
 * (O(statements × actions) each); a scan is O(resources) analyses, sliced so requests run between.
 */
export function auditorJob(o: AuditorJobOptions): BackgroundJob {
  return {
    name: 'auditor',
    idleIntervalMs: o.intervalMs,
    async runPass(ctx: PassContext): Promise<PassResult> {
      const more = await followEvents(o);
      await scanDue(o, ctx);
      return more ? 'More' : 'Idle';
    },
  };
}

async function followEvents(o: AuditorJobOptions): Promise<boolean> {
  let cursor = o.store.progress<number>('events');
  if (cursor === undefined) {
    // First run: start at the end of the history; the analyzers' first scans cover what came before.
    o.store.setProgress('events', o.events.lastHistorySeq());
    return false;
  }
  const batch = o.events.writesAfter(cursor, EVENTS_PER_PASS);
  if (batch.length === 0) return false;
  const events = batch.map((e) => JSON.parse(e.json) as RecordedWrite);
  // Each external access analyzer with its zone of trust, read once for the batch.
  const analyzers: CoveringAnalyzer[] = [];
  for (const analyzer of externalAnalyzers(o.store))
    analyzers.push({ analyzer, zone: await zoneOf(analyzer, o.sources.iam) });
  const changedAccounts = new Set<string>();
  for (const event of events) {
    if (event.errorCode !== undefined) continue;
    for (const changed of o.resourcesOfEvent(event)) {
      changedAccounts.add(changed.accountId);
      await reanalyze(o, analyzers, changed, event);
    }
  }
  requestPostureScans(o, changedAccounts);
  await o.onEvents?.(events);
  cursor = batch[batch.length - 1]!.seq;
  o.store.setProgress('events', cursor);
  return batch.length === EVENTS_PER_PASS;
}

/** A configuration change in an account asks its posture analyzers for a scan (scanDue spaces them out). */
function requestPostureScans(o: AuditorJobOptions, accounts: ReadonlySet<string>): void {
  if (accounts.size === 0) return;
  for (const { analyzer, scanRequestedAt } of o.store.allAnalyzers()) {
    if (WHOLE_ACCOUNT.has(analyzer.type) && scanRequestedAt === undefined && accounts.has(analyzer.accountId)) {
      o.store.requestScan(analyzer.arn, o.now().getTime());
    }
  }
}

function externalAnalyzers(store: SqliteAuditorStore): AnalyzerRecord[] {
  return store
    .allAnalyzers()
    .map((a) => a.analyzer)
    .filter((a) => EXTERNAL_ACCESS.has(a.type));
}

interface CoveringAnalyzer {
  readonly analyzer: AnalyzerRecord;
  readonly zone: Awaited<ReturnType<typeof zoneOf>>;
}

/** Re-analyzes what an event changed for every analyzer that covers it, or asks for a scan. */
async function reanalyze(
  o: AuditorJobOptions,
  analyzers: readonly CoveringAnalyzer[],
  changed: ChangedResource,
  event: RecordedWrite,
): Promise<void> {
  const ref = refOf(changed);
  if (ref === undefined) return;
  const now = o.now();
  for (const { analyzer, zone } of analyzers) {
    if (ref === 'scan') {
      // An account's Block Public Access or the organization changed: every resource may be affected.
      if (
        changed.resourceType.startsWith('AWS::Organizations::')
          ? analyzer.type === 'ORGANIZATION'
          : zone.covered.includes(changed.accountId)
      ) {
        o.store.requestScan(analyzer.arn, now.getTime());
      }
      continue;
    }
    if (!zone.covered.includes(changed.accountId)) continue;
    const analysis = await analyzeResource(o.sources, analyzer, zone, ref);
    const arn = 'gone' in analysis ? goneArn(ref, changed) : analysis.arn;
    if (arn === undefined) continue;
    const changes = o.store.reconcileFindings(analyzer.arn, arn, 'gone' in analysis ? [] : analysis.found, now);
    if (changes.created.length > 0 || changes.resolved.length > 0) await o.onFindings?.(analyzer, changes, event);
  }
}

function refOf(c: ChangedResource): ResourceRef | 'scan' | undefined {
  switch (c.resourceType) {
    case 'AWS::S3::Bucket':
      return { type: 'AWS::S3::Bucket', name: c.name };
    case 'AWS::IAM::Role':
      return { type: 'AWS::IAM::Role', accountId: c.accountId, name: c.name };
    case 'AWS::KMS::Key':
      return { type: 'AWS::KMS::Key', keyId: c.name };
    case 'AWS::S3::AccountPublicAccessBlock':
      return 'scan';
    default:
      return c.resourceType.startsWith('AWS::Organizations::') ? 'scan' : undefined;
  }
}

/** The ARN a deleted resource's findings are filed under (a role's path is unknown: the scan resolves those). */
function goneArn(ref: ResourceRef, changed: ChangedResource): string | undefined {
  if (ref.type === 'AWS::S3::Bucket') return `arn:aws:s3:::${ref.name}`;
  return ref.type === 'AWS::IAM::Role' ? `arn:aws:iam::${changed.accountId}:role/${ref.name}` : undefined;
}

/** Scans the analyzers whose scan is due (asked for, or older than the interval). */
async function scanDue(o: AuditorJobOptions, ctx: PassContext): Promise<void> {
  for (const { analyzer, scanRequestedAt } of o.store.allAnalyzers()) {
    if (ctx.signal.aborted) return;
    const last = o.store.progress<number>(`scan:${analyzer.arn}`) ?? 0;
    if (scanRequestedAt === undefined && o.now().getTime() - last < o.scanIntervalMs) continue;
    const started = o.now();
    if (UNUSED_ACCESS.has(analyzer.type)) await scanAccounts(o, analyzer, unusedAnalysis(o, analyzer));
    else if (WHOLE_ACCOUNT.has(analyzer.type)) {
      // Every change may matter to these analyses, which cover whole accounts: at most once per ten
      // intervals when asked for by events.
      if (o.now().getTime() - last < 10 * o.intervalMs) continue;
      if (analyzer.type === POSTURE) await scanAccounts(o, analyzer, postureAnalysis(o, analyzer));
      else await scanInternal(o, analyzer);
    } else if (!(await scan(o, analyzer, ctx))) return;
    o.store.setProgress(`scan:${analyzer.arn}`, started.getTime());
    if (scanRequestedAt !== undefined) o.store.scanDone(analyzer.arn, scanRequestedAt);
  }
}

/** One full scan; false when stopped by shutdown (it starts over next time). */
async function scan(o: AuditorJobOptions, analyzer: AnalyzerRecord, ctx: PassContext): Promise<boolean> {
  const zone = await zoneOf(analyzer, o.sources.iam);
  const seen = new Set<string>();
  const slices = new Slices();
  let last: string | undefined;
  for await (const ref of resourcesOf(o.sources, analyzer, zone.covered)) {
    if (ctx.signal.aborted) return false;
    const analysis = await analyzeResource(o.sources, analyzer, zone, ref);
    if ('gone' in analysis) continue;
    seen.add(analysis.arn);
    last = analysis.arn;
    const changes = o.store.reconcileFindings(analyzer.arn, analysis.arn, analysis.found, o.now());
    if (changes.created.length > 0 || changes.resolved.length > 0) await o.onFindings?.(analyzer, changes, undefined);
    await slices.yield();
  }
  await resolveUnseen(o, analyzer, seen);
  const current = o.store.getAnalyzerByArn(analyzer.arn);
  if (current)
    o.store.updateAnalyzer({
      ...current,
      ...(last ? { lastResourceAnalyzed: last } : {}),
      lastResourceAnalyzedAt: o.now(),
    });
  return true;
}

/** The unused-access analysis of every user and role the analyzer covers. */
function unusedAnalysis(o: AuditorJobOptions, analyzer: AnalyzerRecord): EntityAnalysis {
  const configured = (analyzer.configuration?.unusedAccess as { unusedAccessAge?: number } | undefined)
    ?.unusedAccessAge;
  const ageDays = configured ?? DEFAULT_UNUSED_AGE_DAYS;
  return (accountId, now) => analyzeUnusedAccess(o.unused, { accountId, now, ageDays, dayMs: o.unused.dayMs });
}

/** The security-posture analysis, its team and key age from the analyzer's tags (analyzer-operations.ts). */
function postureAnalysis(o: AuditorJobOptions, analyzer: AnalyzerRecord): EntityAnalysis {
  const securityTeam = (analyzer.tags['strongbox:security-team'] ?? '').split(/[\s,]+/).filter((x) => x !== '');
  const age = Number(analyzer.tags['strongbox:access-key-max-age-days']);
  const accessKeyMaxAgeDays = Number.isInteger(age) && age > 0 ? age : undefined;
  return (accountId, now) =>
    analyzeSecurityPosture(o.posture, {
      accountId,
      now,
      dayMs: o.unused.dayMs,
      securityTeam,
      ...(accessKeyMaxAgeDays ? { accessKeyMaxAgeDays } : {}),
    });
}

type EntityAnalysis = (
  accountId: string,
  now: Date,
) => Promise<readonly { resource: string; found: readonly AnalyzedFinding[] }[]>;

/** An analysis of whole accounts (unused access, posture): every covered account; findings of what is gone resolve. */
async function scanAccounts(o: AuditorJobOptions, analyzer: AnalyzerRecord, analyze: EntityAnalysis): Promise<void> {
  const zone = await zoneOf(analyzer, o.sources.iam);
  const seen = new Set<string>();
  for (const accountId of zone.covered) {
    const now = o.now();
    const slices = new Slices();
    for (const e of await analyze(accountId, now)) {
      await slices.yield();
      seen.add(e.resource);
      const changes = o.store.reconcileFindings(analyzer.arn, e.resource, e.found, now);
      if (changes.created.length > 0 || changes.resolved.length > 0) await o.onFindings?.(analyzer, changes, undefined);
    }
  }
  await resolveUnseen(o, analyzer, seen);
  const current = o.store.getAnalyzerByArn(analyzer.arn);
  if (current) o.store.updateAnalyzer({ ...current, lastResourceAnalyzedAt: o.now() });
}

/** The internal access analysis of the analyzer's critical buckets, over the whole zone at once. */
async function scanInternal(o: AuditorJobOptions, analyzer: AnalyzerRecord): Promise<void> {
  const zone = await zoneOf(analyzer, o.sources.iam);
  const rule = (
    analyzer.configuration?.internalAccess as { analysisRule?: { inclusions?: InternalAccessInclusion[] } } | undefined
  )?.analysisRule;
  const now = o.now();
  const seen = new Set<string>();
  const results = await analyzeInternalAccess(o.internal, {
    accounts: zone.covered,
    inclusions: rule?.inclusions ?? [],
    organization: analyzer.type.startsWith('ORGANIZATION'),
  });
  const slices = new Slices();
  for (const r of results) {
    await slices.yield();
    seen.add(r.resource);
    const changes = o.store.reconcileFindings(analyzer.arn, r.resource, r.found, now);
    if (changes.created.length > 0 || changes.resolved.length > 0) await o.onFindings?.(analyzer, changes, undefined);
  }
  await resolveUnseen(o, analyzer, seen);
}

/** Findings on resources a scan no longer found: the resource is gone (or moved out of the zone). */
async function resolveUnseen(o: AuditorJobOptions, analyzer: AnalyzerRecord, seen: ReadonlySet<string>): Promise<void> {
  const stale = o.store.unresolvedResources(analyzer.arn).filter((resource) => !seen.has(resource));
  const slices = new Slices();
  for (const resource of stale) {
    await slices.yield();
    const changes = o.store.reconcileFindings(analyzer.arn, resource, [], o.now());
    await o.onFindings?.(analyzer, changes, undefined);
  }
}
