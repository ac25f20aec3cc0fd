import type {
  ConfigurationHistoryStore,
  CausingEvent,
  ConfigurationItem,
  ConfigurationItemStatus,
} from './configuration-history.js';
import { configurationStateHash, diffConfiguration } from './configuration/configuration-diff.js';
import type { ResourceRef } from './configuration/configuration-types.js';
import { describeResource, type DescribeResourceDeps } from './configuration/describe-resource.js';
import { resourcesOfEvent, type ConfigurationEventInput } from './configuration/resources-of-event.js';

/** A recorded write event, parsed: the members the history reads. */
export type HistoryEvent = ConfigurationEventInput & {
  readonly eventID?: string;
  readonly eventTime?: string;
  readonly sourceIPAddress?: string;
  readonly userIdentity?: ConfigurationEventInput['userIdentity'] & { readonly arn?: string };
};

const DELETED = 'deleted';

/**
 * Records the configuration items a batch of write events caused: each resource an event names is
 * described as it is now and, when that differs from its latest item (by the state hash), a new item is
 * stored with the diff and the events that touched it since — the last of them is the one it is
 * attributed to (who, when: its eventTime is the capture time). Several changes to one resource between
 * two passes of the job (`--auditor-interval-ms`) become one item listing all their events.
 * Returns the new items (alerts read them).
 */
export async function recordConfigurationChanges(
  history: ConfigurationHistoryStore,
  describe: DescribeResourceDeps,
  events: readonly HistoryEvent[],
): Promise<ConfigurationItem[]> {
  const touched = new Map<string, { ref: ResourceRef; events: CausingEvent[] }>();
  for (const e of events) {
    for (const ref of resourcesOfEvent(e)) {
      const k = `${ref.resourceType}\n${ref.accountId}\n${ref.name}`;
      const entry = touched.get(k) ?? { ref, events: [] };
      entry.events.push(causing(e));
      touched.set(k, entry);
    }
  }
  const out: ConfigurationItem[] = [];
  for (const { ref, events: causes } of touched.values()) {
    const now = await describeResource(describe, ref);
    const last = history.latest(ref);
    const hash = now ? configurationStateHash(now) : DELETED;
    if (last ? last.stateHash === hash : now === undefined) continue;
    const status: ConfigurationItemStatus =
      now === undefined ? 'ResourceDeleted' : last && last.status !== 'ResourceDeleted' ? 'OK' : 'ResourceDiscovered';
    const when = causes[causes.length - 1]!.eventTime;
    const item: ConfigurationItem = {
      ref,
      version: (last?.version ?? 0) + 1,
      resourceId: now?.resourceId ?? last!.resourceId,
      captureTime: new Date(when),
      status,
      stateHash: hash,
      description: now,
      diff: diffConfiguration(last?.status === 'ResourceDeleted' ? undefined : last?.description, now),
      events: causes,
    };
    history.append(item);
    out.push(item);
  }
  return out;
}

function causing(e: HistoryEvent): CausingEvent {
  return {
    eventId: e.eventID ?? '',
    eventName: e.eventName,
    eventSource: e.eventSource,
    eventTime: e.eventTime ?? new Date().toISOString(),
    ...(e.userIdentity?.arn !== undefined ? { who: e.userIdentity.arn } : {}),
    ...(e.sourceIPAddress !== undefined ? { sourceIPAddress: e.sourceIPAddress } : {}),
  };
}
