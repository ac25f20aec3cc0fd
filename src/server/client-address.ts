/**
 * The client address a request's policies see (aws:SourceIp): the socket's peer, unless the peer is
 * a trusted proxy (`--trusted-proxy CIDR`), in which case the proxy's forwarding header names the
 * client. A header from any other peer is never read: anyone can send one.
 *
 * The chain rule, as nginx's `real_ip_recursive on`
 * (https://nginx.org/en/docs/http/ngx_http_realip_module.html): the addresses of the header, then the
 * peer, form a chain client → proxy → … → proxy → peer. Each trusted proxy appended the address it
 * received the request from, so the chain is walked from the right: the first address that is not a
 * trusted proxy is the client. Everything left of it was written by the client (or by proxies we do
 * not know) and is never parsed, so a forged or broken prefix cannot matter. When every address is a
 * trusted proxy, the leftmost is the client. When the walk reaches an entry that is not an address
 * (`unknown`, an obfuscated `_id`, junk: RFC 7239 section 6), the header is ignored and the peer
 * stays, as nginx does.
 *
 * Only one header is read, the one the proxies are configured to send (`--forwarded-header`, as
 * nginx's `real_ip_header`): reading both would let a client forge the one its proxy does not set.
 *
 * Deviation from AWS: AWS's aws:SourceIp is the address its own edge sees; it has no trusted proxies.
 * This is how a Strongbox behind a reverse proxy gives the condition the same value.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip
 */
import type { IncomingHttpHeaders } from 'node:http';
import { cidrContains, parseCidr, parseIp, type CidrBlock } from '../policy/condition/ip-value.js';

/** The header trusted proxies send: `X-Forwarded-For` (de facto) or `Forwarded` (RFC 7239). */
export type ForwardedHeader = 'x-forwarded-for' | 'forwarded';

export interface ClientAddressOptions {
  /** CIDR blocks (or single addresses) of the proxies whose header is believed. */
  readonly trustedProxies: readonly string[];
  readonly header: ForwardedHeader;
}

export class ClientAddressResolver {
  private readonly trusted: readonly CidrBlock[];
  private readonly header: ForwardedHeader;

  constructor(options: ClientAddressOptions) {
    this.trusted = options.trustedProxies.map((cidr) => {
      const block = parseCidr(cidr);
      if (!block) throw new Error(`not a CIDR block: ${cidr}`);
      return block;
    });
    this.header = options.header;
  }

  /** aws:SourceIp for a request from socket peer `peer` (normalized: `::ffff:a.b.c.d` → `a.b.c.d`). */
  resolve(peer: string, headers: IncomingHttpHeaders): string {
    const peerIp = normalizePeer(peer);
    if (this.trusted.length === 0 || !this.isTrusted(peerIp)) return peerIp;
    const value = headers[this.header];
    if (value === undefined) return peerIp;
    const text = Array.isArray(value) ? value.join(', ') : value;
    const hops = this.header === 'forwarded' ? forwardedNodesFromRight(text) : xffNodesFromRight(text);
    return clientFromChain(peerIp, hops, (ip) => this.isTrusted(ip));
  }

  private isTrusted(ip: string): boolean {
    const addr = parseIp(ip);
    if (!addr) return false;
    for (const block of this.trusted) if (cidrContains(block, addr)) return true;
    return false;
  }
}

/**
 * The walk of the chain rule. `hops` yields the header's entries right to left, each an address or
 * undefined (not an address). `peer` is trusted (the caller checked).
 */
export function clientFromChain(
  peer: string,
  hops: Iterable<string | undefined>,
  isTrusted: (ip: string) => boolean,
): string {
  let client = peer;
  for (const hop of hops) {
    if (hop === undefined) return peer;
    client = hop;
    if (!isTrusted(hop)) return hop;
  }
  return client;
}

