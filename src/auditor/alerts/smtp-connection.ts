/**
 * One SMTP connection as a sequence of commands and replies: connect (plain or implicit TLS), read a
 * reply with a timeout, send a command and read its reply, upgrade to TLS in place (STARTTLS).
 * Failures of the transport (refused, reset, closed, timed out, a certificate not trusted, garbage
 * from the server) reject with SmtpTransportError; the caller's abort rejects with SmtpAborted.
 * Commands are never put in an error text (AUTH lines carry credentials): the caller names the step.
 */
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { errorMessage } from './delivery-result.js';
import { SmtpProtocolError, SmtpReplyParser, type SmtpReply } from './smtp-reply.js';

export class SmtpTransportError extends Error {}
export class SmtpAborted extends Error {}

export interface SmtpEndpoint {
  readonly host: string;
  readonly port: number;
  /** smtps: TLS from the first byte (RFC 8314). */
  readonly implicitTls: boolean;
  /** PEM certificate(s) to trust instead of the system's CAs. */
  readonly ca?: string;
}

export interface SmtpConnectionOptions {
  /** For connecting and for each reply. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** Who waits on the connection: a `read` for a reply, or `settle` for a socket event. */
interface Waiter {
  readonly kind: 'Reply' | 'Event';
  resolve(reply: SmtpReply): void;
  reject(err: Error): void;
}

export class SmtpConnection {
  private parser = new SmtpReplyParser();
  private readonly replies: SmtpReply[] = [];
  private waiter: Waiter | undefined;
  private failure: Error | undefined;
  private readonly onAbort = (): void => {
    this.fail(new SmtpAborted('aborted'));
  };
  private tls: boolean;

  private constructor(
    private socket: Socket,
    private readonly endpoint: SmtpEndpoint,
    private readonly options: SmtpConnectionOptions,
  ) {
    this.tls = endpoint.implicitTls;
    this.attach(socket);
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Connects; the server's greeting is the first reply to `read`. */
  static async open(endpoint: SmtpEndpoint, options: SmtpConnectionOptions): Promise<SmtpConnection> {
    if (options.signal?.aborted) throw new SmtpAborted('aborted');
    const { host, port } = endpoint;
    const socket = endpoint.implicitTls
      ? tlsConnect({ host, port, ...tlsOptions(endpoint) })
      : netConnect({ host, port });
    const connection = new SmtpConnection(socket, endpoint, options);
    try {
      await connection.settle(endpoint.implicitTls ? 'secureConnect' : 'connect', 'connecting');
    } catch (err) {
      // Unhooks the abort listener: the signal (the server's shutdown) outlives many connections.
      connection.close();
      throw err;
    }
    return connection;
  }

  /** Whether the connection is encrypted now (smtps:, or after STARTTLS). */
  get encrypted(): boolean {
    return this.tls;
  }

  /** The local address, for EHLO's address literal. */
  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }

  /** The next reply, within the timeout (or `timeoutMs`). `step` names what it answers, for the error text. */
  read(step: string, timeoutMs = this.options.timeoutMs): Promise<SmtpReply> {
    const queued = this.replies.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<SmtpReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new SmtpTransportError(`no reply to ${step} within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiter = undefined;
      };
      this.waiter = {
        kind: 'Reply',
        resolve: (reply) => (done(), resolve(reply)),
        reject: (err) => (done(), reject(err)),
      };
    });
  }

  /** Sends one command line (CRLF added) and reads its reply. */
  command(line: string, step: string, timeoutMs?: number): Promise<SmtpReply> {
    this.write(`${line}\r\n`);
    return this.read(step, timeoutMs);
  }

  /** Sends raw text (the DATA body); its reply is read with `read`. */
  write(text: string): void {
    if (this.failure === undefined) this.socket.write(text);
  }

  /**
   * Upgrades to TLS after the server's 220 to STARTTLS (RFC 3207). Anything the server sent after
   * that 220 and before the handshake is refused: it would be read as if it had come over TLS (the
   * STARTTLS command injection of CVE-2011-0411).
   */
  async startTls(): Promise<void> {
    if (this.parser.pending || this.replies.length > 0) {
      throw this.fail(new SmtpTransportError('the server sent data before the TLS handshake'));
    }
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('error');
    plain.removeAllListeners('close');
    // `host` is what the certificate is checked against (without it node checks "localhost").
    this.socket = tlsConnect({ socket: plain, host: this.endpoint.host, ...tlsOptions(this.endpoint) });
    this.parser = new SmtpReplyParser();
    this.attach(this.socket);
    await this.settle('secureConnect', 'the TLS handshake');
    this.tls = true;
  }

  /** Closes the connection (QUIT, if any, is the caller's). */
  close(): void {
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.failure ??= new SmtpTransportError('connection closed');
    this.socket.destroy();
  }

  private attach(socket: Socket): void {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => this.receive(text));
    socket.on('error', (err) => this.fail(new SmtpTransportError(errorMessage(err))));
    socket.on('close', () => this.fail(new SmtpTransportError('the server closed the connection')));
  }

  private receive(text: string): void {
    try {
      this.replies.push(...this.parser.push(text));
    } catch (err) {
      if (err instanceof SmtpProtocolError) this.fail(new SmtpTransportError(`protocol error: ${err.message}`));
      return;
    }
    const next = this.waiter?.kind === 'Reply' ? this.replies.shift() : undefined;
    if (next !== undefined) this.waiter?.resolve(next);
  }

  /** Records the first failure, ends the socket and rejects a pending read. Returns the failure. */
  private fail(err: Error): Error {
    this.failure ??= err;
    this.socket.destroy();
    this.waiter?.reject(this.failure);
    return this.failure;
  }

  /** Waits for the socket's `event` (connected, handshake done) within the timeout. */
  private settle(event: 'connect' | 'secureConnect', step: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new SmtpTransportError(`${step} took longer than ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
      this.waiter = {
        kind: 'Event',
        resolve: () => undefined,
        reject: (err) => (clearTimeout(timer), (this.waiter = undefined), reject(err)),
      };
      this.socket.once(event, () => {
        clearTimeout(timer);
        this.waiter = undefined;
        if (this.failure !== undefined) reject(this.failure);
        else resolve();
      });
    });
  }
}

/** Certificates are verified (node's default), against `ca` when given; SNI only for a host name. */
function tlsOptions(endpoint: SmtpEndpoint): { servername?: string; ca?: string; rejectUnauthorized: true } {
  return {
    rejectUnauthorized: true,
    ...(isIP(endpoint.host) === 0 ? { servername: endpoint.host } : {}),
    ...(endpoint.ca === undefined ? {} : { ca: endpoint.ca }),
  };
}
