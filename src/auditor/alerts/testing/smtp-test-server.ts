/**
 * A scripted SMTP server on 127.0.0.1 for the client's tests: it answers as told, records every
 * command line and message, and can speak STARTTLS or implicit TLS with a test certificate.
 * Not a mail server: no queue, one message per DATA kept in memory.
 */
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, TLSSocket } from 'node:tls';
import type { TestCertificate } from './self-signed-certificate.js';

export interface SmtpTestScript {
  /** EHLO extension lines, e.g. ['AUTH PLAIN LOGIN', 'STARTTLS', '8BITMIME']. */
  readonly extensions?: readonly string[];
  /**
   * Replies replacing the defaults, by command verb (`MAIL`, `RCPT`, `EHLO`, `.` for the end of DATA)
   * or verb and argument (`RCPT TO:<b@example.com>`); `\r\n` inside makes a multi-line reply.
   */
  readonly replies?: Readonly<Record<string, string>>;
  readonly credentials?: { readonly user: string; readonly password: string };
  /** Needed for STARTTLS (offer it in `extensions`) and for `implicitTls`. */
  readonly certificate?: TestCertificate;
  readonly implicitTls?: boolean;
  /** Accept connections and never say a word (timeouts). */
  readonly silent?: boolean;
}

export interface SmtpTestSession {
  /** Command lines as received (AUTH included: the test checks what was sent). */
  readonly commands: string[];
  /** Each DATA as on the wire (still dot-stuffed), without the final `.` line. */
  readonly rawMessages: string[];
  /** Whether the session was encrypted when it ended. */
  tls: boolean;
}

type Mode = 'Command' | 'Data' | 'LoginUser' | 'LoginPassword';

export class SmtpTestServer {
  readonly sessions: SmtpTestSession[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly script: SmtpTestScript,
  ) {}

  static async start(script: SmtpTestScript): Promise<SmtpTestServer> {
    let instance: SmtpTestServer | undefined;
    const onSocket = (socket: Socket): void => instance?.accept(socket);
    const server =
      script.implicitTls === true && script.certificate !== undefined
        ? createTlsServer({ ...script.certificate }, onSocket)
        : createNetServer(onSocket);
    instance = new SmtpTestServer(server, script);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  url(scheme: 'smtp' | 'smtps' = 'smtp'): string {
    return `${scheme}://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const session: SmtpTestSession = { commands: [], rawMessages: [], tls: socket instanceof TLSSocket };
    this.sessions.push(session);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    if (this.script.silent === true) return;
    this.converse(socket, session);
    socket.write('220 test.invalid ESMTP ready\r\n');
  }

  private converse(socket: Socket, session: SmtpTestSession): void {
    const conversation = new Conversation(socket, session, this);
    let buffer = '';
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('latin1');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const upgrade = conversation.line(line);
        if (upgrade) {
          socket.removeAllListeners('data');
          socket = this.upgrade(socket, session);
          conversation.socket = socket;
          socket.on('data', onData);
        }
      }
    };
    socket.on('data', onData);
  }

  private upgrade(socket: Socket, session: SmtpTestSession): Socket {
    const secure = new TLSSocket(socket, { isServer: true, ...this.script.certificate });
    secure.on('error', () => undefined);
    session.tls = true;
    this.sockets.add(secure);
    return secure;
  }

  /** The scripted reply for a command, if any. */
  override(verb: string, arg: string): string | undefined {
    const replies = this.script.replies ?? {};
    return replies[`${verb} ${arg}`] ?? replies[verb];
  }

  get extensions(): readonly string[] {
    return this.script.extensions ?? [];
  }

  /** 235 for the scripted credentials, else 535. */
  authReply(user: string, password: string): string {
    const c = this.script.credentials;
    return c !== undefined && c.user === user && c.password === password
      ? '235 2.7.0 authenticated'
      : '535 5.7.8 authentication credentials invalid';
  }
}

/** One session's state: command mode, DATA, or the two AUTH LOGIN prompts. */
class Conversation {
  private mode: Mode = 'Command';
  private data: string[] = [];
  private user = '';

  constructor(
    public socket: Socket,
    private readonly session: SmtpTestSession,
    private readonly server: SmtpTestServer,
  ) {}

  /** Handles one line; true when the socket is to be upgraded to TLS now (after STARTTLS's 220). */
  line(line: string): boolean {
    if (this.mode === 'Data') {
      this.dataLine(line);
      return false;
    }
    this.session.commands.push(line);
    const [verb = '', ...rest] = line.split(' ');
    const upper = verb.toUpperCase();
    const command = this.mode === 'Command';
    const scripted = command ? this.server.override(upper, rest.join(' ')) : undefined;
    this.reply(scripted ?? this.answer(line, upper, rest.join(' ')));
    if (command && scripted === undefined && upper === 'QUIT') this.socket.end();
    return command && scripted === undefined && upper === 'STARTTLS';
  }

  private answer(line: string, verb: string, arg: string): string {
    if (this.mode === 'LoginUser') {
      this.user = Buffer.from(line, 'base64').toString();
      this.mode = 'LoginPassword';
      return '334 UGFzc3dvcmQ6';
    }
    if (this.mode === 'LoginPassword') {
      this.mode = 'Command';
      return this.server.authReply(this.user, Buffer.from(line, 'base64').toString());
    }
    return this.command(verb, arg);
  }

  private command(verb: string, arg: string): string {
    switch (verb) {
      case 'EHLO':
        return ehloReply(this.server.extensions);
      case 'AUTH':
        if (arg.toUpperCase() !== 'LOGIN') return this.plainAuth(arg);
        this.mode = 'LoginUser';
        return '334 VXNlcm5hbWU6';
      case 'DATA':
        this.mode = 'Data';
        return '354 end with <CRLF>.<CRLF>';
      case 'STARTTLS':
        return '220 2.0.0 go ahead';
      case 'QUIT':
        return '221 2.0.0 bye';
      case 'HELO':
      case 'MAIL':
      case 'RCPT':
      case 'RSET':
      case 'NOOP':
        return '250 2.0.0 ok';
      default:
        return '502 5.5.2 unknown command';
    }
  }

  private dataLine(line: string): void {
    if (line !== '.') return void this.data.push(line);
    this.session.rawMessages.push(this.data.join('\r\n'));
    this.data = [];
    this.mode = 'Command';
    this.reply(this.server.override('.', '') ?? '250 2.0.0 queued');
  }

  private plainAuth(arg: string): string {
    const [mechanism, initial = ''] = arg.split(' ');
    if (mechanism?.toUpperCase() !== 'PLAIN') return '504 5.5.4 mechanism not supported';
    const [, user = '', password = ''] = Buffer.from(initial, 'base64').toString().split('\0');
    return this.server.authReply(user, password);
  }

  private reply(text: string): void {
    this.socket.write(`${text}\r\n`);
  }
}

function ehloReply(extensions: readonly string[]): string {
  const lines = ['test.invalid greets you', ...extensions];
  return lines.map((l, i) => `250${i === lines.length - 1 ? ' ' : '-'}${l}`).join('\r\n');
}
