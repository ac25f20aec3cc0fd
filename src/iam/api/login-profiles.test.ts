import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestBed } from './test-setup.js';
import { verifyPassword } from '../../crypto/password-hash.js';

test('login profiles: create/get/update/delete, hashed with scrypt, default password policy', async () => {
  const t = await iamTestBed();
  await t.ok('CreateUser', { UserName: 'web' });
  assert.equal(await t.code('CreateLoginProfile', { UserName: 'web', Password: 'short' }), 'PasswordPolicyViolation');
  assert.equal(await t.code('CreateLoginProfile', { UserName: 'web', Password: 'alllowercase' }), 'PasswordPolicyViolation');
  const lp = (await t.ok('CreateLoginProfile', { UserName: 'web', Password: 'Str0ng-Passw0rd', PasswordResetRequired: 'true' })).LoginProfile as Record<string, string>;
  assert.equal(lp.UserName, 'web');
  assert.equal(lp.PasswordResetRequired, 'true');
  assert.equal(await t.code('CreateLoginProfile', { UserName: 'web', Password: 'Str0ng-Passw0rd' }), 'EntityAlreadyExists');
  const u = await t.userCaller('web');
  const row = await t.store.loginProfiles.get(u.userId);
  assert.ok(row?.passwordHash.startsWith('scrypt$'));
  assert.ok(!row?.passwordHash.includes('Str0ng'));
  assert.equal(await verifyPassword('Str0ng-Passw0rd', row?.passwordHash ?? ''), true);
  await t.ok('UpdateLoginProfile', { UserName: 'web', PasswordResetRequired: 'false' });
  assert.equal(((await t.ok('GetLoginProfile', { UserName: 'web' })).LoginProfile as Record<string, string>).PasswordResetRequired, 'false');
  await t.ok('DeleteLoginProfile', { UserName: 'web' });
  assert.equal(await t.code('GetLoginProfile', { UserName: 'web' }), 'NoSuchEntity');
  assert.equal(await t.code('DeleteLoginProfile', { UserName: 'web' }), 'NoSuchEntity');
  assert.equal(await t.code('UpdateLoginProfile', { UserName: 'web', Password: 'Str0ng-Passw0rd' }), 'NoSuchEntity');
});

test('ChangePassword: own password only, old password verified, policy applied', async () => {
  const t = await iamTestBed();
  await t.ok('CreateUser', { UserName: 'me' });
  await t.ok('CreateLoginProfile', { UserName: 'me', Password: 'First-Passw0rd' });
  const me = await t.userCaller('me');
  assert.equal(await t.code('ChangePassword', { OldPassword: 'wrong', NewPassword: 'Second-Passw0rd' }, me), 'InvalidInput');
  assert.equal(await t.code('ChangePassword', { OldPassword: 'First-Passw0rd', NewPassword: 'weak' }, me), 'PasswordPolicyViolation');
  const r = await t.call('ChangePassword', { OldPassword: 'First-Passw0rd', NewPassword: 'Second-Passw0rd' }, me);
  assert.equal(r.status, 200);
  assert.equal(r.checks[0].resource, me.arn);
  assert.equal(await verifyPassword('Second-Passw0rd', (await t.store.loginProfiles.get(me.userId))?.passwordHash ?? ''), true);
  assert.equal(await t.code('ChangePassword', { OldPassword: 'a', NewPassword: 'b' }), 'InvalidUserType');
});

test('account password policy: NoSuchEntity when none, defaults for omitted fields, enforcement', async () => {
  const t = await iamTestBed();
  assert.equal(await t.code('GetAccountPasswordPolicy'), 'NoSuchEntity');
  assert.equal(await t.code('DeleteAccountPasswordPolicy'), 'NoSuchEntity');
  await t.ok('UpdateAccountPasswordPolicy', { MinimumPasswordLength: '12', RequireSymbols: 'true', MaxPasswordAge: '90' });
  const p = (await t.ok('GetAccountPasswordPolicy')).PasswordPolicy as Record<string, string>;
  assert.deepEqual(p, { MinimumPasswordLength: '12', RequireSymbols: 'true', RequireNumbers: 'false', RequireUppercaseCharacters: 'false', RequireLowercaseCharacters: 'false', AllowUsersToChangePassword: 'false', ExpirePasswords: 'true', MaxPasswordAge: '90' });
  await t.ok('CreateUser', { UserName: 'u' });
  assert.equal(await t.code('CreateLoginProfile', { UserName: 'u', Password: 'longbutnosymbol' }), 'PasswordPolicyViolation');
  await t.ok('CreateLoginProfile', { UserName: 'u', Password: 'long-with-symbol' });
  assert.equal(await t.code('UpdateAccountPasswordPolicy', { MinimumPasswordLength: '5' }), 'ValidationError');
  await t.ok('DeleteAccountPasswordPolicy');
  assert.equal(await t.code('GetAccountPasswordPolicy'), 'NoSuchEntity');
});
