import { randomBytes } from 'node:crypto';
import { base32Encode } from '../../crypto/totp.js';
import { qrCodePng } from './qr-png.js';

/**
 * What CreateVirtualMFADevice hands out: a serial number, a random seed, and the seed twice more as
 * an authenticator app takes it (Base32 text, and a QR code of an otpauth:// URI).
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_VirtualMFADevice.html
 */

/** AWS seeds are 40 random bytes (64 Base32 characters). */
export const VIRTUAL_MFA_SEED_BYTES = 40;

export const MFA_ISSUER = 'Amazon Web Services';

/** `arn:aws:iam::<account>:mfa<path><name>`: the device's serial number, and its ARN. */
export function mfaSerialNumber(accountId: string, path: string, deviceName: string): string {
  return `arn:aws:iam::${accountId}:mfa${path}${deviceName}`;
}

export function newVirtualMfaSeed(): Buffer {
  return randomBytes(VIRTUAL_MFA_SEED_BYTES);
}

/**
 * The Key URI an authenticator app scans (Google Authenticator's Key Uri Format):
 * `otpauth://totp/Amazon%20Web%20Services:<device name>@<account alias or id>?secret=<Base32>&issuer=...`.
 * AWS documents the label as `$virtualMFADeviceName@$AccountName` (the alias if the account has one,
 * else its id); its QR codes carry the `Amazon Web Services:` issuer prefix apps show as the entry's title.
 */
export function otpauthUri(options: { deviceName: string; accountName: string; seed: Uint8Array }): string {
  const enc = encodeURIComponent;
  const label = `${enc(MFA_ISSUER)}:${enc(options.deviceName)}@${enc(options.accountName)}`;
  const secret = base32Encode(options.seed, { padding: false });
  return `otpauth://totp/${label}?secret=${secret}&issuer=${enc(MFA_ISSUER)}`;
}

/** The two bootstrap data of the CreateVirtualMFADevice response, base64 as every IAM blob. */
export function bootstrapData(options: { deviceName: string; accountName: string; seed: Uint8Array }): {
  Base32StringSeed: string;
  QRCodePNG: string;
} {
  const base32 = base32Encode(options.seed, { padding: false });
  return {
    Base32StringSeed: Buffer.from(base32, 'ascii').toString('base64'),
    QRCodePNG: qrCodePng(otpauthUri(options)).toString('base64'),
  };
}
