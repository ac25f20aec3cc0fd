/**
 * Alert webhooks: one HTTP POST of the alert's JSON (alert.ts) to a configured URL, signed with a
 * shared secret.
 *
 * Headers sent:
 *   Content-Type: application/json
 *   User-Agent: Strongbox-Alerts/1
 *   X-Strongbox-Alert-Id: <alert id>          the idempotency key: a retry repeats it
 *   X-Strongbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
 *
 * Verifying a request (the scheme of GitHub's and Stripe's webhooks): take the raw body bytes as
 * received (before any JSON parsing), `t` and every `v1` from the header; compute
 * HMAC-SHA256 with the shared secret over the ASCII of `t`, a `.`, then the body; accept when it equals
 * one `v1` (compare in constant time) and `t` is within a few minutes of your clock, which stops a
 * captured request being replayed later. Then drop alerts whose id you have already seen: delivery is
 * at least once. `verifyAlertSignature` below does exactly this.
 *
 * Transport rules: http: or https: only; redirects are not followed (a 3xx is a permanent failure: the
 * URL is wrong); one total timeout covers connecting, sending and the answer; the response body is
 * ignored and read no further than 64 KiB. https: verifies the certificate (optionally against a
 * private CA). Error texts name the URL's origin only: the path of many webhook URLs is itself a secret.
 */
import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { alertJson, type Alert } from './alert.js';
import {
  ABORTED,
  DELIVERED,
  errorMessage,
  permanentFailure,
  transientFailure,
  type DeliveryResult,
} from './delivery-result.js';

export interface WebhookTarget {
  readonly url: string;
  /** The shared HMAC key. */
  readonly secret: string;
  /** PEM certificate(s) to trust for an https: URL instead of the system's CAs (a private CA). */
  readonly ca?: string;
}

export interface WebhookSendOptions {
  /** The signature's timestamp. */
  readonly now: Date;
  /** Total time allowed for the request, 10 s by default. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export const WEBHOOK_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 64 * 1024;
export const SIGNATURE_HEADER = 'X-Strongbox-Signature';
export const ALERT_ID_HEADER = 'X-Strongbox-Alert-Id';

/** The URL a webhook destination may use, or why not (without echoing the URL). */
export function parseWebhookUrl(url: string): URL | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the webhook URL is not a valid URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'the webhook URL must be http: or https:';
  return parsed;
}

/** POSTs the alert once. Never throws: the outcome says whether to retry. */
export function deliverWebhook(
  target: WebhookTarget,
  alert: Alert,
  options: WebhookSendOptions,
): Promise<DeliveryResult> {
  const url = parseWebhookUrl(target.url);
  if (typeof url === 'string') return Promise.resolve(permanentFailure(url));
  if (options.signal?.aborted) return Promise.resolve(ABORTED);
  const body = Buffer.from(alertJson(alert), 'utf8');
  const headers = {
    'Content-Type': 'application/json',
    'Content-Length': String(body.length),
    'User-Agent': 'Strongbox-Alerts/1',
    [ALERT_ID_HEADER]: headerSafe(alert.id),
    [SIGNATURE_HEADER]: alertSignatureHeader({ secret: target.secret, body, now: options.now }),
  };
  return post(url, body, headers, { ...options, ca: target.ca });
}

function post(
  url: URL,
  body: Buffer,
  headers: Record<string, string>,
  options: WebhookSendOptions & { ca: string | undefined },
): Promise<DeliveryResult> {
  const origin = url.origin;
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: DeliveryResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(result);
    };
    const onAbort = (): void => finish(ABORTED);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // agent: false — a connection of its own, closed after: alerts are rare, and a pooled socket
    // would outlive the timeout.
    const tls = options.ca === undefined ? {} : { ca: options.ca };
    let req: ClientRequest;
    try {
      req = send(url, { method: 'POST', headers, agent: false, ...tls }, (res) => {
        const result = classify(origin, res.statusCode ?? 0, res.headers, options.now);
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_RESPONSE_BYTES) finish(result);
        });
        res.on('end', () => finish(result));
        res.on('error', () => finish(result));
      });
    } catch (err) {
      // Options node refuses before any I/O (an unusable `ca`, say): retrying will not help.
      resolve(permanentFailure(`${origin}: ${errorMessage(err)}`));
      return;
    }
    req.on('error', (err) => finish(transientFailure(`${origin}: ${errorMessage(err)}`)));
    const timer = setTimeout(() => finish(transientFailure(`${origin}: no answer within ${timeoutMs} ms`)), timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    req.end(body);
  });
}

/** 2xx delivered; 408, 429 and 5xx worth retrying; anything else (3xx, other 4xx) will not get better. */
function classify(origin: string, status: number, headers: IncomingHttpHeaders, now: Date): DeliveryResult {
  if (status >= 200 && status <= 299) return DELIVERED;
  const error = `${origin} answered HTTP ${status}`;
  if (status === 408 || status === 429 || (status >= 500 && status <= 599)) {
    return transientFailure(error, retryAfterMs(headers['retry-after'], now));
  }
  if (status >= 300 && status <= 399) return permanentFailure(`${error} (redirects are not followed)`);
  return permanentFailure(error);
}

/** Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
function retryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** A header value of visible ASCII only (the id is ours, but a header must never break). */
function headerSafe(value: string): string {
  return value.replace(/[^\x21-\x7e]/g, '_');
}

export interface SignInput {
  readonly secret: string;
  readonly body: string | Uint8Array;
  readonly now: Date;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export function alertSignatureHeader(input: SignInput): string {
  const t = Math.floor(input.now.getTime() / 1000);
  return `t=${t},v1=${signature(input.secret, String(t), input.body)}`;
}

function signature(secret: string, t: string, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
}

export interface VerifyInput {
  readonly secret: string;
  /** The X-Strongbox-Signature header as received. */
  readonly header: string | undefined;
  /** The raw request body, exactly as received. */
  readonly body: string | Uint8Array;
  readonly now: Date;
  /** How far `t` may be from `now`, 300 s by default. */
  readonly toleranceSeconds?: number;
}

export type SignatureCheck =
  | 'Valid'
  /** No header, or not `t=<digits>` with at least one `v1=<64 hex>`. */
  | 'Malformed'
  /** No v1 matches: another secret, or a body changed on the way. */
  | 'Mismatch'
  /** The signature matches but `t` is too far from now: possibly a replay. */
  | 'Expired';

/** Checks a received alert the way webhook.ts signed it (see the file comment). Several `v1` allow rotation. */
export function verifyAlertSignature(input: VerifyInput): SignatureCheck {
  const parts = (input.header ?? '').split(',').map((p) => p.trim().split('='));
  const t = parts.filter(([k]) => k === 't').map(([, v]) => v);
  const v1 = parts.filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v)).map(([, v]) => v);
  if (t.length !== 1 || !/^\d{1,12}$/.test(t[0] ?? '') || v1.length === 0) return 'Malformed';
  const expected = Buffer.from(signature(input.secret, t[0], input.body), 'hex');
  const matches = v1.some((v) => timingSafeEqual(Buffer.from(v, 'hex'), expected));
  if (!matches) return 'Mismatch';
  const skew = Math.abs(input.now.getTime() / 1000 - Number(t[0]));
  return skew <= (input.toleranceSeconds ?? 300) ? 'Valid' : 'Expired';
}
