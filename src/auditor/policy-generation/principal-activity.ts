/**
 * A principal's recorded activity over a period, as StartPolicyGeneration reads it: the events of an IAM
 * user's own calls, or of every session of a role, in the trails named and their Regions, between
 * startTime and endTime. Management events come from the event history (`events`), data events from the
 * delivery log lines of the named trails (data events are nowhere else, audit-schema.ts).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_StartPolicyGeneration.html
 *
 * Deviation from AWS: AWS reads the trail's delivered log files; Strongbox reads its own audit store, so
 * management events count whether or not the trail's selectors took them, and activity older than the
 * store's retention (`--audit-retention-days`, `--audit-max-events`) is not seen even when the trail's
 * bucket still holds those files.
 */
import BetterSqlite3, { type Database } from 'better-sqlite3';
import type { CloudTrailEvent } from '../../audit/cloudtrail-event.js';
import {
  deliveredEvents,
  historyEvents,
  historyRegions,
  trailExists,
  windowPruned,
  type DeliveredTrail,
  type StoredEvent,
  type TimeWindow,
} from './audit-activity-streams.js';
import { PolicyGenerationError } from './policy-generation-error.js';

/** One trail of StartPolicyGeneration's `cloudTrailDetails.trails` (API_Trail.html). */
export interface TrailSelection {
  readonly cloudTrailArn: string;
  readonly regions?: readonly string[];
  readonly allRegions?: boolean;
}

export interface PrincipalActivityQuery {
  /** `<dataDir>/audit.sqlite`, opened read-only. */
  readonly auditDbPath: string;
  /** An IAM user or role ARN (GeneratedPolicyProperties' pattern `arn:*:iam::*:(role|user)/...`). */
  readonly principalArn: string;
  readonly trails: readonly TrailSelection[];
  readonly startTime: Date;
  readonly endTime: Date;
  /** At most this many events are read; beyond, the scan stops and is not complete. */
  readonly maxEvents: number;
}

export interface PrincipalActivityScan {
  /** Events read from the store (the principal's and others'). */
  readonly eventsScanned: number;
  /** Events of the principal handed to the visitor. */
  readonly eventsMatched: number;
  /** Retention (`--audit-retention-days`, `--audit-max-events`) may have deleted events of the window. */
  readonly windowPruned: boolean;
  /**
   * GeneratedPolicyProperties.isComplete: false when `maxEvents` stopped the scan before the window's
   * end, or when retention may have deleted events of the window.
   */
  readonly isComplete: boolean;
}

export interface IamPrincipal {
  readonly kind: 'user' | 'role';
  readonly arn: string;
  readonly accountId: string;
  readonly name: string;
}

const PRINCIPAL_ARN = /^arn:[^:]+:iam::(\d{12}):(user|role)\/(?:[^/]*\/)*([^/]+)$/;

export function parsePrincipalArn(arn: string): IamPrincipal | undefined {
  const m = PRINCIPAL_ARN.exec(arn);
  return m === null ? undefined : { kind: m[2] as 'user' | 'role', arn, accountId: m[1]!, name: m[3]! };
}

export interface TrailName {
  readonly accountId: string;
  readonly region: string;
  readonly name: string;
  /** The trail's name in the delivery log (`<account id>/<trail name>`, trail-delivery-log.ts). */
  readonly key: string;
}

const TRAIL_ARN = /^arn:[^:]+:cloudtrail:([^:]+):(\d{12}):trail\/([A-Za-z0-9._-]+)$/;

export function parseTrailArn(arn: string): TrailName | undefined {
  const m = TRAIL_ARN.exec(arn);
  return m === null ? undefined : { region: m[1]!, accountId: m[2]!, name: m[3]!, key: `${m[2]}/${m[3]}` };
}

/**
 * Decision: a trail read with no Regions named and `allRegions` unset is read in every Region, as a
 * multi-Region trail records them (IAM's events are all in us-east-1, whatever the trail's home Region).
 */
export function readsAllRegions(trail: TrailSelection): boolean {
  return trail.allRegions === true || trail.regions === undefined || trail.regions.length === 0;
}

/**
 * Whether the event is the principal's own call: an IAM user's (long-term keys or a GetSessionToken
 * session: both `IAMUser` with its ARN), or any session of the role (`AssumedRole` whose sessionIssuer
 * is the role), as the user-identity page describes them (cloudtrail-event-reference-user-identity.html).
 */
export function isPrincipalEvent(event: CloudTrailEvent, principal: IamPrincipal): boolean {
  const id = event.userIdentity;
  if (principal.kind === 'user') return id.type === 'IAMUser' && id.arn === principal.arn;
  const issuer = id.sessionContext?.sessionIssuer;
  return id.type === 'AssumedRole' && issuer !== undefined && 'arn' in issuer && issuer.arn === principal.arn;
}

/**
 * Hands each event of the principal in the window to `visit`, newest first across the event history and
 * the delivery log, reading at most `maxEvents` events.
 */
