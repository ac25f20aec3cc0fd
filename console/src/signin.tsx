import { useState } from 'preact/hooks';
import { iam, signIn, type SessionInfo } from './api.js';
import { Button, ErrorBox, Field, Notice, useAction } from './ui.js';

/** Sign-in as on AWS: the root user (account id or e-mail), or an IAM user (account id or alias + user name). */
export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [asRoot, setAsRoot] = useState(false);
  const [account, setAccount] = useState('');
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const [mfaCode, setMfaCode] = useState('');
  const [needsMfa, setNeedsMfa] = useState(false);
  const action = useAction();

  const submit = (e: Event) => {
    e.preventDefault();
    void action
      .run(() => signIn({ account, password, ...(asRoot ? {} : { userName }), ...(mfaCode ? { mfaCode } : {}) }))
      .then((ok) => {
        if (ok) onSignedIn();
      });
  };
  const code = (action.error as { code?: string } | undefined)?.code;
  if (code === 'MfaRequired' && !needsMfa) setNeedsMfa(true);

  return (
    <div class="signin">
      <form class="card" onSubmit={submit} aria-label="Sign in">
        <h1>Sign in to Strongbox</h1>
        <fieldset class="choice">
          <legend>Sign in as</legend>
          <label>
            <input type="radio" name="who" checked={!asRoot} onChange={() => setAsRoot(false)} /> IAM user
          </label>
          <label>
            <input type="radio" name="who" checked={asRoot} onChange={() => setAsRoot(true)} /> Root user
          </label>
        </fieldset>
        <Field label={asRoot ? 'Account ID or root user e-mail' : 'Account ID or alias'}>
          <input
            name="account"
            autoComplete="organization"
            required
            value={account}
            onInput={(e) => setAccount(e.currentTarget.value)}
          />
        </Field>
        {!asRoot && (
          <Field label="IAM user name">
            <input
              name="username"
              autoComplete="username"
              required
              value={userName}
              onInput={(e) => setUserName(e.currentTarget.value)}
            />
          </Field>
        )}
        <Field label="Password">
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        {needsMfa && (
          <Field label="MFA code" hint="The six digits your authenticator app shows now.">
            <input
              name="mfa"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              value={mfaCode}
              onInput={(e) => setMfaCode(e.currentTarget.value)}
            />
          </Field>
        )}
        {code !== 'MfaRequired' && <ErrorBox error={action.error} />}
        {code === 'MfaRequired' && <Notice>Your user has an MFA device: enter its code.</Notice>}
        <Button kind="primary" type="submit" disabled={action.busy}>
          {action.busy ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </div>
  );
}

/** A password that must be changed first (CreateLoginProfile --password-reset-required): iam:ChangePassword. */
export function ChangePasswordPage({ session, onChanged }: { session: SessionInfo; onChanged: () => void }) {
  const [oldPassword, setOld] = useState('');
  const [newPassword, setNew] = useState('');
  const [again, setAgain] = useState('');
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void action
      .run(async () => {
        if (newPassword !== again) throw new Error('The new passwords do not match.');
        await iam('ChangePassword', { OldPassword: oldPassword, NewPassword: newPassword });
      })
      .then((ok) => ok && onChanged());
  };
  return (
    <div class="signin">
      <form class="card" onSubmit={submit} aria-label="Change password">
        <h1>Choose a new password</h1>
        <p>
          {session.userName} must change the password before using the console (account {session.accountId}).
        </p>
        <Field label="Old password">
          <input
            type="password"
            autoComplete="current-password"
            required
            value={oldPassword}
            onInput={(e) => setOld(e.currentTarget.value)}
          />
        </Field>
        <Field label="New password">
          <input
            type="password"
            autoComplete="new-password"
            required
            value={newPassword}
            onInput={(e) => setNew(e.currentTarget.value)}
          />
        </Field>
        <Field label="Retype new password">
          <input
            type="password"
            autoComplete="new-password"
            required
            value={again}
            onInput={(e) => setAgain(e.currentTarget.value)}
          />
        </Field>
        <ErrorBox error={action.error} />
        <Button kind="primary" type="submit" disabled={action.busy}>
          Confirm password change
        </Button>
      </form>
    </div>
  );
}
