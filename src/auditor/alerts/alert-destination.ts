/**
 * Where alerts go, as configured: named webhooks and e-mail recipient lists. Checked once, when the
 * dispatcher is built, so a mistake is a startup error rather than a dead letter per alert.
 * The check's messages name the destination and never echo a URL, secret or password.
 */
import { isMailAddress } from './mime.js';
import { parseSmtpUrl, type SmtpServerConfig } from './smtp.js';
import { parseWebhookUrl } from './webhook.js';

export interface WebhookDestination {
  readonly name: string;
  readonly type: 'webhook';
  readonly url: string;
  /** The HMAC key receivers verify the signature with (webhook.ts). */
  readonly secret: string;
  /** PEM of a private CA for an https: URL. */
  readonly ca?: string;
}

export interface EmailDestination {
  readonly name: string;
  readonly type: 'email';
  readonly smtp: SmtpServerConfig;
  readonly from: string;
  readonly to: readonly string[];
}

export type AlertDestination = WebhookDestination | EmailDestination;

/** Minimum secret length: an HMAC key shorter than this is guessable offline from one signed request. */
const MIN_SECRET_LENGTH = 16;

export class AlertDestinationError extends Error {}

/** Throws AlertDestinationError for the first destination that cannot work. */
export function checkAlertDestinations(destinations: readonly AlertDestination[]): void {
  const names = new Set<string>();
  for (const d of destinations) {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(d.name)) {
      throw new AlertDestinationError('an alert destination name must be 1-64 of A-Z a-z 0-9 . _ -');
    }
    if (names.has(d.name)) throw new AlertDestinationError(`alert destination ${d.name} is configured twice`);
    names.add(d.name);
    const problem = d.type === 'webhook' ? webhookProblem(d) : emailProblem(d);
    if (problem !== undefined) throw new AlertDestinationError(`alert destination ${d.name}: ${problem}`);
  }
}

function webhookProblem(d: WebhookDestination): string | undefined {
  const url = parseWebhookUrl(d.url);
  if (typeof url === 'string') return url;
  if (d.secret.length < MIN_SECRET_LENGTH) return `the secret must be at least ${MIN_SECRET_LENGTH} characters`;
  return undefined;
}

function emailProblem(d: EmailDestination): string | undefined {
  const endpoint = parseSmtpUrl(d.smtp.url);
  if (typeof endpoint === 'string') return endpoint;
  if ((d.smtp.user === undefined) !== (d.smtp.password === undefined)) return 'set both user and password, or neither';
  if (!isMailAddress(d.from)) return 'from is not a valid address';
  if (d.to.length === 0) return 'to lists no recipient';
  if (d.to.some((a) => !isMailAddress(a))) return 'to holds an address that is not valid';
  return undefined;
}
