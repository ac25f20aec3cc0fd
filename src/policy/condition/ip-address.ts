import { cidrContains, parseCidr, parseIp, type CidrBlock } from './ip-value.js';
import { negate, type ConditionOperator } from './operator.js';

/** IpAddress / NotIpAddress: IPv4 and IPv6 CIDR blocks (a bare address is a /32 or /128). */
export const ipAddress: ConditionOperator<CidrBlock | undefined> = {
  name: 'IpAddress',
  negated: false,
  compileValue: (raw) => parseCidr(raw),
  test(requestValue, block) {
    if (!block) return false;
    const ip = parseIp(requestValue);
    return ip !== undefined && cidrContains(block, ip);
  },
};

export const notIpAddress = negate(ipAddress, 'NotIpAddress');
