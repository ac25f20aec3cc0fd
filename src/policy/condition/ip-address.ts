import { cidrContains, parseCidr, parseIp, type CidrBlock, type IpAddressValue } from './ip-value.js';
import { negate, type ConditionOperator } from './operator.js';

/** IpAddress / NotIpAddress: IPv4 and IPv6 CIDR blocks (a bare address is a /32 or /128). */
export const ipAddress: ConditionOperator<CidrBlock | undefined, IpAddressValue | undefined> = {
  name: 'IpAddress',
  negated: false,
  compileValue: (raw) => parseCidr(raw),
  prepare: (raw) => parseIp(raw),
  test: (ip, block) => block !== undefined && ip !== undefined && cidrContains(block, ip),
};

export const notIpAddress = negate(ipAddress, 'NotIpAddress');
