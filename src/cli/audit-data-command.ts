/**
 * `strongbox audit findings|history|generate` (issue #18's CLI): the continuous auditor's data read from a
 * data directory — beside a running server too (read-only SQLite connections; WAL lets them read while it
 * writes) — for the operator on the server's machine. The same data is in the API: ListFindings(V2),
 * GetResourceConfigHistory, StartPolicyGeneration.
 * Exit status: `findings` 1 when a finding is ACTIVE (something to act on), else 0; 2 usage.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { AUDIT_DB_FILE } from '../audit/sqlite-audit-store.js';
import type { FindingRecord } from '../auditor/auditor-types.js';
import type { ConfigurationItem } from '../auditor/configuration-history.js';
import { generatePolicyFromTrail, PolicyGenerationError } from '../auditor/policy-generation/policy-generation.js';
import { AlertOutbox } from '../auditor/alerts/alert-outbox.js';
import { AUDITOR_DB_FILE, openAuditorStoreReadOnly } from '../auditor/sqlite-auditor-store.js';
import type { AuditIo } from './audit-command.js';
import { oneOf, optional, parseArgs, required, UsageError } from './audit-args.js';

export const AUDIT_DATA_USAGE = `       strongbox audit findings [--data-dir DIR] [--analyzer NAME] [--status ACTIVE|ARCHIVED|RESOLVED|ALL] [--json]
       strongbox audit history [--data-dir DIR] --resource-type TYPE --resource NAME [--at TIME] [--json]
       strongbox audit generate [--data-dir DIR] --principal ARN --trail ARN [--start TIME] [--end TIME] [--json]
  The auditor's findings (default: ACTIVE; exit status 1 when one is), a resource's configuration history
  (each change with its author and diff; --at: the configuration at that time), and a least-privilege
  policy for a user or role from its activity in a trail (default: the last 90 days). DIR: ./data.
       strongbox audit alerts [--data-dir DIR] [--retry ID] [--json]
  Alerts that could not be delivered (after their retries), and how many wait; --retry queues one again.`;

const VALUE_OPTIONS = new Set([
  '--retry',
  '--data-dir',
  '--analyzer',
  '--status',
  '--resource-type',
  '--resource',
  '--at',
  '--principal',
  '--trail',
  '--start',
  '--end',
]);

export function runAuditDataCommand(
  verb: 'findings' | 'history' | 'generate' | 'alerts',
  argv: readonly string[],
  io: AuditIo,
): number {
  const args = parseArgs(argv, VALUE_OPTIONS);
  const dataDir = optional(args, '--data-dir') ?? 'data';
  if (verb === 'generate') return generate(io, dataDir, args.json, args);
  if (verb === 'alerts') return alerts(io, dataDir, args.json, args);
  let store;
  try {
    store = openAuditorStoreReadOnly(dataDir);
  } catch (e) {
    throw new UsageError(`cannot read the auditor's data in ${dataDir}: ${(e as Error).message}`);
  }
  try {
    return verb === 'findings' ? findings(io, store, args.json, args) : history(io, store, args.json, args);
  } finally {
    store.close();
  }
}

type Store = ReturnType<typeof openAuditorStoreReadOnly>;
type Args = ReturnType<typeof parseArgs>;

function findings(io: AuditIo, store: Store, json: boolean, args: Args): number {
  const status = oneOf(optional(args, '--status') ?? 'ACTIVE', ['ACTIVE', 'ARCHIVED', 'RESOLVED', 'ALL']);
  const analyzer = optional(args, '--analyzer');
  const rows: { analyzer: string; finding: FindingRecord }[] = [];
  for (const { analyzer: a } of store.allAnalyzers()) {
    if (analyzer !== undefined && a.name !== analyzer) continue;
    for (const f of store.listFindings(a.arn))
      if (status === 'ALL' || f.status === status) rows.push({ analyzer: a.name, finding: f });
  }
  if (json)
    io.stdout(
      `${JSON.stringify(
        rows.map((r) => ({ analyzer: r.analyzer, ...r.finding })),
        null,
        2,
      )}\n`,
    );
  else if (rows.length === 0) io.stdout(`no ${status === 'ALL' ? '' : `${status.toLowerCase()} `}findings\n`);
  else {
    for (const { analyzer: name, finding: f } of rows) {
      const d = f.details;
      const principal = d.principal ? Object.values(d.principal as Record<string, string>).join(', ') : '';
      const actions = Array.isArray(d.action) ? ` ${(d.action as string[]).length} action(s)` : '';
      io.stdout(
        `${f.status.padEnd(8)} ${String(d.severity ?? '-').padEnd(8)} ${f.findingType.padEnd(24)} ${f.resource}\n`,
      );
      io.stdout(
        `  ${name} · ${f.id}${principal ? ` · ${principal}` : ''}${actions}${d.isPublic === true ? ' · PUBLIC' : ''}\n`,
      );
      if (typeof d.fix === 'string' && f.status === 'ACTIVE') io.stdout(`  fix: ${d.fix}\n`);
    }
  }
  return rows.some((r) => r.finding.status === 'ACTIVE') ? 1 : 0;
}

function history(io: AuditIo, store: Store, json: boolean, args: Args): number {
  const type = required(args, '--resource-type');
  const name = required(args, '--resource');
  const at = optional(args, '--at');
  let items: ConfigurationItem[] = store.history.itemsNamed(type, name);
  if (at !== undefined) {
    const when = time(at, '--at');
    const before = items.filter((i) => i.captureTime <= when);
    items = before.length === 0 ? [] : [before[before.length - 1]!];
  }
  if (json) io.stdout(`${JSON.stringify(items, null, 2)}\n`);
  else if (items.length === 0) io.stdout(`no configuration recorded for ${type} ${name}${at ? ` at ${at}` : ''}\n`);
  else if (at !== undefined)
    io.stdout(`${JSON.stringify(items[0]!.description ?? { status: items[0]!.status }, null, 2)}\n`);
  else {
    for (const i of items) {
      const last = i.events[i.events.length - 1];
      io.stdout(
        `v${i.version} ${i.captureTime.toISOString()} ${i.status} ${last?.eventName ?? ''} by ${last?.who ?? 'unknown'}\n`,
      );
      for (const c of i.diff)
        io.stdout(
          `  ${c.changeType.padEnd(6)} ${c.path}${c.updatedValue !== undefined ? ` = ${JSON.stringify(c.updatedValue)}` : ''}\n`,
        );
    }
  }
  return 0;
}

function generate(io: AuditIo, dataDir: string, json: boolean, args: Args): number {
  const end = optional(args, '--end');
  const start = optional(args, '--start');
  const endTime = end === undefined ? new Date() : time(end, '--end');
  const startTime = start === undefined ? new Date(endTime.getTime() - 90 * 86_400_000) : time(start, '--start');
  try {
    const result = generatePolicyFromTrail({
      auditDbPath: join(dataDir, AUDIT_DB_FILE),
      principalArn: required(args, '--principal'),
      trails: [{ cloudTrailArn: required(args, '--trail'), allRegions: true }],
      startTime,
      endTime,
      maxEvents: 1_000_000,
    });
    if (json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    else if (result.generatedPolicies.length === 0) io.stdout('no activity in the period: no policy\n');
    else for (const p of result.generatedPolicies) io.stdout(`${JSON.stringify(JSON.parse(p.policy), null, 2)}\n`);
    if (!result.properties.isComplete)
      io.stderr('strongbox audit: the trail does not hold the whole period; the policy may be incomplete\n');
    return 0;
  } catch (e) {
    if (e instanceof PolicyGenerationError) throw new UsageError(e.message);
    throw new UsageError(`cannot read the audit trail in ${dataDir}: ${(e as Error).message}`);
  }
}

/**
 * The alerts that could not be delivered (the dead-letter list: permanent failures, or the last of the
 * retries), newest first, and how many wait for delivery; `--retry ID` queues one again.
 */
