/**
 * A minimal SMTP client (RFC 5321) to hand one message to a configured relay:
 * greeting, EHLO (HELO when EHLO is refused with 5xx), STARTTLS when offered (RFC 3207), AUTH PLAIN or
 * else AUTH LOGIN when credentials are configured (RFC 4954), MAIL FROM, one RCPT TO per recipient,
 * DATA with dot-stuffing and CRLF line endings, QUIT.
 *
 * - `smtp://host[:port]` (port 25 by default) starts in plain text and upgrades with STARTTLS whenever
 *   the server offers it; `requireTls` makes a server that does not offer it a permanent failure.
 *   `smtps://host[:port]` (465 by default) is TLS from the first byte (RFC 8314).
 * - Certificates are verified, against `ca` (PEM) when given. A certificate that fails verification
 *   is a transient failure like any other network error: it may be fixed on the server's side.
 * - Credentials are only sent over TLS or to a loopback address (a local relay); never in an error.
 * - Every reply is awaited with its own timeout (30 s by default).
 * - Outcomes (delivery-result.ts): 5xx is permanent, 4xx, network errors and timeouts are transient.
 *   All recipients or none: a refused RCPT fails the whole message, so a retry never sends a second
 *   copy to the recipients that had accepted it.
 */
import { isIP } from 'node:net';
import { ABORTED, DELIVERED, errorMessage, oneLine, permanentFailure, transientFailure } from './delivery-result.js';
import type { DeliveryResult } from './delivery-result.js';
import { isMailAddress } from './mime.js';
import { SmtpAborted, SmtpConnection, SmtpTransportError, type SmtpEndpoint } from './smtp-connection.js';
import { ehloExtensions, replyText, type SmtpReply } from './smtp-reply.js';

export interface SmtpServerConfig {
  /** `smtp://host[:port]` or `smtps://host[:port]`; credentials go in `user`/`password`, not here. */
  readonly url: string;
  readonly user?: string;
  readonly password?: string;
  /** PEM certificate(s) of a private CA to trust instead of the system's. */
  readonly ca?: string;
  /** Fail (permanently) unless the connection is encrypted before MAIL FROM. */
  readonly requireTls?: boolean;
}

export interface SmtpEnvelope {
  readonly from: string;
  readonly to: readonly string[];
}

export interface SmtpSendOptions {
  /** For connecting and for each reply; 30 s by default. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** The EHLO name (a domain name); by default the address literal of the local end (RFC 5321 §4.1.4). */
  readonly clientName?: string;
}

export const SMTP_TIMEOUT_MS = 30_000;
const QUIT_TIMEOUT_MS = 1_000;

/** A failed step: the outcome to return. */
class StepFailed extends Error {
  constructor(readonly result: DeliveryResult) {
    super('step failed');
  }
}

/** The server a URL names, or why it cannot be used (without echoing the URL). */
export function parseSmtpUrl(url: string, ca?: string): SmtpEndpoint | string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'the SMTP URL is not a valid URL';
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') return 'the SMTP URL must be smtp: or smtps:';
  if (u.username !== '' || u.password !== '') return 'the SMTP URL must not hold credentials (use user and password)';
  if (u.hostname === '') return 'the SMTP URL has no host';
  const implicitTls = u.protocol === 'smtps:';
  const port = u.port === '' ? (implicitTls ? 465 : 25) : Number(u.port);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port, implicitTls, ...(ca === undefined ? {} : { ca }) };
}

/** Hands `message` (an RFC 5322 message, e.g. from alertEmail) to the server. Never throws. */
export async function sendMail(
  server: SmtpServerConfig,
  envelope: SmtpEnvelope,
  message: string,
  options: SmtpSendOptions = {},
): Promise<DeliveryResult> {
  const endpoint = parseSmtpUrl(server.url, server.ca);
  if (typeof endpoint === 'string') return permanentFailure(endpoint);
  const bad = [envelope.from, ...envelope.to].find((a) => !isMailAddress(a));
  if (bad !== undefined || envelope.to.length === 0) return permanentFailure('an envelope address is not valid');
  const where = `smtp ${endpoint.host}:${endpoint.port}`;
  const timeoutMs = options.timeoutMs ?? SMTP_TIMEOUT_MS;
  let connection: SmtpConnection | undefined;
  try {
    connection = await SmtpConnection.open(endpoint, { timeoutMs, signal: options.signal });
    await converse(connection, { server, endpoint, envelope, message, clientName: options.clientName });
    return DELIVERED;
  } catch (err) {
    if (err instanceof StepFailed) {
      connection?.write('QUIT\r\n');
      const r = err.result;
      return r.outcome === 'Failed' ? { ...r, error: `${where}: ${r.error}` } : r;
    }
    if (err instanceof SmtpAborted) return ABORTED;
    if (err instanceof SmtpTransportError) return transientFailure(`${where}: ${oneLine(err.message)}`);
    return transientFailure(`${where}: ${oneLine(errorMessage(err))}`);
  } finally {
    connection?.close();
  }
}

