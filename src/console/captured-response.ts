import { type IncomingMessage, ServerResponse } from 'node:http';

/**
 * A response the request pipeline writes into memory instead of onto a socket: for the one call the
 * console makes for itself (switch role's sts:AssumeRole), whose answer holds credentials that must
 * not reach the page. The pipeline writes every response with one `writeHead` and, for an answer of
 * bytes, one `end` (server/http-response.ts); both are kept here, then the response finishes and
 * closes like a real one, so the request is recorded and audited as any other.
 */
export class CapturedResponse extends ServerResponse {
  private status = 0;
  private readonly chunks: Buffer[] = [];
  readonly done: Promise<{ status: number; body: string }>;
  private resolveDone!: (v: { status: number; body: string }) => void;

  constructor(req: IncomingMessage) {
    super(req);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  override writeHead(status: number, ...rest: unknown[]): this {
    void rest;
    this.status = status;
    // node's headersSent is `_header` set: the pipeline must see the answer as begun.
    (this as unknown as { _header: string | null })._header = `HTTP/1.1 ${status}\r\n\r\n`;
    return this;
  }

  override write(chunk: unknown): boolean {
    if (chunk !== undefined && chunk !== null) this.chunks.push(Buffer.from(chunk as Uint8Array | string));
    return true;
  }

  override end(chunk?: unknown): this {
    if (typeof chunk !== 'function') this.write(chunk);
    if (!this.headersSent) this.writeHead(this.statusCode);
    this.finished = true;
    this.resolveDone({ status: this.status, body: Buffer.concat(this.chunks).toString('utf8') });
    process.nextTick(() => {
      this.emit('finish');
      this.emit('close');
    });
    return this;
  }
}
