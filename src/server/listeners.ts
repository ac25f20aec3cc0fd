/**
 * The server's listeners: the plain HTTP one (always: `aws --endpoint-url http://…` keeps working)
 * and, when configured, a TLS one next to it (`--tls-address`, `--tls-cert`, `--tls-key`), both
 * serving the same pipeline with the same health probes and graceful shutdown. Only requests that
 * arrive on the TLS listener have aws:SecureTransport true (the pipeline reads the socket).
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html, aws:SecureTransport)
 * Deviation from AWS: S3 always answers HTTPS; here TLS is optional, and on its own port.
 *
 * With `--workers`, each worker opens both; node:cluster shares each listening socket among the
 * workers (the primary holds it and hands connections out; the TLS handshake runs in the worker),
 * matching listens by address, port and the order a worker made them in.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { TlsListenerConfig } from '../config.js';
import type { HttpLimits, HttpRefusals } from './connection-guard.js';
import { startHttpServer, type RunningHttpServer } from './http-server.js';
import { describeCertificate, readTlsCredentials, type CertificateSummary } from './tls-credentials.js';

export interface ListenersOptions {
  readonly host: string;
  readonly port: number;
  readonly tls: TlsListenerConfig | undefined;
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  readonly isReady: () => boolean;
  readonly localEndpoint?: (req: IncomingMessage, res: ServerResponse) => boolean;
  readonly logger: Logger;
  /** Timeouts and bounds of both listeners (connection-guard.ts). */
  readonly limits?: HttpLimits;
  /** Who answers the HTTP layer's refusals (the pipeline). */
  readonly refusals?: HttpRefusals;
}

export interface RunningListeners {
  /** `http://host:port` of the plain listener. */
  readonly endpoint: string;
  /** `https://host:port` of the TLS listener, if there is one. */
  readonly tlsEndpoint: string | undefined;
  /** What the startup log says of the TLS certificate. */
  readonly certificate: CertificateSummary | undefined;
  /** Re-reads the certificate and key files for new TLS connections; a bad pair is refused (logged). */
  reloadTls(): Promise<void>;
  /** Both listeners stop accepting; in-flight requests finish (up to `graceMs`). */
  shutdown(graceMs: number): Promise<void>;
}

export async function startListeners(opts: ListenersOptions): Promise<RunningListeners> {
  // Read (and check) the certificate before listening at all: a wrong file fails the start at once.
  const credentials = opts.tls ? await readTlsCredentials(opts.tls) : undefined;
  const { handle, isReady, localEndpoint, limits, refusals } = opts;
  const common = { handle, isReady, localEndpoint, limits, refusals };
  const plain = await startHttpServer({ ...common, host: opts.host, port: opts.port });
  let secure: RunningHttpServer | undefined;
  if (opts.tls && credentials) {
    try {
      secure = await startHttpServer({ ...common, host: opts.tls.host, port: opts.tls.port, tls: credentials });
    } catch (e) {
      await plain.shutdown(0);
      throw e;
    }
  }
  const tlsFiles = opts.tls;
  return {
    endpoint: urlOf('http', plain.address),
    tlsEndpoint: secure && urlOf('https', secure.address),
    certificate: credentials && describeCertificate(credentials),
    async reloadTls() {
      if (!secure || !tlsFiles) return;
      try {
        const next = await readTlsCredentials(tlsFiles);
        secure.setTlsCredentials(next);
        opts.logger.info({ certificate: describeCertificate(next) }, 'TLS certificate reloaded');
      } catch (e) {
        opts.logger.error({ err: e }, 'TLS certificate not reloaded; the one in use stays');
      }
    },
    async shutdown(graceMs) {
      await Promise.all([plain.shutdown(graceMs), secure?.shutdown(graceMs)]);
    },
  };
}

function urlOf(scheme: 'http' | 'https', address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${host}:${address.port}`;
}
