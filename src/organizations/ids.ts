import { randomBytes } from 'node:crypto';

/**
 * Organizations identifiers in AWS's formats (lower-case letters and digits): `o-` + 10 for the
 * organization, `r-` + 4 for the root, `ou-<root suffix>-` + 8 for OUs, `p-` + 8 for policies and
 * `car-` + 32 for CreateAccount requests.
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html
 */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomLowerAlnum(length: number): string {
  // 36 symbols: reject bytes past the largest multiple of 36 so every symbol is equally likely.
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 252 && out.length < length) out += ALPHABET[b % 36];
    }
  }
  return out;
}

export function newOrganizationId(): string {
  return `o-${randomLowerAlnum(10)}`;
}

export function newRootId(): string {
  return `r-${randomLowerAlnum(4)}`;
}

/** An OU id carries its root's suffix: `ou-ab12-1a2b3c4d` under `r-ab12`. */
export function newOrganizationalUnitId(rootId: string): string {
  return `ou-${rootId.slice(2)}-${randomLowerAlnum(8)}`;
}

export function newPolicyId(): string {
  return `p-${randomLowerAlnum(8)}`;
}

export function newCreateAccountRequestId(): string {
  return `car-${randomLowerAlnum(32)}`;
}

export const ROOT_ID_PATTERN = /^r-[0-9a-z]{4,32}$/;
export const OU_ID_PATTERN = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
