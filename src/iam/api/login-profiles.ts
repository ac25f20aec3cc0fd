import { isoSeconds } from '../../query/render.js';
import { optionalBool, optionalInt, requiredString } from '../../query/params.js';
import type { QueryContext, QueryOperation } from '../../query/types.js';
import { hashPassword, verifyPassword } from '../../crypto/password-hash.js';
import { iamError } from '../errors.js';
import type { PasswordPolicy } from '../store/types.js';
import type { IamApiDeps } from './deps.js';
import { iamCheck, mustGetUser, targetOf, targetResource } from './resolve.js';
import { RULES } from './validate.js';

const SYMBOLS = "!@#$%^&*()_+-=[]{}|'";

/**
 * Checks a new password against the account's policy, or AWS's default policy when there is none
 * (at least 8 characters and three of: upper case, lower case, digits, symbols).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
 */
export function checkPassword(password: string, policy: PasswordPolicy | undefined): void {
  const has = {
    upper: /[A-Z]/.test(password),
    lower: /[a-z]/.test(password),
    digit: /[0-9]/.test(password),
    symbol: [...password].some((c) => SYMBOLS.includes(c)),
  };
  const fail = (why: string) => iamError('PasswordPolicyViolation', { message: `Password should ${why}.` });
  if (!policy) {
    if (password.length < 8) throw fail('have at least 8 characters');
    if (Object.values(has).filter(Boolean).length < 3) throw fail('contain at least three of: uppercase letters, lowercase letters, numbers, symbols');
    return;
  }
  if (password.length < policy.MinimumPasswordLength) throw fail(`have at least ${policy.MinimumPasswordLength} characters`);
  if (policy.RequireUppercaseCharacters && !has.upper) throw fail('have at least one uppercase letter');
  if (policy.RequireLowercaseCharacters && !has.lower) throw fail('have at least one lowercase letter');
  if (policy.RequireNumbers && !has.digit) throw fail('have at least one number');
  if (policy.RequireSymbols && !has.symbol) throw fail('have at least one symbol');
}

export function passwordPolicyShape(p: PasswordPolicy) {
  return {
    MinimumPasswordLength: p.MinimumPasswordLength,
    RequireSymbols: p.RequireSymbols,
    RequireNumbers: p.RequireNumbers,
    RequireUppercaseCharacters: p.RequireUppercaseCharacters,
    RequireLowercaseCharacters: p.RequireLowercaseCharacters,
    AllowUsersToChangePassword: p.AllowUsersToChangePassword,
    ExpirePasswords: p.MaxPasswordAge !== undefined,
    MaxPasswordAge: p.MaxPasswordAge,
    PasswordReusePrevention: p.PasswordReusePrevention,
    HardExpiry: p.HardExpiry,
  };
}