interface Conversation {
  readonly server: SmtpServerConfig;
  readonly endpoint: SmtpEndpoint;
  readonly envelope: SmtpEnvelope;
  readonly message: string;
  readonly clientName: string | undefined;
}

async function converse(c: SmtpConnection, talk: Conversation): Promise<void> {
  expect(await c.read('the greeting'), [220], 'greeting');
  // A configured name goes into a command line: only a plain domain name is used.
  const configured = talk.clientName !== undefined && /^[A-Za-z0-9.-]{1,253}$/.test(talk.clientName);
  const name = configured ? (talk.clientName as string) : addressLiteral(c.localAddress);
  let extensions = await hello(c, name);
  if (!c.encrypted && extensions.has('STARTTLS')) {
    expect(await c.command('STARTTLS', 'STARTTLS'), [220], 'STARTTLS');
    await c.startTls();
    extensions = await hello(c, name);
  }
  if (!c.encrypted && talk.server.requireTls === true) {
    throw new StepFailed(permanentFailure('the server does not offer STARTTLS and requireTls is set'));
  }
  if (talk.server.user !== undefined) await authenticate(c, talk, extensions);
  expect(await c.command(`MAIL FROM:<${talk.envelope.from}>`, 'MAIL FROM'), [250], 'MAIL FROM');
  for (const to of talk.envelope.to) {
    expect(await c.command(`RCPT TO:<${to}>`, 'RCPT TO'), [250, 251], `RCPT TO <${to}>`);
  }
  expect(await c.command('DATA', 'DATA'), [354], 'DATA');
  c.write(dotStuffed(talk.message) + '.\r\n');
  expect(await c.read('the end of DATA'), [250], 'the message');
  // Accepted: the rest is courtesy, and its failure changes nothing; it may not hold up the pass.
  await c.command('QUIT', 'QUIT', QUIT_TIMEOUT_MS).catch(() => undefined);
}

/** EHLO, or HELO when the server refuses EHLO with 5xx (RFC 5321 §3.2): the extensions offered. */
async function hello(c: SmtpConnection, name: string): Promise<ReadonlyMap<string, readonly string[]>> {
  const ehlo = await c.command(`EHLO ${name}`, 'EHLO');
  if (ehlo.code === 250) return ehloExtensions(ehlo);
  if (ehlo.code < 500) expect(ehlo, [250], 'EHLO');
  expect(await c.command(`HELO ${name}`, 'HELO'), [250], 'HELO');
  return new Map();
}

/** AUTH PLAIN (RFC 4616) when offered, else AUTH LOGIN; only over TLS or to a loopback relay. */
async function authenticate(
  c: SmtpConnection,
  talk: Conversation,
  extensions: ReadonlyMap<string, readonly string[]>,
): Promise<void> {
  if (!c.encrypted && !isLoopback(talk.endpoint.host)) {
    throw new StepFailed(permanentFailure('refusing to send credentials over an unencrypted connection'));
  }
  const mechanisms = (extensions.get('AUTH') ?? []).map((m) => m.toUpperCase());
  const user = talk.server.user ?? '';
  const password = talk.server.password ?? '';
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  if (mechanisms.includes('PLAIN')) {
    expect(await c.command(`AUTH PLAIN ${b64(`\0${user}\0${password}`)}`, 'AUTH PLAIN'), [235], 'AUTH PLAIN');
  } else if (mechanisms.includes('LOGIN')) {
    expect(await c.command('AUTH LOGIN', 'AUTH LOGIN'), [334], 'AUTH LOGIN');
    expect(await c.command(b64(user), 'AUTH LOGIN user name'), [334], 'AUTH LOGIN');
    expect(await c.command(b64(password), 'AUTH LOGIN password'), [235], 'AUTH LOGIN');
  } else {
    throw new StepFailed(permanentFailure('the server offers neither AUTH PLAIN nor AUTH LOGIN'));
  }
}

/** Goes on when the reply's code is one of `ok`; else 5xx is permanent and anything else transient. */
function expect(reply: SmtpReply, ok: readonly number[], step: string): void {
  if (ok.includes(reply.code)) return;
  const text = `${step} refused: ${oneLine(replyText(reply))}`;
  throw new StepFailed(reply.code >= 500 && reply.code <= 599 ? permanentFailure(text) : transientFailure(text));
}

/**
 * The message for DATA (RFC 5321 §4.5.2): every line break CRLF, a `.` doubled at the start of a
 * line, ending with CRLF so the terminating `.` is on a line of its own.
 */
export function dotStuffed(message: string): string {
  const crlf = message.replace(/\r\n|\r|\n/g, '\r\n');
  const ended = crlf.endsWith('\r\n') ? crlf : `${crlf}\r\n`;
  return ended.replace(/(^|\r\n)\./g, '$1..');
}

/** `[192.0.2.1]` or `[IPv6:2001:db8::1]` (RFC 5321 §4.1.3); `[127.0.0.1]` when unknown. */
function addressLiteral(address: string | undefined): string {
  if (address === undefined || address === '') return '[127.0.0.1]';
  const v4 = address.replace(/^::ffff:/i, '');
  return isIP(v4) === 4 ? `[${v4}]` : `[IPv6:${address}]`;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
