import type { Alert, AlertSeverity } from './alerts/alert.js';
import type { AnalyzerRecord, FindingRecord } from './auditor-types.js';
import type { ConfigurationItem } from './configuration-history.js';
import type { HistoryEvent } from './record-configuration.js';

/**
 * Which changes raise an alert (issue #18: "Alerts on new findings and on chosen events (bucket created
 * or deleted, bucket made public, policy changed, root used)"), chosen with `--alert-on`; all by default.
 * A bucket made public is a new public finding (`findings`).
 */
export type AlertRule = 'findings' | 'bucket-created' | 'bucket-deleted' | 'policy-changed' | 'root-used';
export const ALERT_RULES: readonly AlertRule[] = [
  'findings',
  'bucket-created',
  'bucket-deleted',
  'policy-changed',
  'root-used',
];

/** An alert for a new (ACTIVE) or resolved finding; archived findings raise none. */
export function findingAlert(analyzer: AnalyzerRecord, f: FindingRecord, who: string | undefined): Alert | undefined {
  if (f.status === 'ARCHIVED') return undefined;
  const d = f.details;
  const resolved = f.status === 'RESOLVED';
  const principal = d.principal
    ? Object.entries(d.principal as Record<string, string>)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')
    : undefined;
  const actions = Array.isArray(d.action) ? (d.action as string[]) : [];
  const subject =
    d.isPublic === true ? 'is public' : principal ? `is reachable by ${principal}` : `has a ${f.findingType} finding`;
  const title = resolved ? `Resolved: ${f.findingType} on ${f.resource}` : `${f.resource} ${subject}`;
  const what = resolved
    ? `The ${f.findingType} finding ${f.id} on ${f.resource} is resolved: the configuration no longer grants this access.`
    : `Analyzer ${analyzer.name} found ${f.findingType} on ${f.resourceType} ${f.resource}` +
      (principal
        ? `: ${principal} may ${actions.length > 5 ? `${actions.slice(0, 5).join(', ')} and ${actions.length - 5} more` : actions.join(', ')}`
        : '') +
      (d.condition && Object.keys(d.condition).length > 0 ? ` when ${JSON.stringify(d.condition)}` : '') +
      '.';
  return {
    id: `${resolved ? 'resolved' : 'finding'}:${f.id}`,
    kind: resolved ? 'FindingResolved' : 'Finding',
    title,
    accountId: f.resourceOwnerAccount,
    time: f.updatedAt,
    what,
    ...(who !== undefined ? { who } : {}),
    ...(!resolved && typeof d.fix === 'string' ? { fix: d.fix } : {}),
    severity: resolved ? 'INFO' : ((d.severity as AlertSeverity | undefined) ?? 'MEDIUM'),
    details: {
      analyzerArn: analyzer.arn,
      findingId: f.id,
      findingType: f.findingType,
      resource: f.resource,
      status: f.status,
      ...d,
    },
  };
}

/** Paths of a configuration diff that are a policy: a bucket, key, trust or identity policy. */
const POLICY_PATH =
  /^supplementaryConfiguration\.BucketPolicy|^configuration\.(assumeRolePolicyDocument|keyPolicy|policyVersionList|rolePolicyList|userPolicyList|groupPolicyList|attachedManagedPolicies|content)/;

/** Alerts for chosen configuration changes: buckets created or deleted, policies changed. */
export function configurationAlerts(item: ConfigurationItem, rules: ReadonlySet<AlertRule>): Alert[] {
  const last = item.events[item.events.length - 1];
  const who = last?.who;
  const base = { accountId: item.ref.accountId, time: item.captureTime, ...(who ? { who } : {}) };
  const out: Alert[] = [];
  const bucket = item.ref.resourceType === 'AWS::S3::Bucket';
  const details = {
    resourceType: item.ref.resourceType,
    resource: item.ref.name,
    status: item.status,
    diff: item.diff,
    events: item.events,
  };
  if (bucket && item.status === 'ResourceDiscovered' && rules.has('bucket-created')) {
    out.push({
      ...base,
      id: `created:${item.ref.name}:${item.version}`,
      kind: 'Event',
      title: `Bucket ${item.ref.name} created`,
      what: `Bucket ${item.ref.name} was created${who ? ` by ${who}` : ''}.`,
      severity: 'INFO',
      details,
    });
  }
  if (bucket && item.status === 'ResourceDeleted' && rules.has('bucket-deleted')) {
    out.push({
      ...base,
      id: `deleted:${item.ref.name}:${item.version}`,
      kind: 'Event',
      title: `Bucket ${item.ref.name} deleted`,
      what: `Bucket ${item.ref.name} was deleted${who ? ` by ${who}` : ''}.`,
      severity: 'MEDIUM',
      details,
    });
  }
  const policyChanges = item.status === 'OK' ? item.diff.filter((c) => POLICY_PATH.test(c.path)) : [];
  if (policyChanges.length > 0 && rules.has('policy-changed')) {
    out.push({
      ...base,
      id: `policy:${item.ref.resourceType}:${item.ref.accountId}:${item.ref.name}:${item.version}`,
      kind: 'Event',
      title: `Policy changed on ${item.ref.resourceType} ${item.ref.name}`,
      what:
        `${policyChanges.length} change(s) to the policies of ${item.ref.resourceType} ${item.ref.name}${who ? ` by ${who}` : ''}: ` +
        policyChanges
          .slice(0, 5)
          .map((c) => `${c.changeType} ${c.path}`)
          .join('; '),
      fix: `Review the change: strongbox audit history --resource-type ${item.ref.resourceType} --resource ${item.ref.name}`,
      severity: 'LOW',
      details,
    });
  }
  return out;
}

/** An alert for a change made with the root user's credentials. */
export function rootUseAlert(e: HistoryEvent): Alert | undefined {
  if (e.userIdentity?.type !== 'Root' || e.errorCode) return undefined;
  const account = e.recipientAccountId ?? e.userIdentity.accountId ?? '';
  return {
    id: `root:${e.eventID ?? `${e.eventName}:${e.eventTime}`}`,
    kind: 'Event',
    title: `Root user called ${e.eventName}`,
    accountId: account,
    time: new Date(e.eventTime ?? Date.now()),
    what: `The root user of account ${account} called ${e.eventSource} ${e.eventName}${e.sourceIPAddress ? ` from ${e.sourceIPAddress}` : ''}.`,
    who: e.userIdentity.arn ?? `arn:aws:iam::${account}:root`,
    fix: 'Use IAM users or roles for daily work; keep the root credentials for the few tasks that need them, with MFA, and deactivate root access keys.',
    severity: 'HIGH',
    details: { eventID: e.eventID, eventName: e.eventName, eventSource: e.eventSource, eventTime: e.eventTime },
  };
}
