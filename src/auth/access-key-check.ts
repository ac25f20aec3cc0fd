import { AuthFailure, s3AuthError } from './auth-errors.js';
import { signaturesEqual } from './signing-key-cache.js';
import type { AccessKeyRecord, CredentialProvider } from './types.js';

/**
 * Looks the key up and applies the checks that do not depend on the signature: unknown or inactive
 * key (S3 answers both with InvalidAccessKeyId), session token presence and match, expiry.
 */
export async function resolveAccessKey(
  credentials: CredentialProvider,
  accessKeyId: string,
  sessionToken: string | undefined,
  service: string,
  now: Date,
): Promise<AccessKeyRecord> {
  const record = await credentials.findAccessKey(accessKeyId, sessionToken === undefined ? undefined : { sessionToken });
  const unknown = (reason: 'unknown-key' | 'inactive-key' | 'bad-token') =>
    s3AuthError('InvalidAccessKeyId', new AuthFailure(reason, { service }), { fields: { AWSAccessKeyId: accessKeyId } });
  if (record === undefined && sessionToken !== undefined && accessKeyId.startsWith('ASIA')) {
    // A temporary key is only known through its token: a token that does not open is invalid.
    throw s3AuthError('InvalidToken', new AuthFailure('bad-token', { service }), { fields: { 'Token-0': sessionToken } });
  }
  if (record === undefined || record.caller.kind === 'Anonymous') throw unknown('unknown-key');
  if (record.status !== 'Active') throw unknown('inactive-key');
  // A temporary key is unknown without its token.
  if (record.sessionToken !== undefined && sessionToken === undefined) throw unknown('bad-token');
  if (sessionToken !== undefined && (record.sessionToken === undefined || !signaturesEqual(record.sessionToken, sessionToken))) {
    throw s3AuthError('InvalidToken', new AuthFailure('bad-token', { service }), { fields: { 'Token-0': sessionToken } });
  }
  if (record.expiration !== undefined && now.getTime() >= record.expiration.getTime()) {
    throw s3AuthError('ExpiredToken', new AuthFailure('expired-token', { service }), { fields: { 'Token-0': sessionToken ?? '' } });
  }
  // Credentials from GetSessionToken reach IAM only when MFA was part of the request that made them;
  // without it IAM does not accept the token at all.
  // https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html
  const session = record.caller.session;
  if (service === 'iam' && session?.issuer === 'GetSessionToken' && session.mfaAuthenticatedAt === undefined) {
    throw s3AuthError('InvalidToken', new AuthFailure('bad-token', { service }), { fields: { 'Token-0': sessionToken ?? '' } });
  }
  return record;
}
