import { createHmac } from 'node:crypto';

/**
 * HOTP (RFC 4226) and TOTP (RFC 6238) as AWS virtual MFA devices use them: HMAC-SHA-1, 6 digits,
 * 30-second steps counted from the Unix epoch. Pure: time is always an argument, never read here.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_virtual.html
 */
export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;

export type HotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export interface HotpOptions {
  /** Default 6 (AWS); RFC 6238's own vectors use 8. */
  readonly digits?: number;
  /** Default SHA-1 (AWS, and what every authenticator app assumes without an `algorithm` parameter). */
  readonly algorithm?: HotpAlgorithm;
}

/** RFC 4226 §5.3: HMAC over the 8-byte big-endian counter, dynamic truncation, modulo 10^digits. */
export function hotp(secret: Uint8Array, counter: number, options: HotpOptions = {}): string {
  const digits = options.digits ?? TOTP_DIGITS;
  if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError(`invalid HOTP counter ${counter}`);
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(options.algorithm ?? 'sha1', secret).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The TOTP time step a moment falls in (RFC 6238 §4.2: T = floor((now - T0) / X), T0 = 0, X = 30 s). */
export function stepOf(time: Date | number): number {
  const ms = typeof time === 'number' ? time : time.getTime();
  return Math.floor(ms / 1000 / TOTP_STEP_SECONDS);
}

/** The code an AWS virtual MFA device shows during `step`. */
export function totpCode(seed: Uint8Array, step: number, options: HotpOptions = {}): string {
  return hotp(seed, step, options);
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * RFC 4648 §6 Base32. `padding: false` leaves out the trailing `=`, as the otpauth URI format
 * (Google Authenticator's Key Uri Format) wants; AWS's 40-byte seeds need none either way.
 */
export function base32Encode(bytes: Uint8Array, options: { padding?: boolean } = {}): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  if (options.padding ?? true) while (out.length % 8 !== 0) out += '=';
  return out;
}

/**
 * Decodes RFC 4648 Base32, case-insensitively (people type seeds by hand), with or without padding.
 * Throws on any other character or on leftover bits that are not zero (a truncated or mistyped seed).
 */
export function base32Decode(text: string): Buffer {
  const body = text.replace(/=+$/, '').toUpperCase();
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const c of body) {
    const v = BASE32_ALPHABET.indexOf(c);
    if (v === -1) throw new SyntaxError(`invalid Base32 character '${c}'`);
    buffer = (buffer << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits >= 5 || buffer !== 0) throw new SyntaxError('invalid Base32 length or trailing bits');
  return Buffer.from(out);
}
