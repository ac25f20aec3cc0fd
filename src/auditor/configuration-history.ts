import type { Database, Statement } from 'better-sqlite3';
import type { ConfigurationChange } from './configuration/configuration-diff.js';
import type { ConfigResourceType, ResourceDescription, ResourceRef } from './configuration/configuration-types.js';

/**
 * The configuration history (issue #18): one versioned configuration item per resource and change, in
 * AWS Config's shape — what the resource looked like after the change (undefined: deleted), the diff from
 * the previous item, and the events that caused it (who, when). Kept in `auditor.sqlite`.
 * https://docs.aws.amazon.com/config/latest/APIReference/API_ConfigurationItem.html
 */

export type ConfigurationItemStatus = 'ResourceDiscovered' | 'OK' | 'ResourceDeleted';

/** The event a change is attributed to (the last of those that touched the resource since the previous item). */
export interface CausingEvent {
  readonly eventId: string;
  readonly eventName: string;
  readonly eventSource: string;
  readonly eventTime: string;
  /** The caller's ARN (userIdentity.arn), when it has one. */
  readonly who?: string;
  readonly sourceIPAddress?: string;
}

export interface ConfigurationItem {
  readonly ref: ResourceRef;
  readonly version: number;
  readonly resourceId: string;
  readonly captureTime: Date;
  readonly status: ConfigurationItemStatus;
  readonly stateHash: string;
  readonly description: ResourceDescription | undefined;
  readonly diff: readonly ConfigurationChange[];
  readonly events: readonly CausingEvent[];
}

interface ItemRow {
  resource_type: string;
  account_id: string;
  resource_name: string;
  version: number;
  resource_id: string;
  capture_time: number;
  status: string;
  state_hash: string;
  item: string;
}

export interface HistoryQuery {
  readonly accountId: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly laterTime?: Date;
  readonly earlierTime?: Date;
  readonly chronologicalOrder: 'Reverse' | 'Forward';
}

export class ConfigurationHistoryStore {
  private readonly last: Statement<[string, string, string], ItemRow>;
  private readonly insert: Statement;
  private readonly byId: Statement<[string, string, string, number, number], ItemRow>;
  private readonly latestId: Statement<[string, string, string], ItemRow>;
  private readonly byName: Statement<[string, string], ItemRow>;

  constructor(private readonly db: Database) {
    this.last = db.prepare(
      'SELECT * FROM configuration_items WHERE resource_type = ? AND account_id = ? AND resource_name = ? ORDER BY version DESC LIMIT 1',
    );
    this.insert = db.prepare(
      `INSERT INTO configuration_items (resource_type, account_id, resource_name, version, resource_id, capture_time, status, state_hash, item)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.byId = db.prepare(
      `SELECT * FROM configuration_items WHERE account_id = ? AND resource_type = ? AND resource_id = ?
         AND capture_time >= ? AND capture_time <= ? ORDER BY capture_time, version`,
    );
    this.byName = db.prepare(
      'SELECT * FROM configuration_items WHERE resource_type = ? AND resource_name = ? ORDER BY account_id, version',
    );
    this.latestId = db.prepare(
      `SELECT * FROM configuration_items WHERE account_id = ? AND resource_type = ? AND resource_name = ? ORDER BY version DESC LIMIT 1`,
    );
  }

  /** Every item of resources of that type and name, in any account, oldest first (the CLI's lookup). */
  itemsNamed(resourceType: string, name: string): ConfigurationItem[] {
    return this.byName.all(resourceType, name).map(toItem);
  }

  latest(ref: ResourceRef): ConfigurationItem | undefined {
    const row = this.last.get(ref.resourceType, ref.accountId, ref.name);
    return row && toItem(row);
  }

  append(item: ConfigurationItem): void {
    const { ref } = item;
    this.insert.run(
      ref.resourceType,
      ref.accountId,
      ref.name,
      item.version,
      item.resourceId,
      item.captureTime.getTime(),
      item.status,
      item.stateHash,
      JSON.stringify({ description: item.description, diff: item.diff, events: item.events }),
    );
  }

  /** Items of one resource by AWS Config's resourceId (or its name), within the times. */
  history(q: HistoryQuery): ConfigurationItem[] {
    const from = q.earlierTime?.getTime() ?? 0;
    const to = q.laterTime?.getTime() ?? Number.MAX_SAFE_INTEGER;
    let rows = this.byId.all(q.accountId, q.resourceType, q.resourceId, from, to);
    if (rows.length === 0) {
      // A resource is also found by its name (a user's or role's name, as the CLI knows it).
      const named = this.latestId.get(q.accountId, q.resourceType, q.resourceId);
      if (named) rows = this.byId.all(q.accountId, q.resourceType, named.resource_id, from, to);
    }
    const items = rows.map(toItem);
    return q.chronologicalOrder === 'Forward' ? items : items.reverse();
  }

  /** Whether anything was ever recorded of the resource (ResourceNotDiscoveredException otherwise). */
  known(accountId: string, resourceType: string, resourceId: string): boolean {
    return (
      this.byId.all(accountId, resourceType, resourceId, 0, Number.MAX_SAFE_INTEGER).length > 0 ||
      this.latestId.get(accountId, resourceType, resourceId) !== undefined
    );
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}

function toItem(r: ItemRow): ConfigurationItem {
  const item = JSON.parse(r.item) as {
    description: (Omit<ResourceDescription, 'resourceCreationTime'> & { resourceCreationTime?: string }) | null;
    diff: ConfigurationChange[];
    events: CausingEvent[];
  };
  const d = item.description;
  return {
    ref: { resourceType: r.resource_type as ConfigResourceType, accountId: r.account_id, name: r.resource_name },
    version: r.version,
    resourceId: r.resource_id,
    captureTime: new Date(r.capture_time),
    status: r.status as ConfigurationItemStatus,
    stateHash: r.state_hash,
    description: d ? revived(d) : undefined,
    diff: item.diff,
    events: item.events,
  };
}

function revived(
  d: Omit<ResourceDescription, 'resourceCreationTime'> & { resourceCreationTime?: string },
): ResourceDescription {
  const { resourceCreationTime, ...rest } = d;
  return resourceCreationTime === undefined ? rest : { ...rest, resourceCreationTime: new Date(resourceCreationTime) };
}
