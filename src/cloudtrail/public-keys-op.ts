/**
 * ListPublicKeys: the public keys whose private keys signed digest files in a time range, what
 * `aws cloudtrail validate-logs` verifies digests with (it picks a key by Fingerprint).
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_ListPublicKeys.html
 */
import type { JsonOperation } from '../json-protocol/types.js';
import { cloudTrailCheck, type CloudTrailDeps } from './cloudtrail-deps.js';
import { cloudTrailError } from './cloudtrail-errors.js';

/**
 * StartTime and EndTime default to now ("If not specified, the current time is used"); a key is listed
 * when its validity overlaps [StartTime, EndTime]. Value is a blob: base64 in JSON.
 */
export function listPublicKeysOperation(deps: CloudTrailDeps): JsonOperation {
  return {
    name: 'ListPublicKeys',
    checks: async (ctx) => [cloudTrailCheck(ctx.accountId, 'ListPublicKeys')],
    async handler(ctx) {
      const now = deps.now();
      const start = ctx.input.optionalTimestamp('StartTime') ?? now;
      const end = ctx.input.optionalTimestamp('EndTime') ?? now;
      if (start.getTime() > end.getTime()) throw cloudTrailError('InvalidTimeRangeException');
      ctx.input.optionalString('NextToken');
      const keys = deps.publicKeys().filter(
        (k) => k.validityStartTime.getTime() <= end.getTime() && k.validityEndTime.getTime() >= start.getTime(),
      );
      return {
        PublicKeyList: keys.map((k) => ({
          Value: k.value.toString('base64'),
          ValidityStartTime: k.validityStartTime,
          ValidityEndTime: k.validityEndTime,
          Fingerprint: k.fingerprint,
        })),
      };
    },
  };
}
