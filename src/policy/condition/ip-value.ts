/**
 * IPv4 / IPv6 addresses and CIDR blocks for IpAddress / NotIpAddress. An address is stored as 32-bit
 * words (1 for IPv4, 4 for IPv6) so a CIDR test is a few integer compares. IPv4-mapped IPv6 addresses
 * (`::ffff:192.0.2.1`, what a dual-stack socket reports) are treated as the IPv4 address.
 */

export interface IpAddressValue {
  readonly family: 4 | 6;
  readonly words: readonly number[];
}

export interface CidrBlock extends IpAddressValue {
  readonly prefix: number;
}

export function parseIp(raw: string): IpAddressValue | undefined {
  const s = raw.trim();
  if (s.includes(':')) {
    const words = parseIpv6(s);
    if (!words) return undefined;
    if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) return { family: 4, words: [words[3]] };
    return { family: 6, words };
  }
  const v4 = parseIpv4(s);
  return v4 === undefined ? undefined : { family: 4, words: [v4] };
}

export function parseCidr(raw: string): CidrBlock | undefined {
  const s = raw.trim();
  const slash = s.indexOf('/');
  const addr = parseIp(slash < 0 ? s : s.slice(0, slash));
  if (!addr) return undefined;
  const max = addr.family === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    // An IPv4-mapped IPv6 block counts its prefix over 128 bits.
    if (addr.family === 4 && s.slice(0, slash).includes(':')) prefix -= 96;
    if (prefix < 0 || prefix > max) return undefined;
  }
  return { family: addr.family, words: addr.words, prefix };
}

export function cidrContains(block: CidrBlock, ip: IpAddressValue): boolean {
  if (block.family !== ip.family) return false;
  let remaining = block.prefix;
  for (let i = 0; i < block.words.length && remaining > 0; i++) {
    const bits = remaining >= 32 ? 32 : remaining;
    const mask = bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
    if (((block.words[i] & mask) >>> 0) !== ((ip.words[i] & mask) >>> 0)) return false;
    remaining -= bits;
  }
  return true;
}

function parseIpv4(s: string): number | undefined {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (++digits > 3) return undefined;
      part = part * 10 + (c - 0x30);
    } else if (c === 0x2e) {
      if (digits === 0 || part > 255 || ++dots > 3) return undefined;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0 || part > 255) return undefined;
  return value * 256 + part;
}

function parseIpv6(s: string): number[] | undefined {
  const zone = s.indexOf('%');
  const text = zone >= 0 ? s.slice(0, zone) : s;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : halves[1].split(':')) : [];
  const groups: number[] = [];
  const pushGroups = (parts: string[], out: number[]): boolean => {
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (p.includes('.') && i === parts.length - 1) {
        const v4 = parseIpv4(p);
        if (v4 === undefined) return false;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return false;
        out.push(parseInt(p, 16));
      }
    }
    return true;
  };
  const headGroups: number[] = [];
  const tailGroups: number[] = [];
  if (!pushGroups(head, headGroups) || !pushGroups(tail, tailGroups)) return undefined;
  if (halves.length === 1) {
    if (headGroups.length !== 8) return undefined;
    groups.push(...headGroups);
  } else {
    const fill = 8 - headGroups.length - tailGroups.length;
    if (fill < 1) return undefined;
    groups.push(...headGroups, ...new Array<number>(fill).fill(0), ...tailGroups);
  }
  const words: number[] = [];
  for (let i = 0; i < 8; i += 2) words.push(((groups[i] << 16) | groups[i + 1]) >>> 0);
  return words;
}

/** A CIDR that covers every address of its family (`0.0.0.0/0`, `::/0`): it limits nothing. */
export function cidrIsEverything(raw: string): boolean {
  return parseCidr(raw)?.prefix === 0;
}
