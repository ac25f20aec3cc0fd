import type { Logger } from 'pino';
import type { AuditEventStore } from '../audit/audit-ports.js';
import type { AwsManagedPolicyCatalog } from '../iam/aws-managed/catalog.js';
import { loadAccountPublicAccessBlock } from '../s3control/account-public-access-blocks.js';
import type { BackgroundJob } from '../server/background-jobs.js';
import { configurationAlerts, findingAlert, rootUseAlert } from './alert-rules.js';
import type { Alert } from './alerts/alert.js';
import { AlertDispatcher } from './alerts/alert-dispatcher.js';
import { AlertOutbox, migrateAlertOutbox } from './alerts/alert-outbox.js';
import type { AuditorSources } from './audited-resources.js';
import type { AuditorConfig } from './auditor-config.js';
import { auditorJob, type RecordedWrite } from './auditor-job.js';
import type { AnalyzerRecord, FindingChanges } from './auditor-types.js';
import { resourcesOfEvent } from './configuration/resources-of-event.js';
import { recordConfigurationChanges } from './record-configuration.js';
import { Remediation } from './remediation.js';
import { openAuditorStore, type SqliteAuditorStore } from './sqlite-auditor-store.js';

export interface OpenAuditorOptions {
  readonly dataDir: string;
  readonly region: string;
  readonly config: AuditorConfig;
  readonly sources: AuditorSources;
  readonly events: Pick<AuditEventStore, 'writesAfter' | 'lastHistorySeq'>;
  readonly awsManaged: AwsManagedPolicyCatalog;
  /** The tracked actions per service (the access advisor's catalogue). */
  readonly trackedActions: ReadonlyMap<string, readonly string[]>;
  readonly logger: Logger;
}

export interface OpenedAuditor {
  readonly store: SqliteAuditorStore;
  /** Run by the background lease holder: the analysis and history job, and alert delivery. */
  readonly jobs: readonly BackgroundJob[];
  /** Tells remediation where this server listens (its calls go through the public API). */
  setEndpoint(endpoint: string): void;
  close(): void;
}

/**
 * The continuous auditor (issue #18), composed once by main.ts: the store (`auditor.sqlite`), the job
 * that follows the audit trail's write events (findings, configuration history), the alerts it raises
 * (outbox in the same file, delivered by the dispatcher job) and the remediation it performs.
 */
export function openAuditor(o: OpenAuditorOptions): OpenedAuditor {
  const store = openAuditorStore(o.dataDir);
  migrateAlertOutbox(store.db);
  const { config, logger } = o;
  const dispatcher =
    config.alertDestinations.length > 0
      ? new AlertDispatcher({
          destinations: config.alertDestinations,
          outbox: new AlertOutbox(store.db),
          onDeliveryError: (destination, alertId, message) =>
            logger.warn({ destination, alertId, message }, 'alert delivery failed'),
        })
      : undefined;
  const alert = (a: Alert | undefined) => {
    if (a !== undefined) dispatcher?.send(a);
  };
  let endpoint: string | undefined;
  const remediation = new Remediation({
    rules: config.remediate,
    iam: o.sources.iam,
    endpoint: () => endpoint,
    region: o.region,
    now: () => new Date(),
  });
  const describe = {
    buckets: o.sources.buckets,
    iam: o.sources.iam,
    kmsKey: async (id: string) => (await o.sources.kms.getKey(id))?.record,
    accountPublicAccessBlock: async (id: string) => (await loadAccountPublicAccessBlock(o.sources.iam, id)).effective,
    region: o.region,
  };

  async function onFindings(
    analyzer: AnalyzerRecord,
    changes: FindingChanges,
    cause: RecordedWrite | undefined,
  ): Promise<void> {
    const who = (cause?.userIdentity as { arn?: string } | undefined)?.arn;
    for (const f of changes.created) {
      if (config.alertOn.has('findings')) alert(findingAlert(analyzer, f, who));
      const done = await remediation.remediate(f).catch((err: unknown) => {
        logger.error({ err, finding: f.id }, 'remediation failed');
        return undefined;
      });
      if (done) logger.info({ ...done, finding: f.id }, 'remediated');
    }
    if (config.alertOn.has('findings')) for (const f of changes.resolved) alert(findingAlert(analyzer, f, who));
  }

  async function onEvents(events: readonly RecordedWrite[]): Promise<void> {
    const items = await recordConfigurationChanges(store.history, describe, events);
    if (dispatcher === undefined) return;
    for (const item of items) for (const a of configurationAlerts(item, config.alertOn)) alert(a);
    if (config.alertOn.has('root-used')) for (const e of events) alert(rootUseAlert(e));
  }

  const job = auditorJob({
    store,
    events: o.events,
    sources: o.sources,
    resourcesOfEvent,
    unused: { iam: o.sources.iam, awsManaged: o.awsManaged, trackedActions: o.trackedActions, dayMs: config.dayMs },
    internal: { iam: o.sources.iam, buckets: o.sources.buckets, awsManaged: o.awsManaged },
    posture: {
      iam: o.sources.iam,
      buckets: o.sources.buckets,
      awsManaged: o.awsManaged,
      accountPublicAccessBlock: describe.accountPublicAccessBlock,
    },
    intervalMs: config.intervalMs,
    scanIntervalMs: config.scanIntervalMs,
    now: () => new Date(),
    onFindings,
    onEvents,
  });
  return {
    store,
    // Alerts go out as soon as the auditor's interval, not the runner's default pause.
    jobs: dispatcher
      ? [job, { name: 'alerts', idleIntervalMs: config.intervalMs, runPass: (ctx) => dispatcher.runPass(ctx) }]
      : [job],
    setEndpoint: (e) => {
      endpoint = e;
    },
    close: () => store.close(),
  };
}
