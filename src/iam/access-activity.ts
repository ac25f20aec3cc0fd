/**
 * The access advisor's recorder: the pipeline hands it every authorized use of actions
 * (`AccessActivity`, src/audit/audit-ports.ts) and it keeps, in memory, the latest use per
 * (account, entity, action); a LastUseBuffer writes them to `iam.sqlite` in one batch per interval,
 * off the request path. What GenerateServiceLastAccessedDetails reads.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html
 */
import type { AccessActivity } from '../audit/audit-ports.js';
import type { RequestRecord } from '../audit/request-record.js';
import type { RequestObserver } from '../server/request-observer.js';
import { LastUseBuffer } from './last-use-buffer.js';
import type { AccessActivityRepo, AccessActivityUse } from './store/types.js';

export interface AccessActivityRecorder {
  /** Cheap and synchronous: a few map writes per request; never throws at the request. */
  record(activity: AccessActivity): void;
  /** Writes what is buffered now (tests; shutdown goes through `close`). */
  flush(): Promise<void>;
  /** Stops the timer and writes what is buffered. */
  close(): Promise<void>;
}

export interface AccessActivityRecorderOptions {
  readonly store: Pick<AccessActivityRepo, 'recordUses'>;
  /** A failed batch is reported here (and dropped), never thrown at a request. */
  readonly onError: (err: unknown) => void;
  /** Default 1000 ms, as the access-key and role last-use buffers. */
  readonly intervalMs?: number;
}

/** An entity's uses since the last batch, newest per action (what the buffer holds per entity). */
interface PendingEntity {
  readonly accountId: string;
  readonly entityArn: string;
  /** action → its newest use (epoch ms) and region. */
  readonly actions: Map<string, { at: number; region: string }>;
  /** LastUseBuffer's `at`: when the entity was first seen in this batch (never compared again). */
  readonly at: Date;
}

export function createAccessActivityRecorder(options: AccessActivityRecorderOptions): AccessActivityRecorder {
  // One entry per entity (an ARN names its account), updated in place: a request costs two map
  // lookups on strings it already holds, and an allocation only for an action new in this batch.
  // `pending` holds exactly the entries the buffer holds: an entry is handed to the buffer when it is
  // created, and both are emptied together (the buffer calls `write` as it takes its batch).
  const pending = new Map<string, PendingEntity>();
  const buffer = new LastUseBuffer<PendingEntity>(
    (batch) => {
      pending.clear();
      return options.store.recordUses(batch.flatMap(usesOf));
    },
    options.onError,
    options.intervalMs ?? 1000,
  );
  return {
    record(activity) {
      let entity = pending.get(activity.entityArn);
      if (!entity) {
        entity = { accountId: activity.accountId, entityArn: activity.entityArn, actions: new Map(), at: activity.at };
        pending.set(activity.entityArn, entity);
        buffer.record(activity.entityArn, entity);
      }
      const at = activity.at.getTime();
      for (const action of activity.actions) {
        const last = entity.actions.get(action);
        if (!last) entity.actions.set(action, { at, region: activity.region });
        else if (last.at <= at) {
          last.at = at;
          last.region = activity.region;
        }
      }
    },
    // LastUseBuffer.flush() hands back a write already in flight, which does not hold what was recorded
    // after it started: a second flush writes that too.
    async flush() {
      await buffer.flush();
      await buffer.flush();
    },
    async close() {
      await buffer.close();
      await buffer.flush();
    },
  };
}

function usesOf(entity: PendingEntity): AccessActivityUse[] {
  const uses: AccessActivityUse[] = [];
  for (const [action, last] of entity.actions) {
    const colon = action.indexOf(':');
    // Every IAM action has a service prefix; anything else is not an action the advisor can report.
    if (colon <= 0) continue;
    uses.push({
      accountId: entity.accountId,
      entityArn: entity.entityArn,
      serviceNamespace: action.slice(0, colon).toLowerCase(),
      action,
      region: last.region,
      at: new Date(last.at),
    });
  }
  return uses;
}

/**
 * The access advisor's input from a request record: the actions an allowed request was authorized for,
 * counted for the IAM entity behind the caller (a user; the role of a role session). Root and anonymous
 * callers are no IAM entity a last-accessed report can name, so they are not recorded.
 * Deviation from AWS: AWS counts every attempt, denied ones included ("includes all attempts to access
 * an AWS API, not just the successful ones"); Strongbox counts the authorized ones.
 */
export function accessActivityOf(record: RequestRecord): AccessActivity | undefined {
  const caller = record.caller;
  if (record.decision !== 'Allow' || caller === undefined || (caller.kind !== 'User' && caller.kind !== 'AssumedRole')) return undefined;
  const authorizedActions = record.authorizedActions;
  if (!authorizedActions || authorizedActions.length === 0) return undefined;
  return {
    accountId: caller.accountId,
    entityArn: caller.kind === 'User' ? caller.arn : caller.roleArn,
    actions: authorizedActions,
    region: record.region,
    at: record.eventTime,
  };
}

/** The recorder as a request observer of the pipeline: after the response, off the request's time. */
export function accessActivityObserver(recorder: Pick<AccessActivityRecorder, 'record'>): RequestObserver {
  return {
    afterResponse(record) {
      const activity = accessActivityOf(record);
      if (activity) recorder.record(activity);
    },
  };
}
