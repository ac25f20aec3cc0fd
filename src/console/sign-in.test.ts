import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { hashPassword } from '../crypto/password-hash.js';
import { stepOf, totpCode } from '../crypto/totp.js';
import { bootstrapManagementAccount } from '../iam/bootstrap.js';
import { openMemoryIamStore } from '../iam/store/memory-store.js';
import { signIn } from './sign-in.js';

async function bed(now = new Date('2026-06-01T12:00:00Z')) {
  let clock = now;
  const store = openMemoryIamStore({ now: () => clock });
  const { accountId } = await bootstrapManagementAccount(store);
  await store.accounts.setRootPassword(accountId, await hashPassword('Root-Pass-1!'));
  const user = await store.users.create({ accountId, userId: 'AIDAEXAMPLEUSER00001', userName: 'Alice', path: '/' });
  await store.loginProfiles.create({
    accountId,
    userId: user.userId,
    passwordHash: await hashPassword('Alice-Pass-1!'),
    passwordResetRequired: false,
  });
  const deps = { store, now: () => clock };
  return { store, accountId, user, deps, setNow: (d: Date) => (clock = d) };
}

describe('console sign-in', () => {
  it('signs in the root user by account id and an IAM user by account id or alias, user names case-insensitive', async () => {
    const { deps, accountId, store } = await bed();
    const root = await signIn(deps, { account: accountId, password: 'Root-Pass-1!' });
    assert.deepEqual(root.ok && root.principal, { kind: 'Root', accountId });
    const user = await signIn(deps, { account: accountId, userName: 'alice', password: 'Alice-Pass-1!' });
    assert.equal(user.ok && user.principal.kind === 'User' && user.principal.userName, 'Alice');
    await store.settings.setAlias(accountId, 'example-co');
    assert.equal(
      (await signIn(deps, { account: 'example-co', userName: 'Alice', password: 'Alice-Pass-1!' })).ok,
      true,
    );
  });

  it('gives one answer for an unknown account, user or password', async () => {
    const { deps, accountId } = await bed();
    for (const r of [
      { account: '000000000000', password: 'Root-Pass-1!' },
      { account: accountId, password: 'wrong' },
      { account: accountId, userName: 'nobody', password: 'Alice-Pass-1!' },
      { account: accountId, userName: 'Alice', password: 'wrong' },
      { account: 'no-such-alias', userName: 'Alice', password: 'Alice-Pass-1!' },
    ]) {
      const out = await signIn(deps, r);
      assert.equal(out.ok, false);
      assert.equal(!out.ok && out.code, 'InvalidCredentials', JSON.stringify(r));
    }
  });

  it('asks for the MFA code of the user’s device, accepts it once, and refuses a wrong one', async () => {
    const { deps, accountId, store, user } = await bed();
    const seed = randomBytes(20);
    const serialNumber = `arn:aws:iam::${accountId}:mfa/alice`;
    await store.mfaDevices.createVirtual({ accountId, serialNumber, deviceName: 'alice', path: '/', seed });
    const step = stepOf(deps.now());
    await store.mfaDevices.enable(serialNumber, { kind: 'user', userId: user.userId }, step - 2);
    const base = { account: accountId, userName: 'Alice', password: 'Alice-Pass-1!' };
    const asked = await signIn(deps, base);
    assert.equal(!asked.ok && asked.code, 'MfaRequired');
    const wrong = await signIn(deps, { ...base, mfaCode: totpCode(seed, step) === '000000' ? '111111' : '000000' });
    assert.equal(!wrong.ok && wrong.code, 'InvalidMfaCode');
    const ok = await signIn(deps, { ...base, mfaCode: totpCode(seed, step) });
    assert.equal(ok.ok && ok.mfaAuthenticatedAt?.getTime(), deps.now().getTime());
    const replay = await signIn(deps, { ...base, mfaCode: totpCode(seed, step) });
    assert.equal(!replay.ok && replay.code, 'InvalidMfaCode', 'a code is accepted once');
  });

  it('requires a new password when the profile says so or the password expired; refuses a hard-expired one', async () => {
    const { deps, accountId, store, user, setNow } = await bed();
    const base = { account: accountId, userName: 'Alice', password: 'Alice-Pass-1!' };
    await store.loginProfiles.update(user.userId, { passwordResetRequired: true });
    const reset = await signIn(deps, base);
    assert.equal(reset.ok && reset.passwordResetRequired, true);
    await store.loginProfiles.update(user.userId, { passwordResetRequired: false });
    const policy = {
      MinimumPasswordLength: 8,
      RequireSymbols: false,
      RequireNumbers: false,
      RequireUppercaseCharacters: false,
      RequireLowercaseCharacters: false,
      AllowUsersToChangePassword: true,
      MaxPasswordAge: 30,
      PasswordReusePrevention: undefined,
      HardExpiry: false,
    };
    await store.settings.putPasswordPolicy(accountId, policy);
    setNow(new Date(deps.now().getTime() + 31 * 86_400_000));
    const expired = await signIn(deps, base);
    assert.equal(expired.ok && expired.passwordResetRequired, true);
    await store.settings.putPasswordPolicy(accountId, { ...policy, HardExpiry: true });
    const hard = await signIn(deps, base);
    assert.equal(!hard.ok && hard.code, 'PasswordExpired');
  });
});
