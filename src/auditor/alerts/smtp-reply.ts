/**
 * SMTP replies (RFC 5321 §4.2): a three-digit code, then `-` on every line but the last, a space (or
 * nothing) on the last; all lines of one reply carry the same code. The parser takes text as it
 * arrives, in any chunks, and gives back whole replies. It bounds what a hostile server can make it
 * hold: a line without an end, or a reply of endless lines, is a protocol error.
 */

export interface SmtpReply {
  readonly code: number;
  /** The text of each line after the code and separator. */
  readonly lines: readonly string[];
}

/** RFC 5321 §4.5.3.1.5 allows 512 octets a reply line; servers exceed it, so we allow more. */
const MAX_LINE = 4096;
const MAX_LINES = 200;

export class SmtpProtocolError extends Error {}

export class SmtpReplyParser {
  private buffer = '';
  private lines: string[] = [];
  private code: number | undefined;

  /** Text received so far that is not yet a whole reply (checked after STARTTLS: nothing may be there). */
  get pending(): boolean {
    return this.buffer !== '' || this.lines.length > 0;
  }

  /** Feeds received text; returns the replies it completed. Throws SmtpProtocolError on garbage. */
  push(text: string): SmtpReply[] {
    this.buffer += text;
    const replies: SmtpReply[] = [];
    let end: number;
    while ((end = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, end).replace(/\r$/, '');
      this.buffer = this.buffer.slice(end + 1);
      const reply = this.line(line);
      if (reply !== undefined) replies.push(reply);
    }
    if (this.buffer.length > MAX_LINE) throw new SmtpProtocolError('reply line too long');
    return replies;
  }

  private line(line: string): SmtpReply | undefined {
    const m = /^([2-5]\d\d)([ -]|$)(.*)$/.exec(line);
    if (m === null) throw new SmtpProtocolError(`not an SMTP reply line: ${line.slice(0, 80)}`);
    const code = Number(m[1]);
    if (this.code !== undefined && code !== this.code) throw new SmtpProtocolError('reply lines disagree on the code');
    if (line.length > MAX_LINE || this.lines.length >= MAX_LINES) throw new SmtpProtocolError('reply too long');
    this.code = code;
    this.lines.push(m[3]);
    if (m[2] === '-') return undefined;
    const reply = { code, lines: this.lines };
    this.code = undefined;
    this.lines = [];
    return reply;
  }
}

/** The reply as one line for an error text: `550 5.1.1 no such user`. */
export function replyText(reply: SmtpReply): string {
  return `${reply.code} ${reply.lines.join(' ')}`.trim();
}

/** What EHLO's reply advertises (RFC 5321 §4.1.1.1): keyword → its parameters, keywords upper-cased. */
export function ehloExtensions(reply: SmtpReply): ReadonlyMap<string, readonly string[]> {
  const extensions = new Map<string, string[]>();
  // The first line is the server's greeting, not an extension.
  for (const line of reply.lines.slice(1)) {
    const [keyword, ...params] = line.trim().split(/\s+/);
    if (keyword !== undefined && keyword !== '') extensions.set(keyword.toUpperCase(), params);
  }
  return extensions;
}
