/**
 * SigV4 URI encoding (RFC 3986): every byte except the unreserved characters A-Z a-z 0-9 - . _ ~
 * becomes %XX with upper-case hex; space is %20, never '+'.
 */
const HEX = '0123456789ABCDEF';
const UNRESERVED = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') UNRESERVED[c.charCodeAt(0)] = 1;

const ALL_UNRESERVED = /^[A-Za-z0-9\-._~]*$/;
const ALL_UNRESERVED_OR_SLASH = /^[A-Za-z0-9\-._~/]*$/;

function encodeBytes(bytes: Uint8Array, keepSlash: boolean): string {
  let out = '';
  for (const b of bytes) {
    if (UNRESERVED[b] === 1 || (keepSlash && b === 0x2f)) out += String.fromCharCode(b);
    else out += '%' + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}

/** Encodes a (decoded) string's UTF-8 bytes. */
export function uriEncode(value: string, options: { keepSlash: boolean } = { keepSlash: false }): string {
  if ((options.keepSlash ? ALL_UNRESERVED_OR_SLASH : ALL_UNRESERVED).test(value)) return value;
  return encodeBytes(Buffer.from(value, 'utf8'), options.keepSlash);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * Percent-decodes to bytes. Invalid escapes ('%' not followed by two hex digits) stay literal,
 * so malformed input still yields a deterministic canonical form instead of an exception.
 * '+' stays '+': SigV4 follows RFC 3986, not HTML form encoding.
 */
export function percentDecodeBytes(value: string): Buffer {
  const src = Buffer.from(value, 'utf8');
  if (!src.includes(0x25)) return src;
  const out = Buffer.allocUnsafe(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === 0x25 && i + 2 < src.length) {
      const hi = hexValue(src[i + 1]);
      const lo = hexValue(src[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = c;
  }
  return out.subarray(0, n);
}

export function percentDecode(value: string): string {
  if (ALL_UNRESERVED.test(value)) return value;
  // Escapes of ASCII bytes (a presigned URL's %2F in X-Amz-Credential) decode without a Buffer
  // round trip; anything that may be multi-byte UTF-8 takes the byte path.
  let out = '';
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0x7f) return percentDecodeBytes(value).toString('utf8');
    if (c !== 0x25) continue;
    const hi = hexValue(value.charCodeAt(i + 1));
    const lo = hexValue(value.charCodeAt(i + 2));
    if (hi < 0 || lo < 0) continue; // a literal '%'
    const b = (hi << 4) | lo;
    if (b > 0x7f) return percentDecodeBytes(value).toString('utf8');
    out += value.slice(start, i) + String.fromCharCode(b);
    i += 2;
    start = i + 1;
  }
  return out + value.slice(start);
}

/** Decode-then-encode: the canonical form of one query-string name or value as sent on the wire. */
export function canonicalQueryComponent(raw: string): string {
  if (ALL_UNRESERVED.test(raw) || isCanonicallyEscaped(raw)) return raw;
  return encodeBytes(percentDecodeBytes(raw), false);
}

/**
 * True when decode-then-encode would give `raw` back: only unreserved characters and upper-case
 * escapes of bytes that must stay escaped (SDKs send exactly that), so no Buffer is needed.
 */
function isCanonicallyEscaped(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25) {
      const hi = upperHexValue(raw.charCodeAt(i + 1));
      const lo = upperHexValue(raw.charCodeAt(i + 2));
      if (hi < 0 || lo < 0 || UNRESERVED[(hi << 4) | lo] === 1) return false;
      i += 2;
    } else if (c > 0x7f || UNRESERVED[c] !== 1) {
      return false;
    }
  }
  return true;
}

function upperHexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const CANONICAL_S3_PATH = /^(?:[A-Za-z0-9\-._~/]|%[0-9A-Fa-f]{2})*$/;

/**
 * Canonical URI for S3. S3 signs the path as sent: no dot-segment removal, no merging of '//', and
 * no second round of encoding (an object key may legitimately be "a//b" or "x/../y", and SDKs sign
 * exactly the escaped path they put on the wire). Only characters that a client sent raw although
 * SigV4 requires them escaped (space, '$', '!', non-ASCII, a stray '%') are escaped here, which is
 * the form the client's signer computed from the same key.
 */
export function canonicalS3Uri(rawPath: string): string {
  if (rawPath === '') return '/';
  if (CANONICAL_S3_PATH.test(rawPath)) return rawPath;
  let out = '';
  let literal = '';
  const flush = (): void => {
    if (literal !== '') out += encodeBytes(Buffer.from(literal, 'utf8'), true);
    literal = '';
  };
  for (let i = 0; i < rawPath.length; i++) {
    const ch = rawPath[i];
    if (ch === '%' && /^[0-9A-Fa-f]{2}$/.test(rawPath.slice(i + 1, i + 3))) {
      flush();
      out += rawPath.slice(i, i + 3);
      i += 2;
    } else {
      literal += ch;
    }
  }
  flush();
  return out;
}

/**
 * Canonical URI for every service except S3 (IAM, STS): remove empty and '.' segments, resolve
 * '..', keep a trailing slash, then URI-encode the (already wire-encoded) path once more. This is
 * the "double encoding" of the SigV4 spec and of the aws-sig-v4-test-suite normalize-path cases.
 */
export function canonicalNormalizedUri(rawPath: string): string {
  const segments: string[] = [];
  for (const seg of rawPath.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return uriEncode('/' + segments.join('/') + trailing, { keepSlash: true });
}