export function loginProfileOperations(deps: IamApiDeps): QueryOperation[] {
  const { store } = deps;

  async function targetUser(ctx: QueryContext) {
    const t = targetOf(ctx);
    // Deviation from AWS: the root's console password is not managed through IAM here.
    if (t.kind === 'root') throw iamError('ValidationError', { message: 'Must specify userName when calling with root credentials' });
    return mustGetUser(deps, ctx.accountId, t.userName);
  }
  const scoped = (opName: string): QueryOperation['checks'] => async (ctx) => {
    const r = await targetResource(deps, ctx, targetOf(ctx));
    return [iamCheck(ctx, opName, r.arn, r.context)];
  };
  const noProfile = (userName: string) => iamError('NoSuchEntity', { message: `Login Profile for User ${userName} cannot be found.` });
  const noPolicy = (accountId: string) => iamError('NoSuchEntity', { message: `The Password Policy with domain name ${accountId} cannot be found.` });

  return [
    {
      name: 'CreateLoginProfile',
      checks: scoped('CreateLoginProfile'),
      handler: async (ctx) => {
        const u = await targetUser(ctx);
        const password = requiredString(ctx.params, 'Password', RULES.password);
        checkPassword(password, await store.settings.getPasswordPolicy(ctx.accountId));
        const resetRequired = optionalBool(ctx.params, 'PasswordResetRequired') ?? false;
        const lp = await store.loginProfiles.create({ accountId: ctx.accountId, userId: u.userId, passwordHash: await hashPassword(password), passwordResetRequired: resetRequired });
        return { LoginProfile: { UserName: u.userName, CreateDate: isoSeconds(lp.createdAt), PasswordResetRequired: lp.passwordResetRequired } };
      },
    },
    {
      name: 'GetLoginProfile',
      checks: scoped('GetLoginProfile'),
      handler: async (ctx) => {
        const u = await targetUser(ctx);
        const lp = await store.loginProfiles.get(u.userId);
        if (!lp) throw noProfile(u.userName);
        return { LoginProfile: { UserName: u.userName, CreateDate: isoSeconds(lp.createdAt), PasswordResetRequired: lp.passwordResetRequired } };
      },
    },
    {
      name: 'UpdateLoginProfile',
      checks: scoped('UpdateLoginProfile'),
      handler: async (ctx) => {
        const u = await targetUser(ctx);
        if (!(await store.loginProfiles.get(u.userId))) throw noProfile(u.userName);
        const password = ctx.params.has('Password') ? requiredString(ctx.params, 'Password', RULES.password) : undefined;
        if (password !== undefined) checkPassword(password, await store.settings.getPasswordPolicy(ctx.accountId));
        await store.loginProfiles.update(u.userId, {
          passwordHash: password === undefined ? undefined : await hashPassword(password),
          passwordResetRequired: optionalBool(ctx.params, 'PasswordResetRequired'),
        });
        return undefined;
      },
    },
    {
      name: 'DeleteLoginProfile',
      checks: scoped('DeleteLoginProfile'),
      handler: async (ctx) => {
        const u = await targetUser(ctx);
        if (!(await store.loginProfiles.delete(u.userId))) throw noProfile(u.userName);
        return undefined;
      },
    },
    {
      name: 'ChangePassword',
      checks: async (ctx) => [iamCheck(ctx, 'ChangePassword', ctx.caller.arn)],
      handler: async (ctx) => {
        if (ctx.caller.kind !== 'User') throw iamError('InvalidUserType', { message: 'Only IAM users can change their own password.' });
        const oldPassword = requiredString(ctx.params, 'OldPassword', RULES.password);
        const newPassword = requiredString(ctx.params, 'NewPassword', RULES.password);
        const lp = await store.loginProfiles.get(ctx.caller.userId);
        if (!lp) throw noProfile(ctx.caller.userName);
        if (!(await verifyPassword(oldPassword, lp.passwordHash))) throw iamError('InvalidInput', { message: 'The old password was incorrect.' });
        checkPassword(newPassword, await store.settings.getPasswordPolicy(ctx.accountId));
        await store.loginProfiles.update(ctx.caller.userId, { passwordHash: await hashPassword(newPassword), passwordResetRequired: false });
        return undefined;
      },
    },
    {
      name: 'UpdateAccountPasswordPolicy',
      checks: async (ctx) => [iamCheck(ctx, 'UpdateAccountPasswordPolicy', '*')],
      handler: async (ctx) => {
        const p = ctx.params;
        // Parameters left out take their default values, as AWS documents (not the previous ones).
        await store.settings.putPasswordPolicy(ctx.accountId, {
          MinimumPasswordLength: optionalInt(p, 'MinimumPasswordLength', { min: 6, max: 128 }) ?? 8,
          RequireSymbols: optionalBool(p, 'RequireSymbols') ?? false,
          RequireNumbers: optionalBool(p, 'RequireNumbers') ?? false,
          RequireUppercaseCharacters: optionalBool(p, 'RequireUppercaseCharacters') ?? false,
          RequireLowercaseCharacters: optionalBool(p, 'RequireLowercaseCharacters') ?? false,
          AllowUsersToChangePassword: optionalBool(p, 'AllowUsersToChangePassword') ?? false,
          MaxPasswordAge: optionalInt(p, 'MaxPasswordAge', { min: 1, max: 1095 }),
          PasswordReusePrevention: optionalInt(p, 'PasswordReusePrevention', { min: 1, max: 24 }),
          HardExpiry: optionalBool(p, 'HardExpiry'),
        });
        return undefined;
      },
    },
    {
      name: 'GetAccountPasswordPolicy',
      checks: async (ctx) => [iamCheck(ctx, 'GetAccountPasswordPolicy', '*')],
      handler: async (ctx) => {
        const policy = await store.settings.getPasswordPolicy(ctx.accountId);
        if (!policy) throw noPolicy(ctx.accountId);
        return { PasswordPolicy: passwordPolicyShape(policy) };
      },
    },
    {
      name: 'DeleteAccountPasswordPolicy',
      checks: async (ctx) => [iamCheck(ctx, 'DeleteAccountPasswordPolicy', '*')],
      handler: async (ctx) => {
        if (!(await store.settings.deletePasswordPolicy(ctx.accountId))) throw noPolicy(ctx.accountId);
        return undefined;
      },
    },
  ];
}
