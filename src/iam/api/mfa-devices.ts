import { constraintError, optionalEnum, optionalString, requiredString } from '../../query/params.js';
import { isoSeconds, members } from '../../query/render.js';
import type { QueryContext, QueryOperation } from '../../query/types.js';
import type { XmlNode } from '../../protocol/xml.js';
import { rootArn } from '../arn.js';
import { iamError } from '../errors.js';
import { matchConsecutiveCodes } from '../mfa/verify-mfa-code.js';
import { bootstrapData, mfaSerialNumber, newVirtualMfaSeed } from '../mfa/virtual-device.js';
import type { MfaDeviceRow, MfaOwner } from '../store/types.js';
import type { IamApiDeps } from './deps.js';
import { paginate } from './paginate.js';
import { iamCheck, mustGetUser, targetOf, targetResource, type SelfOrUser } from './resolve.js';
import { tagsShape, userShape } from './shapes.js';
import { name, optionalPath, readTagKeys, readTags, requestTagContext, resourceTagContext, RULES } from './validate.js';

/**
 * Virtual MFA devices (IAM Query API). Actions and resources as the IAM service authorization
 * reference lists them: device operations on the device (`mfa`) ARN, assignment operations on the
 * user's ARN (the root user's for root), ListVirtualMFADevices on `*`.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
 */
const SERIAL = { min: 9, max: 256, pattern: '[\\w+=/:,.@-]+' };
const DEVICE_NAME = { min: 1, pattern: '[\\w+=,.@-]+' };
const AUTH_CODE = { min: 6, max: 6, pattern: '[\\d]+' };
const invalidCode = () =>
  iamError('InvalidAuthenticationCode', { message: 'Authentication code for device is not valid.' });
const notAssigned = (serialNumber: string) =>
  iamError('NoSuchEntity', { message: `MFA Device with serial number ${serialNumber} is not assigned to this user.` });
const enableDate = (d: MfaDeviceRow) => d.enabledAt && isoSeconds(d.enabledAt);
type Checks = QueryOperation['checks'];

const serialOf = (ctx: QueryContext): string => requiredString(ctx.params, 'SerialNumber', SERIAL);

/**
 * EnableMFADevice / ResyncMFADevice name the user (the model requires UserName). A root caller may
 * leave it out to act on its own devices, since the root user has no name to give.
 */
function assignmentTarget(ctx: QueryContext): SelfOrUser {
  const given = optionalString(ctx.params, 'UserName', RULES.existingUserName);
  if (given !== undefined) return { kind: 'user', userName: given };
  if (ctx.caller.kind === 'Root') return { kind: 'root' };
  throw constraintError(undefined, 'userName', 'Member must not be null');
}