export function forEachPrincipalEvent(
  query: PrincipalActivityQuery,
  visit: (event: CloudTrailEvent) => void,
): PrincipalActivityScan {
  const principal = parsePrincipalArn(query.principalArn);
  if (principal === undefined) {
    throw new PolicyGenerationError(
      'InvalidPrincipalArn',
      `${query.principalArn} is not the ARN of an IAM user or role`,
    );
  }
  const trails = query.trails.map((t) => ({ selection: t, name: trailNameOf(t.cloudTrailArn) }));
  const window = { startMs: query.startTime.getTime(), endMs: query.endTime.getTime() };
  const db = new BetterSqlite3(query.auditDbPath, { readonly: true, fileMustExist: true });
  try {
    for (const t of trails) {
      if (!trailExists(db, t.name.accountId, t.name.name)) {
        throw new PolicyGenerationError('TrailNotFound', `Trail ${t.selection.cloudTrailArn} not found`);
      }
    }
    const streams: Stream[] = [
      ...historyStreams(db, { principal, trails, window }).map((events) => ({ source: 'history' as const, events })),
      { source: 'delivery', events: deliveredEvents(db, { trails: deliveredTrails(trails), window }) },
    ];
    let eventsMatched = 0;
    const scan = scanNewestFirst(streams, query.maxEvents, (stored, source) => {
      // A cheap test before parsing: the principal's ARN is in the JSON of each of its events (as
      // userIdentity.arn or sessionIssuer.arn); JSON.stringify escapes none of an ARN's characters.
      if (!stored.json.includes(principal.arn)) return;
      if (source === 'delivery' && !stored.json.includes('"managementEvent":false')) return;
      const event = JSON.parse(stored.json) as CloudTrailEvent;
      if (!isPrincipalEvent(event, principal)) return;
      eventsMatched++;
      visit(event);
    });
    const pruned = windowPruned(db, window.startMs);
    return { eventsScanned: scan.scanned, eventsMatched, windowPruned: pruned, isComplete: scan.isComplete && !pruned };
  } finally {
    db.close();
  }
}

function trailNameOf(arn: string): TrailName {
  const name = parseTrailArn(arn);
  if (name === undefined) throw new PolicyGenerationError('InvalidTrailArn', `${arn} is not a trail ARN`);
  return name;
}

interface NamedTrail {
  readonly selection: TrailSelection;
  readonly name: TrailName;
}

/**
 * The event-history streams: per account of the named trails, per Region read. An IAM user's events are
 * read through the user-name index; a role's sessions carry their session names there, so a role's are
 * found among all the account's events of the Region.
 */
function historyStreams(
  db: Database,
  o: { principal: IamPrincipal; trails: readonly NamedTrail[]; window: TimeWindow },
): Generator<StoredEvent, void, undefined>[] {
  const username = o.principal.kind === 'user' ? o.principal.name : undefined;
  const out: Generator<StoredEvent, void, undefined>[] = [];
  for (const [accountId, regions] of regionsBy(o.trails, (t) => t.name.accountId)) {
    for (const region of regions ?? historyRegions(db, accountId)) {
      out.push(
        historyEvents(db, { accountId, region, window: o.window, ...(username !== undefined ? { username } : {}) }),
      );
    }
  }
  return out;
}

/**
 * The Regions read per key (an account, a trail) over every trail named with it: the union of those
 * asked, or undefined (all) when one of them reads all.
 */
function regionsBy(
  trails: readonly NamedTrail[],
  keyOf: (t: NamedTrail) => string,
): Map<string, ReadonlySet<string> | undefined> {
  const out = new Map<string, Set<string> | undefined>();
  for (const t of trails) {
    const key = keyOf(t);
    const had = out.get(key);
    if (readsAllRegions(t.selection) || (out.has(key) && had === undefined)) out.set(key, undefined);
    else out.set(key, new Set([...(had ?? []), ...(t.selection.regions ?? [])]));
  }
  return out;
}

/** Each trail named once, with the Regions asked of it. */
function deliveredTrails(trails: readonly NamedTrail[]): DeliveredTrail[] {
  return [...regionsBy(trails, (t) => t.name.key)].map(([key, r]) => (r === undefined ? { key } : { key, regions: r }));
}

type Source = 'history' | 'delivery';

interface Stream {
  readonly source: Source;
  readonly events: Generator<StoredEvent, void, undefined>;
}

/**
 * Merges the streams newest first and visits at most `maxEvents` events. Complete when every stream
 * ran out within the bound. Closes every stream.
 */
function scanNewestFirst(
  streams: readonly Stream[],
  maxEvents: number,
  visit: (stored: StoredEvent, source: Source) => void,
): { scanned: number; isComplete: boolean } {
  let scanned = 0;
  try {
    const heads = streams.map((s) => s.events.next());
    for (let i = newest(heads); i >= 0; i = newest(heads)) {
      if (scanned >= maxEvents) return { scanned, isComplete: false };
      scanned++;
      visit(heads[i]!.value as StoredEvent, streams[i]!.source);
      heads[i] = streams[i]!.events.next();
    }
    return { scanned, isComplete: true };
  } finally {
    for (const s of streams) s.events.return(undefined);
  }
}

/** The index of the head holding the newest event (the first such on a tie); -1 when all are done. */
function newest(heads: readonly IteratorResult<StoredEvent, void>[]): number {
  let best = -1;
  let bestTime = -Infinity;
  heads.forEach((head, i) => {
    if (head.done !== true && head.value.timeMs > bestTime) {
      best = i;
      bestTime = head.value.timeMs;
    }
  });
  return best;
}
