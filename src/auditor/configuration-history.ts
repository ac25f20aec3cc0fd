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
  private readonly idExists: Statement<[string, string, string], string>;
  private readonly byName: Statement<[string, string], ItemRow>;

  constructor(db: Database) {
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
    this.idExists = db
      .prepare<[string, string, string], string>(
        'SELECT resource_id FROM configuration_items WHERE account_id = ? AND resource_type = ? AND resource_id = ? LIMIT 1',
      )
      .pluck();
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

  /** Items of one resource by AWS Config's resourceId (see `resourceId`), within the times. */
  history(q: HistoryQuery): ConfigurationItem[] {
    const from = q.earlierTime?.getTime() ?? 0;
    const to = q.laterTime?.getTime() ?? Number.MAX_SAFE_INTEGER;
    const items = this.byId.all(q.accountId, q.resourceType, q.resourceId, from, to).map(toItem);
    return q.chronologicalOrder === 'Forward' ? items : items.reverse();
  }

  /**
   * AWS Config's resourceId of a resource the history knows by that id or by its name (a user's or
   * role's name, as the CLI knows it); undefined when nothing was ever recorded of it.
   */
  resourceId(accountId: string, resourceType: string, idOrName: string): string | undefined {
    return (
      this.idExists.get(accountId, resourceType, idOrName) ??
      this.last.get(resourceType, accountId, idOrName)?.resource_id
    );
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
