/**
 * What one delivery attempt of an alert to one destination came to. Transports (webhook.ts, smtp.ts)
 * return this instead of throwing, so the dispatcher decides retries on data, never on error text.
 * - `Transient`: worth trying again later (HTTP 408/429/5xx, SMTP 4xx, network errors, timeouts).
 * - `Permanent`: trying again will not help (HTTP 4xx, SMTP 5xx, a configuration error): the outbox
 *   moves the alert to the dead-letter list at once.
 * `error` is safe to store and show: transports never put a URL's userinfo, a password or a signing
 * secret in it.
 */
export type DeliveryResult =
  | { readonly outcome: 'Delivered' }
  | {
      readonly outcome: 'Failed';
      readonly failure: DeliveryFailure;
      readonly error: string;
      /** The receiver asked for this pause before the next attempt (HTTP Retry-After). */
      readonly retryAfterMs?: number;
    }
  /** The caller's AbortSignal fired (shutdown): nothing is known, the attempt does not count. */
  | { readonly outcome: 'Aborted' };

export type DeliveryFailure = 'Transient' | 'Permanent';

export const DELIVERED: DeliveryResult = { outcome: 'Delivered' };
export const ABORTED: DeliveryResult = { outcome: 'Aborted' };

export function transientFailure(error: string, retryAfterMs?: number): DeliveryResult {
  return retryAfterMs === undefined
    ? { outcome: 'Failed', failure: 'Transient', error }
    : { outcome: 'Failed', failure: 'Transient', error, retryAfterMs };
}

export function permanentFailure(error: string): DeliveryResult {
  return { outcome: 'Failed', failure: 'Permanent', error };
}

/** The message of something thrown, for an error text (never the whole object: it may hold options). */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code !== undefined && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

/**
 * Text from the other side (an SMTP reply, a TLS error) made safe to store in one line: control
 * characters become spaces, and it is cut at `max` characters.
 */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
