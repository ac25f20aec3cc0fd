/**
 * The few pieces of Internet Message Format and MIME an alert e-mail needs, as pure functions:
 * header values that cannot inject a header (RFC 5322 §2.2: a header field ends at CRLF, so every CR
 * and LF in a value is removed before it is written), RFC 2047 encoded-words for non-ASCII text,
 * quoted-printable bodies (RFC 2045 §6.7), and the RFC 5322 §3.3 date.
 */
import { Buffer } from 'node:buffer';

/** Longest encoded-word, `=?UTF-8?B?...?=` included (RFC 2047 §2). */
const MAX_ENCODED_WORD = 75;
/** Longest line holding encoded-words (RFC 2047 §2). */
const MAX_ENCODED_LINE = 76;
/** Longest quoted-printable line, the soft break's `=` included (RFC 2045 §6.7 rule 5). */
const MAX_QP_LINE = 76;
/** Header lines are folded before this many characters (RFC 5322 §2.1.1 "SHOULD be no more than 78"). */
const HEADER_FOLD_AT = 78;

/** A header value in one line: any run of CR, LF and other controls becomes one space. */
export function headerText(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/**
 * An unstructured header value (Subject): kept as is when it is short printable ASCII, else written
 * as RFC 2047 B encoded-words of whole UTF-8 characters, folded one word a line. Text that itself
 * looks like an encoded-word (`=?`) is encoded too, so a reader cannot be made to decode it.
 * `nameLength` is the length of `Name: ` before it, for the first line's budget.
 */
export function unstructuredHeader(value: string, nameLength: number): string {
  const text = headerText(value);
  if (/^[\x20-\x7e]*$/.test(text) && !text.includes('=?') && nameLength + text.length <= HEADER_FOLD_AT) return text;
  return encodedWords(text, MAX_ENCODED_LINE - nameLength).join('\r\n ');
}

/**
 * `=?UTF-8?B?...?=` words of whole characters. RFC 2047 §2: a word is at most 75 characters and a line
 * holding encoded-words at most 76, so the first word fits `firstRoom` (the line after the header
 * name) and the others a folded line (a space, then the word).
 */
export function encodedWords(text: string, firstRoom = MAX_ENCODED_WORD): string[] {
  const overhead = '=?UTF-8?B??='.length;
  // 4 base64 characters carry 3 bytes: the most bytes that fit in a word of `room` characters.
  const bytesIn = (room: number): number =>
    Math.max(3, Math.floor((Math.min(room, MAX_ENCODED_WORD) - overhead) / 4) * 3);
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    const room = words.length === 0 ? firstRoom : MAX_ENCODED_LINE - 1;
    if (chunk !== '' && Buffer.byteLength(chunk + ch) > bytesIn(room)) {
      words.push(encodedWord(chunk));
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk !== '' || words.length === 0) words.push(encodedWord(chunk));
  return words;
}

function encodedWord(text: string): string {
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/**
 * An addr-spec we are willing to put in a header and an SMTP command: ASCII, no spaces, controls,
 * angle brackets, commas or quotes, one `@` with text on both sides. Stricter than RFC 5321 on purpose
 * (no quoted local parts, no SMTPUTF8): alert recipients are configured by an operator.
 */
export function isMailAddress(address: string): boolean {
  return /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$/.test(address) && address.length <= 254;
}

/** A header list of addresses, folded after a comma when the line would grow past 78 characters. */
export function addressList(addresses: readonly string[], nameLength: number): string {
  let out = '';
  let lineLength = nameLength;
  for (const [i, raw] of addresses.entries()) {
    const address = headerText(raw).replace(/[<>,;"]/g, '');
    const piece = i === 0 ? address : `, ${address}`;
    if (i > 0 && lineLength + piece.length > HEADER_FOLD_AT) {
      out += ',\r\n ' + address;
      lineLength = 1 + address.length;
    } else {
      out += piece;
      lineLength += piece.length;
    }
  }
  return out;
}

/** RFC 5322 §3.3 date-time in UTC: `Tue, 07 Dec 2021 20:06:00 +0000`. */
export function rfc5322Date(time: Date): string {
  const [weekday, day, month, year, clock] = time.toUTCString().replace(',', '').split(' ');
  return `${weekday}, ${day} ${month} ${year} ${clock} +0000`;
}

/**
 * Quoted-printable (RFC 2045 §6.7) of UTF-8 text. Line breaks in the text (CRLF, LF or CR) become
 * CRLF hard breaks; lines longer than 76 characters get soft breaks; `=`, controls, non-ASCII bytes
 * and spaces or tabs at the end of a line are encoded. The result is 7-bit and safe for any relay.
 */
export function quotedPrintable(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => qpLine(Buffer.from(line, 'utf8')))
    .join('\r\n');
}

function qpLine(bytes: Buffer): string {
  const out: string[] = [];
  let current = '';
  for (const [i, b] of bytes.entries()) {
    const last = i === bytes.length - 1;
    const literal = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
    const token = literal ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
    // A soft break is `=` at the end of a line: keep room for it unless this is the line's last token.
    const room = last ? MAX_QP_LINE : MAX_QP_LINE - 1;
    if (current.length + token.length > room) {
      out.push(`${current}=`);
      current = '';
    }
    current += token;
  }
  out.push(current);
  return out.join('\r\n');
}
