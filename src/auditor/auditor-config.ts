import { ALERT_RULES, type AlertRule } from './alert-rules.js';
import { checkAlertDestinations, AlertDestinationError, type AlertDestination } from './alerts/alert-destination.js';
import { REMEDIATION_RULES, type RemediationRule } from './remediation.js';

/** The continuous auditor's settings (issue #18): timing, alert destinations and rules, remediation. */
export interface AuditorConfig {
  /** How soon a change is analyzed (the job's idle pause). */
  readonly intervalMs: number;
  /** How often each analyzer scans all its resources again. */
  readonly scanIntervalMs: number;
  /** The length of a day for unused-access ages (shorter for tests and demonstrations). */
  readonly dayMs: number;
  readonly alertDestinations: readonly AlertDestination[];
  readonly alertOn: ReadonlySet<AlertRule>;
  readonly remediate: ReadonlySet<RemediationRule>;
}

export interface RawAuditorSettings {
  readonly intervalMs: number;
  readonly scanIntervalMs: number;
  readonly dayMs: number;
  readonly webhook?: string;
  readonly smtp?: string;
  readonly smtpUser?: string;
  readonly emailFrom?: string;
  readonly emailTo?: readonly string[];
  readonly alertOn?: readonly string[];
  readonly remediate?: readonly string[];
}

/**
 * Alert destinations from the flags, their secrets from the environment only (a command line shows in
 * `ps`): STRONGBOX_ALERT_WEBHOOK_SECRET signs webhooks, STRONGBOX_ALERT_SMTP_PASSWORD logs in to SMTP.
 * Returns an error message for bad settings.
 */
export function parseAuditorConfig(raw: RawAuditorSettings, env: NodeJS.ProcessEnv): AuditorConfig | string {
  const destinations: AlertDestination[] = [];
  if (raw.webhook !== undefined) {
    const secret = env.STRONGBOX_ALERT_WEBHOOK_SECRET;
    if (!secret)
      return '--alert-webhook needs STRONGBOX_ALERT_WEBHOOK_SECRET (at least 16 characters) in the environment';
    destinations.push({ name: 'webhook', type: 'webhook', url: raw.webhook, secret });
  }
  if (raw.smtp !== undefined) {
    if (!raw.emailFrom || !raw.emailTo?.length) return '--alert-smtp needs --alert-email-from and --alert-email-to';
    const password = env.STRONGBOX_ALERT_SMTP_PASSWORD;
    destinations.push({
      name: 'email',
      type: 'email',
      smtp: { url: raw.smtp, ...(raw.smtpUser ? { user: raw.smtpUser } : {}), ...(password ? { password } : {}) },
      from: raw.emailFrom,
      to: items(raw.emailTo),
    });
  }
  try {
    checkAlertDestinations(destinations);
  } catch (e) {
    if (e instanceof AlertDestinationError) return e.message;
    throw e;
  }
  const alertOn = chosen(raw.alertOn, ALERT_RULES, '--alert-on');
  if (typeof alertOn === 'string') return alertOn;
  const remediate = chosen(raw.remediate ?? [], REMEDIATION_RULES, '--auditor-remediate');
  if (typeof remediate === 'string') return remediate;
  return {
    intervalMs: raw.intervalMs,
    scanIntervalMs: raw.scanIntervalMs,
    dayMs: raw.dayMs,
    alertDestinations: destinations,
    alertOn,
    remediate,
  };
}

function chosen<T extends string>(
  values: readonly string[] | undefined,
  all: readonly T[],
  flag: string,
): Set<T> | string {
  if (values === undefined) return new Set(all);
  const rules = items(values);
  const bad = rules.find((v) => !all.includes(v as T));
  if (bad !== undefined) return `${flag}: unknown rule ${bad} (one of ${all.join(', ')})`;
  return new Set(rules as T[]);
}

/** A list flag's values: each flag may itself hold a comma-separated list (`--alert-on a,b`). */
function items(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(/[,\s]+/)).filter((v) => v !== '');
}
