import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ConnectionGuard, DEFAULT_HTTP_LIMITS, type HttpLimits, type HttpRefusals } from './connection-guard.js';
import type { TlsCredentials } from './tls-credentials.js';

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** Readiness: false while starting or draining. */
  readonly isReady: () => boolean;
  /**
   * Endpoints that are not AWS API calls (the workload-credentials endpoint), answered before the
   * pipeline like the health probes; returns true when it took the request.
   */
  readonly localEndpoint?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /**
   * Serve HTTPS (node:https) with this certificate and key instead of plain HTTP: the same probes and
   * handler; the pipeline sees the TLS socket (aws:SecureTransport, s3:TlsVersion).
   */
  readonly tls?: TlsCredentials;
  /** Timeouts and bounds (connection-guard.ts); default DEFAULT_HTTP_LIMITS. */
  readonly limits?: HttpLimits;
  /**
   * Who answers what the HTTP layer refuses (parse errors, stalled requests): the pipeline. Without it
   * such connections are closed with no answer.
   */
  readonly refusals?: HttpRefusals;
}

export interface RunningHttpServer {
  readonly server: Server | HttpsServer;
  readonly address: AddressInfo;
  /** `http` or `https`. */
  readonly scheme: 'http' | 'https';
  /** HTTPS only: new connections use this certificate and key (SIGHUP); open ones keep theirs. */
  setTlsCredentials(tls: TlsCredentials): void;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes what is left. */
  shutdown(graceMs: number): Promise<void>;
}

/**
 * The listener. Health probes are answered here, before the pipeline, and only for unsigned GET/HEAD.
 * Deviation from AWS: an anonymous GET of the object `live` or `ready` in a bucket named `health` is
 * answered by the probe, not by S3 (signed requests to that path still reach S3).
 */
export async function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const guard = new ConnectionGuard({ limits: opts.limits ?? DEFAULT_HTTP_LIMITS, refusals: opts.refusals });
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight++;
    const socket = req.socket;
    guard.requestStarted(socket, res);
    res.once('close', () => {
      inFlight--;
      guard.requestEnded(socket, res);
      if (inFlight === 0 && drained) drained();
    });
    if (guard.refuseWithoutHost(req, res)) return;
    if (isHealthProbe(req)) {
      const ready = req.url === '/health/live' || opts.isReady();
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ status: ready ? 'ok' : 'unavailable' }));
      return;
    }
    if (opts.localEndpoint?.(req, res)) return;
    opts.handle(req, res);
  };
  const common: ServerOptions = guard.serverOptions();
  const tls = opts.tls;
  const server = tls ? createHttpsServer({ ...common, cert: tls.cert, key: tls.key }, onRequest) : createServer(common, onRequest);
  guard.install(server);
  // `Expect: 100-continue`: no automatic "100 Continue". The pipeline sends it once the request is
  // authenticated and authorized, so a refused upload is answered before the client sends its body.
  server.on('checkContinue', onRequest);
  // Any other expectation is ignored, as S3 ignores it (only 100-continue means anything to it), where
  // node would answer 417: RFC 9110 §10.1.1 lets a server ignore an expectation it does not know.
  server.on('checkExpectation', onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    address: server.address() as AddressInfo,
    scheme: tls ? 'https' : 'http',
    setTlsCredentials(next: TlsCredentials): void {
      if (!tls) throw new Error('not a TLS listener');
      (server as HttpsServer).setSecureContext({ cert: next.cert, key: next.key });
    },
    async shutdown(graceMs: number): Promise<void> {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (drained = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
        ]);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

function isHealthProbe(req: IncomingMessage): boolean {
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    (req.url === '/health/live' || req.url === '/health/ready') &&
    req.headers.authorization === undefined
  );
}
