import type { JsonContext, JsonOperation } from '../json-protocol/types.js';
import { keyCheck } from './kms-checks.js';
import { disabled, kmsError, pendingDeletion } from './kms-errors.js';
import type { LoadedKey } from './loaded-key.js';
import { paginate, requestedKey, type KmsDeps } from './kms-request.js';
import { perRequest } from '../protocol/per-request.js';

/**
 * Key rotation: automatic (every RotationPeriodInDays, 90..2560, 365 by default) or on demand. Each
 * rotation adds key material; the newest encrypts, and every older one still decrypts what it
 * encrypted (the ciphertext names its material).
 * https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
 */

const DAY_MS = 86_400_000;
const DEFAULT_PERIOD_DAYS = 365;
/** On-demand rotations per key (quota). */
const MAX_ON_DEMAND_ROTATIONS = 25;

/** Enable/DisableKeyRotation and RotateKeyOnDemand need an enabled key. */
function assertRotatable(key: LoadedKey): void {
  if (key.record.state === 'Disabled') throw disabled(key.arn);
  if (key.record.state === 'PendingDeletion') throw pendingDeletion(key.arn);
}

/** How the rotation operations find their key and declare their check. */
function helpers(deps: KmsDeps) {
  const own = perRequest((ctx: JsonContext) => requestedKey(deps, ctx, { crossAccount: false }));
  const check =
    (action: string, extra: (ctx: JsonContext) => Record<string, string> = () => ({})) =>
    async (ctx: JsonContext) => [
      keyCheck((await own(ctx)).key, action, { callerAccount: ctx.accountId, context: extra(ctx) }),
    ];
  return { own, check };
}

/** Enable/DisableKeyRotation and GetKeyRotationStatus: the automatic rotation schedule. */
function scheduleOps(deps: KmsDeps): JsonOperation[] {
  const { own, check } = helpers(deps);
  const anyAccount = perRequest((ctx: JsonContext) => requestedKey(deps, ctx, { crossAccount: true }));
  const period = (ctx: JsonContext) =>
    ctx.input.optionalInt('RotationPeriodInDays', { min: 90, max: 2560 }) ?? DEFAULT_PERIOD_DAYS;
  return [
    {
      name: 'EnableKeyRotation',
      checks: check('EnableKeyRotation', (ctx) => ({ 'kms:RotationPeriodInDays': String(period(ctx)) })),
      async handler(ctx) {
        const k = (await own(ctx)).key;
        assertRotatable(k);
        const days = period(ctx);
        const nextRotationAt = new Date(deps.now().getTime() + days * DAY_MS);
        await deps.directory.updateKey(k.record.keyId, {
          rotation: { enabled: true, periodDays: days, nextRotationAt },
        });
        return undefined;
      },
    },
    {
      name: 'DisableKeyRotation',
      checks: check('DisableKeyRotation'),
      async handler(ctx) {
        const k = (await own(ctx)).key;
        assertRotatable(k);
        const rotation = { enabled: false, periodDays: k.record.rotation.periodDays, nextRotationAt: undefined };
        await deps.directory.updateKey(k.record.keyId, { rotation });
        return undefined;
      },
    },
    {
      // Any key state; keys of other accounts by ARN.
      name: 'GetKeyRotationStatus',
      async checks(ctx) {
        return [keyCheck((await anyAccount(ctx)).key, 'GetKeyRotationStatus', { callerAccount: ctx.accountId })];
      },
      async handler(ctx) {
        const k = (await anyAccount(ctx)).key;
        const r = k.record.rotation;
        return {
          KeyRotationEnabled: r.enabled,
          KeyId: k.arn,
          RotationPeriodInDays: r.enabled ? r.periodDays : undefined,
          NextRotationDate: r.enabled ? r.nextRotationAt : undefined,
        };
      },
    },
  ];
}

/** RotateKeyOnDemand and ListKeyRotations: rotations that happened and rotating now. */
function rotateOps(deps: KmsDeps): JsonOperation[] {
  const { own, check } = helpers(deps);
  return [
    {
      // Immediate here (AWS finishes it asynchronously); the automatic schedule is left as it is.
      name: 'RotateKeyOnDemand',
      checks: check('RotateKeyOnDemand'),
      async handler(ctx) {
        const k = (await own(ctx)).key;
        assertRotatable(k);
        const onDemand = [...k.materials.values()].filter((m) => m.rotationType === 'ON_DEMAND').length;
        if (onDemand >= MAX_ON_DEMAND_ROTATIONS) {
          throw kmsError('LimitExceededException', {
            message: `${k.arn} has reached the maximum of ${MAX_ON_DEMAND_ROTATIONS} on-demand rotations.`,
          });
        }
        // False only when another process rotated the key at this moment: it has new material either way.
        await deps.directory.rotate(k, 'ON_DEMAND');
        return { KeyId: k.record.keyId };
      },
    },
    {
      // ROTATIONS_ONLY (the default) lists rotations; ALL_KEY_MATERIAL the original material too.
      name: 'ListKeyRotations',
      checks: check('ListKeyRotations'),
      async handler(ctx) {
        const k = (await own(ctx)).key;
        const all =
          ctx.input.optionalString('IncludeKeyMaterial', { enum: ['ALL_KEY_MATERIAL', 'ROTATIONS_ONLY'] }) ===
          'ALL_KEY_MATERIAL';
        const materials = [...k.materials.values()].filter((m) => all || m.rotationType !== undefined);
        const page = paginate(materials, (m) => String(m.version).padStart(10, '0'), ctx.input);
        return {
          Rotations: page.items.map((m) => ({
            KeyId: k.record.keyId,
            KeyMaterialId: m.materialId,
            KeyMaterialState: m.version === k.current.version ? 'CURRENT' : 'NON_CURRENT',
            RotationDate: m.rotationType === undefined ? undefined : m.createdAt,
            RotationType: m.rotationType,
          })),
          NextMarker: page.NextMarker,
          Truncated: page.Truncated,
        };
      },
    },
  ];
}

export function rotationOperations(deps: KmsDeps): JsonOperation[] {
  return [...scheduleOps(deps), ...rotateOps(deps)];
}
