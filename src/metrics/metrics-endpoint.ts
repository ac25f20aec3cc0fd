/**
 * `GET /metrics`: the registry in the Prometheus text format, answered before the S3 pipeline (as the
 * health probes and the workload-credentials endpoint are).
 *
 * Who may scrape: a client on this machine (socket peer in 127.0.0.0/8 or ::1), and — only when a
 * token is configured (`--metrics-token`) — any client presenting it as `Authorization: Bearer
 * <token>` (compared in constant time). Anyone else gets 403 with a short text body. A request that
 * carries a forwarding header (`Forwarded`, `X-Forwarded-For`, `X-Real-IP`) is never taken as local:
 * a reverse proxy on the same machine would otherwise make every outside client a loopback peer.
 *
 * Deviation from AWS: a Strongbox extension. It shadows one S3 request only: an unsigned GET or HEAD
 * of path-style `/metrics` (ListObjects of a bucket named `metrics`, anonymously). SigV4-signed and
 * presigned requests, other methods, and virtual-hosted requests (`<bucket>.<baseDomain>/metrics`,
 * an object key) still reach S3.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseTarget } from '../s3/router.js';
import { EXPOSITION_CONTENT_TYPE } from './exposition.js';
import type { MetricsSource } from './metrics-registry.js';

export const METRICS_PATH = '/metrics';

export interface MetricsEndpointOptions {
  readonly metrics: MetricsSource;
  /** Clients that are not local may scrape with `Authorization: Bearer <token>`; unset: only local ones. */
  readonly token?: string;
  /** `allow` (default): local clients need no token; `token`: everyone needs it. */
  readonly loopback?: 'allow' | 'token';
  /** The S3 base domain: `/metrics` on `<bucket>.<baseDomain>` is an object key, S3's to answer. */
  readonly baseDomain?: string;
  /** Collecting failed (the answer is a 500). */
  readonly onError?: (err: unknown) => void;
}

const LOCAL_ONLY = 'Forbidden: /metrics answers local clients only.\n';
const TOKEN_NEEDED = 'Forbidden: /metrics needs the bearer token.\n';

type Handler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Returns true when it answered the request, false when the request is not a metrics scrape. */
export function metricsEndpoint(options: MetricsEndpointOptions): Handler {
  if (options.token === '') throw new Error('the metrics token must not be empty');
  const tokenDigest = options.token === undefined ? undefined : sha256(options.token);
  if (options.loopback === 'token' && tokenDigest === undefined) throw new Error('loopback: token needs a token');
  return (req, res) => {
    if (!isScrape(req, options.baseDomain)) return false;
    const allowed =
      (options.loopback !== 'token' && isLocalClient(req)) ||
      (tokenDigest !== undefined && presentsToken(req, tokenDigest));
    if (!allowed) {
      sendText(res, req, 403, tokenDigest === undefined ? LOCAL_ONLY : TOKEN_NEEDED);
      return true;
    }
    options.metrics.exposition().then(
      (text) => sendText(res, req, 200, text, EXPOSITION_CONTENT_TYPE),
      (err: unknown) => {
        options.onError?.(err);
        sendText(res, req, 500, 'Collecting the metrics failed.\n');
      },
    );
    return true;
  };
}

/** An unsigned GET or HEAD of path-style `/metrics`. */
function isScrape(req: IncomingMessage, baseDomain: string | undefined): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  if ((q < 0 ? url : url.slice(0, q)) !== METRICS_PATH) return false;
  if (q >= 0 && /(?:^|&)X-Amz-(?:Credential|Signature)=/i.test(url.slice(q + 1))) return false;
  if (req.headers.authorization?.startsWith('AWS4-')) return false;
  return parseTarget(METRICS_PATH, req.headers.host, baseDomain).style === 'path';
}

const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'] as const;

/** The socket's peer is this machine, and no proxy says it forwarded the request for someone else. */
export function isLocalClient(req: IncomingMessage): boolean {
  if (FORWARDING_HEADERS.some((h) => req.headers[h] !== undefined)) return false;
  return isLoopbackAddress(req.socket.remoteAddress ?? '');
}

/** 127.0.0.0/8 (also IPv4-mapped, `::ffff:127.x.y.z`) or ::1. */
export function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)) return true;
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

function presentsToken(req: IncomingMessage, digest: Buffer): boolean {
  const m = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
  // Digests of equal length, so the comparison takes the same time whatever was presented.
  return m !== null && timingSafeEqual(sha256(m[1]), digest);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function sendText(
  res: ServerResponse,
  req: IncomingMessage,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { 'content-type': contentType, 'content-length': bytes.length, 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
