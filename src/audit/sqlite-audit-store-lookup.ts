/**
 * LookupEvents over audit.sqlite: one query per attribute kind, each walking a partial index of
 * management events newest first from the page's cursor, and the opaque NextToken that carries the
 * cursor together with a fingerprint of the query it belongs to.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
 */
import { createHash } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { CloudTrailEvent } from './cloudtrail-event.js';
import type { LookupAttributeKey, LookupPage, LookupQuery } from './audit-ports.js';

interface EventRow {
  readonly seq: number;
  readonly event_time: number;
  readonly event: string;
}

/** Where a page ends: the (event_time, seq) of its last event, the walk's order. */
interface Cursor {
  readonly time: number;
  readonly seq: number;
}

/** The events table column an attribute is matched on (resources are matched through event_resources). */
const COLUMNS: Readonly<Record<Exclude<LookupAttributeKey, 'ResourceType' | 'ResourceName'>, string>> = {
  EventId: 'event_id',
  EventName: 'event_name',
  ReadOnly: 'read_only',
  Username: 'username',
  EventSource: 'event_source',
  AccessKeyId: 'access_key_id',
};

/** Bounds and cursor shared by every query: account, region, time range, position. */
const RANGE = `account_id = @account AND region = @region AND event_time >= @start AND event_time <= @end
  AND event_time <= @cursorTime AND (event_time, seq) < (@cursorTime, @cursorSeq)`;

/** The SQL of each lookup: all events, events by a column of `events`, events by a resource column. */
export const LOOKUP_SQL = {
  all: () => `SELECT seq, event_time, event FROM events WHERE management = 1 AND ${RANGE}
    ORDER BY event_time DESC, seq DESC LIMIT @limit`,
  byColumn: (column: string) => `SELECT seq, event_time, event FROM events
    WHERE management = 1 AND ${column} = @value AND ${RANGE} ORDER BY event_time DESC, seq DESC LIMIT @limit`,
  byResource: (column: 'resource_type' | 'resource_name') => `SELECT e.seq, e.event_time, e.event FROM (
      SELECT DISTINCT seq, event_time FROM event_resources WHERE ${column} = @value AND ${RANGE}
      ORDER BY event_time DESC, seq DESC LIMIT @limit
    ) r JOIN events e ON e.seq = r.seq ORDER BY r.event_time DESC, r.seq DESC`,
  columns: () => Object.values(COLUMNS),
};

export class LookupQueries {
  private readonly all: Statement;
  private readonly byColumn = new Map<string, Statement>();
  private readonly byResourceType: Statement;
  private readonly byResourceName: Statement;

  constructor(db: Database) {
    this.all = db.prepare(LOOKUP_SQL.all());
    for (const column of Object.values(COLUMNS)) this.byColumn.set(column, db.prepare(LOOKUP_SQL.byColumn(column)));
    this.byResourceType = db.prepare(LOOKUP_SQL.byResource('resource_type'));
    this.byResourceName = db.prepare(LOOKUP_SQL.byResource('resource_name'));
  }

  lookup(query: LookupQuery): LookupPage | 'InvalidNextToken' {
    const fingerprint = queryFingerprint(query);
    let cursor: Cursor = { time: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER };
    if (query.nextToken !== undefined) {
      const decoded = decodeToken(query.nextToken, fingerprint);
      if (decoded === undefined) return 'InvalidNextToken';
      cursor = decoded;
    }
    const params = {
      account: query.accountId,
      region: query.region,
      start: query.startTime?.getTime() ?? 0,
      end: query.endTime?.getTime() ?? Number.MAX_SAFE_INTEGER,
      cursorTime: cursor.time,
      cursorSeq: cursor.seq,
      // One more than asked: whether a next page exists.
      limit: query.maxResults + 1,
    };
    const rows = this.statementFor(query, params) as EventRow[];
    const page = rows.slice(0, query.maxResults);
    const last = page[page.length - 1];
    return {
      events: page.map((r) => JSON.parse(r.event) as CloudTrailEvent),
      ...(rows.length > query.maxResults ? { nextToken: encodeToken({ time: last.event_time, seq: last.seq }, fingerprint) } : {}),
    };
  }

  private statementFor(query: LookupQuery, params: Record<string, number | string>): unknown[] {
    const attribute = query.attribute;
    if (attribute === undefined) return this.all.all(params);
    if (attribute.key === 'ResourceType') return this.byResourceType.all({ ...params, value: attribute.value });
    if (attribute.key === 'ResourceName') return this.byResourceName.all({ ...params, value: attribute.value });
    const column = COLUMNS[attribute.key];
    // readOnly is stored as 0/1; "true"/"false" is what the attribute carries.
    const value = attribute.key === 'ReadOnly' ? (attribute.value === 'true' ? 1 : 0) : attribute.value;
    return (this.byColumn.get(column) as Statement).all({ ...params, value });
  }
}

/**
 * AWS: a token "previously used in a request with different parameters" is InvalidNextTokenException.
 * The token names its query by a hash of every parameter but MaxResults (a page size may change).
 */
function queryFingerprint(q: LookupQuery): string {
  const parts = [q.accountId, q.region, q.attribute?.key ?? '', q.attribute?.value ?? '',
    q.startTime?.getTime() ?? '', q.endTime?.getTime() ?? ''];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

function encodeToken(cursor: Cursor, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ v: 1, t: cursor.time, s: cursor.seq, q: fingerprint })).toString('base64url');
}

function decodeToken(token: string, fingerprint: string): Cursor | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    const { v, t, s, q } = parsed;
    if (v !== 1 || q !== fingerprint || !Number.isSafeInteger(t) || !Number.isSafeInteger(s)) return undefined;
    return { time: t as number, seq: s as number };
  } catch {
    return undefined;
  }
}
