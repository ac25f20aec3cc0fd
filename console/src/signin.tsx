import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { iam, signIn, type SessionInfo } from './api.js';
import { Button, ErrorBox, Notice, TextField, useAction } from './ui.js';

/** The centred card of the sign-in pages: a form submitting `run` (its error kept), `done` after success. */
function SignInCard({
  label,
  action,
  run,
  done,
  children,
}: {
  label: string;
  action: ReturnType<typeof useAction>;
  run: () => Promise<unknown>;
  done: () => void;
  children: ComponentChildren;
}) {
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(run).then((ok) => ok && done());
  };
  return (
    <div class="signin">
      <form class="card" onSubmit={submit} aria-label={label}>
        {children}
      </form>
    </div>
  );
}

/** Sign-in as on AWS: the root user (account id or e-mail), or an IAM user (account id or alias + user name). */
export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [asRoot, setAsRoot] = useState(false);
  const [account, setAccount] = useState('');
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const [mfaCode, setMfaCode] = useState('');
  const [needsMfa, setNeedsMfa] = useState(false);
  const action = useAction();
  const code = (action.error as { code?: string } | undefined)?.code;
  if (code === 'MfaRequired' && !needsMfa) setNeedsMfa(true);

  return (
    <SignInCard
      label="Sign in"
      action={action}
      run={() => signIn({ account, password, ...(asRoot ? {} : { userName }), ...(mfaCode ? { mfaCode } : {}) })}
      done={onSignedIn}
    >
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
      <TextField
        label={asRoot ? 'Account ID or root user e-mail' : 'Account ID or alias'}
        name="account"
        autoComplete="organization"
        required
        value={account}
        onValue={setAccount}
      />
      {!asRoot && (
        <TextField
          label="IAM user name"
          name="username"
          autoComplete="username"
          required
          value={userName}
          onValue={setUserName}
        />
      )}
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onValue={setPassword}
      />
      {needsMfa && (
        <TextField
          label="MFA code"
          hint="The six digits your authenticator app shows now."
          name="mfa"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
          value={mfaCode}
          onValue={setMfaCode}
        />
      )}
      {code !== 'MfaRequired' && <ErrorBox error={action.error} />}
      {code === 'MfaRequired' && <Notice>Your user has an MFA device: enter its code.</Notice>}
      <Button kind="primary" type="submit" disabled={action.busy}>
        {action.busy ? 'Signing in…' : 'Sign in'}
      </Button>
    </SignInCard>
  );
}

/** A password that must be changed first (CreateLoginProfile --password-reset-required): iam:ChangePassword. */
export function ChangePasswordPage({ session, onChanged }: { session: SessionInfo; onChanged: () => void }) {
  const [oldPassword, setOld] = useState('');
  const [newPassword, setNew] = useState('');
  const [again, setAgain] = useState('');
  const action = useAction();
  const password = (label: string, value: string, onValue: (v: string) => void, autoComplete: string) => (
    <TextField label={label} type="password" autoComplete={autoComplete} required value={value} onValue={onValue} />
  );
  return (
    <SignInCard
      label="Change password"
      action={action}
      run={async () => {
        if (newPassword !== again) throw new Error('The new passwords do not match.');
        await iam('ChangePassword', { OldPassword: oldPassword, NewPassword: newPassword });
      }}
      done={onChanged}
    >
      <h1>Choose a new password</h1>
      <p>
        {session.userName} must change the password before using the console (account {session.accountId}).
      </p>
      {password('Old password', oldPassword, setOld, 'current-password')}
      {password('New password', newPassword, setNew, 'new-password')}
      {password('Retype new password', again, setAgain, 'new-password')}
      <ErrorBox error={action.error} />
      <Button kind="primary" type="submit" disabled={action.busy}>
        Confirm password change
      </Button>
    </SignInCard>
  );
}