/** `::ffff:192.0.2.1` (a dual-stack socket's IPv4 peer) → `192.0.2.1`. */
export function normalizePeer(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/**
 * X-Forwarded-For: `client, proxy1, proxy2`. Entries are addresses, some proxies add a port
 * (`192.0.2.1:4711`, `[2001:db8::1]:4711`); empty entries (`a,,b`, a list's allowed empties) are skipped.
 */
export function* xffNodesFromRight(value: string): Generator<string | undefined> {
  let end = value.length;
  for (let i = value.length - 1; i >= -1; i--) {
    if (i >= 0 && value.charCodeAt(i) !== 0x2c) continue;
    const entry = value.slice(i + 1, end).trim();
    end = i;
    if (entry !== '') yield parseNode(entry);
  }
}

/**
 * Forwarded (RFC 7239): `for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8:cafe::17]:4711"`.
 * Elements are split right to left, minding quoted strings (a quote is escaped when an odd run of
 * backslashes precedes it), so an unterminated quote the client wrote on the left swallows only its
 * own part. An element without exactly one `for` is not an address.
 */
export function* forwardedNodesFromRight(value: string): Generator<string | undefined> {
  let end = value.length;
  let quoted = false;
  for (let i = value.length - 1; i >= -1; i--) {
    if (i >= 0) {
      const c = value.charCodeAt(i);
      if (c === 0x22 && !escapedAt(value, i)) quoted = !quoted;
      if (quoted || c !== 0x2c) continue;
    }
    const element = value.slice(i + 1, end).trim();
    end = i;
    if (element !== '') yield forOf(element);
  }
}

function escapedAt(s: string, quote: number): boolean {
  let run = 0;
  for (let j = quote - 1; j >= 0 && s.charCodeAt(j) === 0x5c; j--) run++;
  return run % 2 === 1;
}

/** The `for` parameter of one forwarded-element, parsed as a node; undefined if absent or not an address. */
function forOf(element: string): string | undefined {
  const pairs = splitPairs(element);
  if (!pairs) return undefined;
  let node: string | undefined;
  let seen = false;
  for (const [name, raw] of pairs) {
    if (name.toLowerCase() !== 'for') continue;
    if (seen) return undefined; // RFC 7239 section 4: a parameter occurs at most once per element
    seen = true;
    node = parseNode(raw);
  }
  return node;
}

/** `a=b;c="d;e"` → [[a, b], [c, d;e]]; undefined when it is not `name=value` pairs. */
function splitPairs(element: string): [string, string][] | undefined {
  const pairs: [string, string][] = [];
  let i = 0;
  while (i < element.length) {
    const eq = element.indexOf('=', i);
    if (eq < 0) return undefined;
    const name = element.slice(i, eq).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return undefined;
    let j = eq + 1;
    while (element[j] === ' ' || element[j] === '\t') j++;
    let val = '';
    if (element[j] === '"') {
      for (j++; j < element.length && element[j] !== '"'; j++) {
        val += element[j] === '\\' ? element[++j] ?? '' : element[j];
      }
      if (j >= element.length) return undefined;
      j++;
    } else {
      const semi = element.indexOf(';', j);
      const stop = semi < 0 ? element.length : semi;
      val = element.slice(j, stop).trim();
      j = stop;
    }
    pairs.push([name, val]);
    while (element[j] === ' ' || element[j] === '\t') j++;
    if (j < element.length && element[j] !== ';') return undefined;
    i = j + 1;
  }
  return pairs;
}

/**
 * A node: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `[2001:db8::1]`, `[2001:db8::1]:4711` → the
 * address; `unknown`, `_hidden` or anything else → undefined.
 */
export function parseNode(node: string): string | undefined {
  let host = node;
  if (node.startsWith('[')) {
    const close = node.indexOf(']');
    if (close < 0 || !portOrNothing(node.slice(close + 1))) return undefined;
    host = node.slice(1, close);
    if (!host.includes(':')) return undefined;
  } else if (node.indexOf(':') === node.lastIndexOf(':') && node.includes(':')) {
    const colon = node.indexOf(':');
    if (!portOrNothing(node.slice(colon))) return undefined;
    host = node.slice(0, colon);
  }
  if (host.includes('%')) return undefined; // a zone id names the proxy's interface, not a client
  const ip = parseIp(host);
  return ip ? normalizePeer(host.toLowerCase()) : undefined;
}

function portOrNothing(rest: string): boolean {
  return rest === '' || (/^:\d{1,5}$/.test(rest) && Number(rest.slice(1)) <= 65535);
}