export function mfaDeviceOperations(deps: IamApiDeps): QueryOperation[] {
  const { store } = deps;

  async function ownerOf(ctx: QueryContext, t: SelfOrUser): Promise<{ owner: MfaOwner; userName: string | undefined }> {
    if (t.kind === 'root') return { owner: { kind: 'root' }, userName: undefined };
    const u = await mustGetUser(deps, ctx.accountId, t.userName);
    return { owner: { kind: 'user', userId: u.userId }, userName: u.userName };
  }

  /** A device of the caller's account; NoSuchEntity for a missing one or another account's. */
  async function mustGetDevice(ctx: QueryContext, serialNumber: string): Promise<MfaDeviceRow> {
    const d = await store.mfaDevices.get(serialNumber);
    if (!d || d.accountId !== ctx.accountId) {
      throw iamError('NoSuchEntity', { message: `VirtualMFADevice with serial number ${serialNumber} doesn't exist.` });
    }
    return d;
  }

  /** The device resource for authorization, with its tags as aws:ResourceTag keys. */
  async function deviceResource(ctx: QueryContext, serialNumber: string) {
    const d = await store.mfaDevices.get(serialNumber);
    const tags = d && d.accountId === ctx.accountId ? await store.tags.list('mfa', serialNumber) : [];
    return { arn: serialNumber, context: resourceTagContext(tags) };
  }

  /** `User` of a VirtualMFADevice: the IAM user, or the root user as AWS shows it (id = account id). */
  async function assignedUserShape(d: MfaDeviceRow): Promise<XmlNode | undefined> {
    if (!d.owner) return undefined;
    if (d.owner.kind === 'root') {
      const account = await store.accounts.get(d.accountId);
      return { UserId: d.accountId, Arn: rootArn(d.accountId), CreateDate: account && isoSeconds(account.createdAt) };
    }
    const u = await store.users.getById(d.owner.userId);
    return u && userShape(u);
  }

  const onTarget = (action: string, target: (ctx: QueryContext) => SelfOrUser): Checks => async (ctx) => {
    const r = await targetResource(deps, ctx, target(ctx));
    return [iamCheck(ctx, action, r.arn, r.context)];
  };
  const onDevice = (action: string): Checks => async (ctx) => {
    const r = await deviceResource(ctx, serialOf(ctx));
    return [iamCheck(ctx, action, r.arn, r.context)];
  };

  async function checkCodes(ctx: QueryContext, d: MfaDeviceRow): Promise<number> {
    const code1 = requiredString(ctx.params, 'AuthenticationCode1', AUTH_CODE);
    const code2 = requiredString(ctx.params, 'AuthenticationCode2', AUTH_CODE);
    const step = matchConsecutiveCodes(d.seed, code1, code2, deps.now());
    if (step === undefined) throw invalidCode();
    return step;
  }

  return [
    {
      name: 'CreateVirtualMFADevice',
      checks: async (ctx) => {
        const deviceName = name(ctx.params, 'VirtualMFADeviceName', DEVICE_NAME);
        const serial = mfaSerialNumber(ctx.accountId, optionalPath(ctx.params), deviceName);
        return [iamCheck(ctx, 'CreateVirtualMFADevice', serial, requestTagContext(readTags(ctx.params)))];
      },
      handler: async (ctx) => {
        const deviceName = name(ctx.params, 'VirtualMFADeviceName', DEVICE_NAME);
        const path = optionalPath(ctx.params);
        const tags = readTags(ctx.params);
        // IAM quota: virtual MFA devices (assigned or unassigned) in an account = the user quota.
        const quota = deps.limits.usersPerAccount;
        if ((await store.mfaDevices.listVirtual(ctx.accountId)).length >= quota) {
          throw iamError('LimitExceeded', { message: `Cannot exceed quota for VirtualMFADevicesPerAccount: ${quota}` });
        }
        const seed = newVirtualMfaSeed();
        const serialNumber = mfaSerialNumber(ctx.accountId, path, deviceName);
        await store.mfaDevices.createVirtual({ accountId: ctx.accountId, serialNumber, deviceName, path, seed, tags });
        const accountName = (await store.settings.listAliases(ctx.accountId))[0] ?? ctx.accountId;
        return {
          VirtualMFADevice: {
            SerialNumber: serialNumber,
            ...bootstrapData({ deviceName, accountName, seed }),
            Tags: tags.length > 0 ? tagsShape(tags) : undefined,
          },
        };
      },
    },
    {
      name: 'EnableMFADevice',
      checks: onTarget('EnableMFADevice', assignmentTarget),
      handler: async (ctx) => {
        const { owner } = await ownerOf(ctx, assignmentTarget(ctx));
        const d = await mustGetDevice(ctx, serialOf(ctx));
        const step = await checkCodes(ctx, d);
        await store.mfaDevices.enable(d.serialNumber, owner, step);
        return undefined;
      },
    },
    {
      name: 'ResyncMFADevice',
      checks: onTarget('ResyncMFADevice', assignmentTarget),
      handler: async (ctx) => {
        const { owner } = await ownerOf(ctx, assignmentTarget(ctx));
        const d = await mustGetDevice(ctx, serialOf(ctx));
        if (!d.owner || !sameOwner(d.owner, owner)) throw notAssigned(d.serialNumber);
        // Deviation from AWS: no clock offset is kept for a drifting device; a resync checks the pair
        // of codes near the server's time and records their step as used.
        await store.mfaDevices.resync(d.serialNumber, await checkCodes(ctx, d));
        return undefined;
      },
    },
    {
      name: 'DeactivateMFADevice',
      checks: onTarget('DeactivateMFADevice', (ctx) => targetOf(ctx)),
      handler: async (ctx) => {
        const { owner } = await ownerOf(ctx, targetOf(ctx));
        const d = await mustGetDevice(ctx, serialOf(ctx));
        await store.mfaDevices.deactivate(d.serialNumber, owner);
        return undefined;
      },
    },
    {
      name: 'DeleteVirtualMFADevice',
      checks: onDevice('DeleteVirtualMFADevice'),
      handler: async (ctx) => {
        const d = await mustGetDevice(ctx, serialOf(ctx));
        await store.mfaDevices.delete(d.serialNumber);
        return undefined;
      },
    },
    {
      name: 'ListMFADevices',
      checks: onTarget('ListMFADevices', (ctx) => targetOf(ctx)),
      handler: async (ctx) => {
        const { owner, userName } = await ownerOf(ctx, targetOf(ctx));
        const devices = await store.mfaDevices.listForOwner(ctx.accountId, owner);
        const page = paginate(devices, (d) => d.serialNumber, ctx.params);
        // The root user has no name: its devices are listed without UserName (as GetUser shows root).
        const shapes = page.items.map((d) => ({
          UserName: userName, SerialNumber: d.serialNumber, EnableDate: enableDate(d),
        }));
        return { MFADevices: members(shapes), IsTruncated: page.IsTruncated, Marker: page.Marker };
      },
    },
    {
      name: 'ListVirtualMFADevices',
      checks: async (ctx) => [iamCheck(ctx, 'ListVirtualMFADevices', '*')],
      handler: async (ctx) => {
        const statuses = ['Assigned', 'Unassigned', 'Any'] as const;
        const status = optionalEnum(ctx.params, 'AssignmentStatus', statuses) ?? 'Any';
        const wanted = (d: MfaDeviceRow) => status === 'Any' || (status === 'Assigned') === (d.owner !== undefined);
        const devices = (await store.mfaDevices.listVirtual(ctx.accountId)).filter(wanted);
        const page = paginate(devices, (d) => d.serialNumber, ctx.params);
        const shapes: XmlNode[] = [];
        for (const d of page.items) {
          shapes.push({ SerialNumber: d.serialNumber, User: await assignedUserShape(d), EnableDate: enableDate(d) });
        }
        return { VirtualMFADevices: members(shapes), IsTruncated: page.IsTruncated, Marker: page.Marker };
      },
    },
    {
      name: 'GetMFADevice',
      checks: onTarget('GetMFADevice', (ctx) => targetOf(ctx)),
      handler: async (ctx) => {
        const { owner, userName } = await ownerOf(ctx, targetOf(ctx));
        const d = await mustGetDevice(ctx, serialOf(ctx));
        if (!d.owner || !sameOwner(d.owner, owner)) throw notAssigned(d.serialNumber);
        // Certifications are FIDO security keys' (FIPS / FIDO levels): a virtual device has none.
        return { UserName: userName, SerialNumber: d.serialNumber, EnableDate: enableDate(d) };
      },
    },
    ...mfaTagOperations(deps, onDevice, mustGetDevice),
  ];
}