function alerts(io: AuditIo, dataDir: string, json: boolean, args: Args): number {
  const retry = optional(args, '--retry');
  let db: Database.Database;
  try {
    db = new Database(join(dataDir, AUDITOR_DB_FILE), { readonly: retry === undefined, fileMustExist: true });
  } catch (e) {
    throw new UsageError(`cannot read the auditor's data in ${dataDir}: ${(e as Error).message}`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    const outbox = new AlertOutbox(db);
    if (retry !== undefined) {
      const id = Number(retry);
      if (!Number.isSafeInteger(id)) throw new UsageError(`--retry: not a dead letter's id: ${retry}`);
      const outcome = outbox.retryDeadLetter(id);
      io.stdout(`${outcome}\n`);
      return outcome === 'NotFound' ? 1 : 0;
    }
    const dead = outbox.deadLetters({ limit: 1000 });
    const counts = outbox.counts();
    if (json) io.stdout(`${JSON.stringify({ ...counts, deadLetters: dead }, null, 2)}\n`);
    else {
      io.stdout(`${counts.pending} alert(s) waiting for delivery, ${counts.dead} undeliverable\n`);
      for (const d of dead) {
        io.stdout(
          `#${d.id} ${d.deadAt.toISOString()} ${d.destination} after ${d.attempts} attempt(s): ${d.error}\n  ${d.alert.title}\n`,
        );
      }
    }
    return 0;
  } finally {
    db.close();
  }
}

function time(text: string, option: string): Date {
  const t = new Date(text);
  if (Number.isNaN(t.getTime())) throw new UsageError(`${option}: not a time: ${text}`);
  return t;
}
