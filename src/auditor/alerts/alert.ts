/**
 * The alert the auditor hands to delivery (issue #18: "each alert says what changed, who did it, and
 * the fix"), and its two renderings: the JSON body of a webhook and an RFC 5322 e-mail.
 * Both are pure: the time they show is the alert's own.
 */
import { createHash } from 'node:crypto';
import { addressList, headerText, quotedPrintable, rfc5322Date, unstructuredHeader } from './mime.js';

export type AlertKind = 'Finding' | 'FindingResolved' | 'Event';
export type AlertSeverity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFO';

export interface Alert {
  /** Unique; also the idempotency key receivers can dedupe on (delivery is at least once). */
  readonly id: string;
  readonly kind: AlertKind;
  /** One line: "Bucket photos is public (policy statement 'Open')". */
  readonly title: string;
  readonly accountId: string;
  readonly time: Date;
  /** What changed, a few sentences. */
  readonly what: string;
  /** ARN of the principal that made the change, when known. */
  readonly who?: string;
  /** The concrete fix (a command or step). */
  readonly fix?: string;
  readonly severity?: AlertSeverity;
  /** The finding or event summary, JSON-able. */
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * The webhook body, version 1. Field names are stable: new fields may be added, none renamed or
 * removed. Absent `who`, `fix` and `severity` are `null` (present, so receivers need no existence
 * checks); `time` is ISO 8601 in UTC with milliseconds.
 */
export interface AlertBody {
  readonly version: 1;
  readonly id: string;
  readonly kind: AlertKind;
  readonly title: string;
  readonly accountId: string;
  readonly time: string;
  readonly what: string;
  readonly who: string | null;
  readonly fix: string | null;
  readonly severity: AlertSeverity | null;
  readonly details: Readonly<Record<string, unknown>>;
}

const KINDS: readonly string[] = ['Finding', 'FindingResolved', 'Event'] satisfies AlertKind[];
const SEVERITIES: readonly string[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'] satisfies AlertSeverity[];

export function alertBody(alert: Alert): AlertBody {
  return {
    version: 1,
    id: alert.id,
    kind: alert.kind,
    title: alert.title,
    accountId: alert.accountId,
    time: alert.time.toISOString(),
    what: alert.what,
    who: alert.who ?? null,
    fix: alert.fix ?? null,
    severity: alert.severity ?? null,
    details: alert.details,
  };
}

/** The webhook body as sent (and signed): compact JSON of `alertBody`. */
export function alertJson(alert: Alert): string {
  return JSON.stringify(alertBody(alert));
}

/** Reads back what `alertJson` wrote (the outbox stores alerts this way); throws on anything else. */
export function parseAlertJson(json: string): Alert {
  const v: unknown = JSON.parse(json);
  if (typeof v !== 'object' || v === null) throw new Error('alert JSON is not an object');
  const o = v as Record<string, unknown>;
  const text = (k: string): string => {
    if (typeof o[k] !== 'string') throw new Error(`alert JSON: ${k} is not a string`);
    return o[k] as string;
  };
  const optional = (k: string): string | undefined => (o[k] === null || o[k] === undefined ? undefined : text(k));
  const kind = text('kind');
  const severity = optional('severity');
  const time = new Date(text('time'));
  if (!KINDS.includes(kind)) throw new Error(`alert JSON: unknown kind ${kind}`);
  if (severity !== undefined && !SEVERITIES.includes(severity)) throw new Error(`alert JSON: unknown severity`);
  if (Number.isNaN(time.getTime())) throw new Error('alert JSON: time is not a date');
  if (typeof o.details !== 'object' || o.details === null) throw new Error('alert JSON: details is not an object');
  const who = optional('who');
  const fix = optional('fix');
  return {
    id: text('id'),
    kind: kind as AlertKind,
    title: text('title'),
    accountId: text('accountId'),
    time,
    what: text('what'),
    ...(who === undefined ? {} : { who }),
    ...(fix === undefined ? {} : { fix }),
    ...(severity === undefined ? {} : { severity: severity as AlertSeverity }),
    details: o.details as Record<string, unknown>,
  };
}

export interface AlertEmailAddresses {
  /** A bare address (`alerts@example.com`); see isMailAddress in mime.ts. */
  readonly from: string;
  readonly to: readonly string[];
}

/**
 * The alert as an RFC 5322 message with CRLF line endings, ready for SMTP DATA (the SMTP client
 * dot-stuffs it). The body is UTF-8 text/plain in quoted-printable, so it is 7-bit whatever the alert
 * says; the Subject is RFC 2047-encoded when not plain ASCII. No value can add a header: CR and LF are
 * removed from every header value, and the body is encoded.
 * `Auto-Submitted: auto-generated` (RFC 3834) keeps vacation responders from answering alerts.
 */
export function alertEmail(alert: Alert, addresses: AlertEmailAddresses): string {
  const subject = `[Strongbox]${alert.severity === undefined ? '' : ` ${alert.severity}`} ${alert.title}`;
  const headers = [
    `From: ${addressList([addresses.from], 'From: '.length)}`,
    `To: ${addressList(addresses.to, 'To: '.length)}`,
    `Subject: ${unstructuredHeader(subject, 'Subject: '.length)}`,
    `Date: ${rfc5322Date(alert.time)}`,
    `Message-ID: ${messageId(alert.id, addresses.from)}`,
    `X-Strongbox-Alert-Id: ${unstructuredHeader(alert.id, 'X-Strongbox-Alert-Id: '.length)}`,
    'Auto-Submitted: auto-generated',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
  ];
  return `${headers.join('\r\n')}\r\n\r\n${quotedPrintable(emailText(alert))}\r\n`;
}

/** The body before encoding: what, who, fix, then the details as indented JSON. */
export function emailText(alert: Alert): string {
  return [
    alert.title,
    '',
    'What changed:',
    alert.what,
    '',
    `Who: ${alert.who ?? 'unknown'}`,
    `Fix: ${alert.fix ?? 'none suggested'}`,
    `Severity: ${alert.severity ?? 'none'}`,
    `Kind: ${alert.kind}`,
    `Account: ${alert.accountId}`,
    `Time: ${alert.time.toISOString()}`,
    `Alert id: ${alert.id}`,
    '',
    'Details:',
    JSON.stringify(alert.details, null, 2),
  ].join('\n');
}

/**
 * `<id@domain>` (RFC 5322 §3.6.4), the same for every attempt so a receiving system can drop a
 * duplicate. An id that is not a safe dot-atom is replaced by its SHA-256; the domain is the sender's.
 */
function messageId(alertId: string, from: string): string {
  const safeId = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(alertId) && alertId.length <= 100;
  const left = safeId ? alertId : createHash('sha256').update(alertId).digest('hex').slice(0, 40);
  const domain = headerText(from.slice(from.lastIndexOf('@') + 1)).replace(/[^A-Za-z0-9.-]/g, '');
  return `<${left}.alert@${domain === '' ? 'strongbox.invalid' : domain}>`;
}