function sameOwner(a: MfaOwner, b: MfaOwner): boolean {
  return a.kind === 'root' ? b.kind === 'root' : b.kind === 'user' && a.userId === b.userId;
}

function mfaTagOperations(
  deps: IamApiDeps,
  onDevice: (action: string) => Checks,
  mustGetDevice: (ctx: QueryContext, serialNumber: string) => Promise<MfaDeviceRow>,
): QueryOperation[] {
  const { store } = deps;
  type Keys = (ctx: QueryContext) => Record<string, string | string[]>;
  const withTagKeys = (action: string, keys: Keys): Checks => async (ctx) => {
    const [check] = await onDevice(action)(ctx);
    return [{ ...check, context: { ...check.context, ...keys(ctx) } }];
  };
  return [
    {
      name: 'TagMFADevice',
      checks: withTagKeys('TagMFADevice', (ctx) => requestTagContext(readTags(ctx.params, 'Tags', true))),
      handler: async (ctx) => {
        const d = await mustGetDevice(ctx, serialOf(ctx));
        await store.tags.tag(ctx.accountId, 'mfa', d.serialNumber, readTags(ctx.params, 'Tags', true));
        return undefined;
      },
    },
    {
      name: 'UntagMFADevice',
      checks: withTagKeys('UntagMFADevice', (ctx) => ({ 'aws:TagKeys': readTagKeys(ctx.params) })),
      handler: async (ctx) => {
        const d = await mustGetDevice(ctx, serialOf(ctx));
        await store.tags.untag('mfa', d.serialNumber, readTagKeys(ctx.params));
        return undefined;
      },
    },
    {
      name: 'ListMFADeviceTags',
      checks: onDevice('ListMFADeviceTags'),
      handler: async (ctx) => {
        const d = await mustGetDevice(ctx, serialOf(ctx));
        const tags = await store.tags.list('mfa', d.serialNumber);
        const indexed = tags.map((t, i) => ({ t, key: String(i).padStart(4, '0') }));
        const page = paginate(indexed, (x) => x.key, ctx.params);
        return { Tags: tagsShape(page.items.map((x) => x.t)), IsTruncated: page.IsTruncated, Marker: page.Marker };
      },
    },
  ];
}
