/**
 * The lifecycle worker as the composition root starts it: over the server's storage, reporting each
 * change as a structured log line and to `onAction` (the hook the audit trail will use).
 */
import type { Logger } from 'pino';
import type { BackgroundStore, S3Storage } from '../storage/ports.js';
import { objectsServiceLifecycleActions, type LifecycleActions } from './lifecycle-actions.js';
import type { ObjectsService } from '../storage/objects-service.js';
import type { LifecycleDays } from './lifecycle-days.js';
import { LifecycleWorker, type LifecycleActionEvent } from './lifecycle-worker.js';

export interface LifecycleJobDeps {
  readonly storage: S3Storage & { readonly background: BackgroundStore };
  /** The one path of writes and deletes (blobs reclaimed after the commit). */
  readonly objectsService: ObjectsService;
  readonly days: LifecycleDays;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** How changes are made; through `objectsService` by default. */
  readonly actions?: LifecycleActions;
  /** Every action taken, after its log line (the audit trail's hook). */
  readonly onAction?: (event: LifecycleActionEvent) => void;
}

export function lifecycleJob(deps: LifecycleJobDeps): LifecycleWorker {
  return new LifecycleWorker({
    storage: deps.storage,
    background: deps.storage.background,
    actions: deps.actions ?? objectsServiceLifecycleActions(deps.objectsService, deps.storage.objects),
    days: deps.days,
    now: deps.now ?? (() => new Date()),
    onAction: (event) => {
      // One line per deletion or abort; what did not happen (changed meanwhile, already gone) at debug.
      const quiet = event.outcome === 'Changed' || event.outcome === 'Gone';
      const level = event.outcome === 'Failed' ? 'error' : quiet ? 'debug' : 'info';
      deps.logger[level]({ lifecycle: { ...event, at: event.at.toISOString() } }, `lifecycle ${event.action}`);
      deps.onAction?.(event);
    },
  });
}

/**
 * How long the lifecycle job sleeps when nothing is due: a quarter of a lifecycle day, between 0.25 s
 * and 30 s, so actions happen soon after they fall due and a new configuration is seen quickly.
 */
export function lifecycleIdleMs(days: LifecycleDays): number {
  return Math.min(30_000, Math.max(250, Math.floor(days.dayMs / 4)));
}
