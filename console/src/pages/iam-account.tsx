import { useState } from 'preact/hooks';
import { ApiError, iam, str, type SessionInfo, type Xml } from '../api.js';
import { Button, Dialog, ErrorBox, Field, Loaded, Notice, PageHeader, download, useAction, useAsync } from '../ui.js';
import { memberStrings } from './iam-shared.js';

/** Account settings: alias, password policy, credential report. */

export function AccountSettings({ session }: { session: SessionInfo }) {
  return (
    <>
      <PageHeader title="Account settings" />
      <AccountAlias accountId={session.accountId} />
      <PasswordPolicy />
      <CredentialReport />
    </>
  );
}

function AccountAlias({ accountId }: { accountId: string }) {
  const state = useAsync(async () => memberStrings((await iam('ListAccountAliases')).AccountAliases)[0] ?? '', []);
  return (
    <section class="panel">
      <h2>Account</h2>
      <dl class="kv grid">
        <div>
          <dt>Account ID</dt>
          <dd>{accountId}</dd>
        </div>
        <div>
          <dt>Account alias</dt>
          <dd>{state.data === undefined ? '…' : state.data || 'None'}</dd>
        </div>
      </dl>
      <Loaded state={state} what="the account alias">
        {(current) => <AliasForm key={current} current={current} onChanged={state.reload} />}
      </Loaded>
    </section>
  );
}

function AliasForm({ current, onChanged }: { current: string; onChanged: () => void }) {
  const [alias, setAlias] = useState(current);
  const [deleting, setDeleting] = useState(false);
  const act = useAction();
  return (
    <>
      <Field label="Account alias" hint="Lowercase letters, digits and hyphens; unique across the server.">
        <input value={alias} onInput={(e) => setAlias(e.currentTarget.value)} autocomplete="off" />
      </Field>
      {!deleting && <ErrorBox error={act.error} />}
      <div class="form-actions start">
        <Button
          kind="primary"
          disabled={act.busy || alias.trim() === '' || alias === current}
          onClick={() =>
            void act
              .run(async () => {
                if (current) await iam('DeleteAccountAlias', { AccountAlias: current });
                await iam('CreateAccountAlias', { AccountAlias: alias.trim() });
              })
              .then(onChanged)
          }
        >
          Save alias
        </Button>
        {current && (
          <Button kind="danger" onClick={() => (act.clear(), setDeleting(true))}>
            Delete alias
          </Button>
        )}
      </div>
      {deleting && (
        <Dialog
          title="Delete account alias"
          confirmLabel="Delete"
          danger
          busy={act.busy}
          error={act.error}
          onConfirm={() =>
            void act
              .run(() => iam('DeleteAccountAlias', { AccountAlias: current }))
              .then((ok) => {
                if (ok) setDeleting(false);
                onChanged();
              })
          }
          onCancel={() => setDeleting(false)}
        >
          <p>The alias {current} will be deleted; sign in with the account ID.</p>
        </Dialog>
      )}
    </>
  );
}

interface PolicyForm {
  min: string;
  upper: boolean;
  lower: boolean;
  numbers: boolean;
  symbols: boolean;
  allowChange: boolean;
  expire: string;
  reuse: string;
  hardExpiry: boolean;
}

const DEFAULT_FORM: PolicyForm = {
  min: '8',
  upper: false,
  lower: false,
  numbers: false,
  symbols: false,
  allowChange: true,
  expire: '',
  reuse: '',
  hardExpiry: false,
};

function formOf(p: Xml | null): PolicyForm {
  if (p === null) return DEFAULT_FORM;
  return {
    min: str(p.MinimumPasswordLength) || '8',
    upper: str(p.RequireUppercaseCharacters) === 'true',
    lower: str(p.RequireLowercaseCharacters) === 'true',
    numbers: str(p.RequireNumbers) === 'true',
    symbols: str(p.RequireSymbols) === 'true',
    allowChange: str(p.AllowUsersToChangePassword) === 'true',
    expire: str(p.MaxPasswordAge),
    reuse: str(p.PasswordReusePrevention),
    hardExpiry: str(p.HardExpiry) === 'true',
  };
}

function PasswordPolicy() {
  const state = useAsync(async () => {
    try {
      return (await iam('GetAccountPasswordPolicy')).PasswordPolicy as Xml;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'NoSuchEntity') return null;
      throw e;
    }
  }, []);
  const [form, setForm] = useState<PolicyForm>(DEFAULT_FORM);
  const [resetting, setResetting] = useState(false);
  const [saved, setSaved] = useState(false);
  const act = useAction();
  const [loadedFrom, setLoadedFrom] = useState<unknown>(undefined);
  if (state.data !== undefined && state.data !== loadedFrom) {
    // (re)initialise the form in the same render the policy arrives in
    setLoadedFrom(state.data);
    setForm(formOf(state.data));
  }
  const set = <K extends keyof PolicyForm>(k: K, v: PolicyForm[K]) => {
    setSaved(false);
    setForm({ ...form, [k]: v });
  };
  const check = (k: 'upper' | 'lower' | 'numbers' | 'symbols' | 'allowChange' | 'hardExpiry', label: string) => (
    <label class="check">
      <input type="checkbox" checked={form[k]} onChange={(e) => set(k, e.currentTarget.checked)} />
      <span>{label}</span>
    </label>
  );
  const save = () =>
    void act
      .run(() =>
        iam('UpdateAccountPasswordPolicy', {
          MinimumPasswordLength: form.min || undefined,
          RequireUppercaseCharacters: String(form.upper),
          RequireLowercaseCharacters: String(form.lower),
          RequireNumbers: String(form.numbers),
          RequireSymbols: String(form.symbols),
          AllowUsersToChangePassword: String(form.allowChange),
          MaxPasswordAge: form.expire || undefined,
          PasswordReusePrevention: form.reuse || undefined,
          HardExpiry: String(form.hardExpiry),
        }),
      )
      .then((ok) => {
        setSaved(ok);
        state.reload();
      });
  return (
    <section class="panel">
      <h2>Password policy</h2>
      <Loaded state={state} what="the password policy">
        {(p) => (
          <>
            {p === null ? (
              <Notice>This account uses the default password policy.</Notice>
            ) : (
              <Notice>This account uses a custom password policy.</Notice>
            )}
            <Field label="Minimum password length">
              <input
                type="number"
                min={6}
                max={128}
                value={form.min}
                onInput={(e) => set('min', e.currentTarget.value)}
              />
            </Field>
            {check('upper', 'Require at least one uppercase letter')}
            {check('lower', 'Require at least one lowercase letter')}
            {check('numbers', 'Require at least one number')}
            {check('symbols', 'Require at least one non-alphanumeric character')}
            {check('allowChange', 'Allow users to change their own password')}
            <Field label="Password expiration (days)" hint="Empty: passwords do not expire.">
              <input
                type="number"
                min={1}
                max={1095}
                value={form.expire}
                onInput={(e) => set('expire', e.currentTarget.value)}
              />
            </Field>
            {check('hardExpiry', 'Password expiration requires administrator reset')}
            <Field label="Prevent password reuse (count)" hint="Empty: reuse allowed.">
              <input
                type="number"
                min={1}
                max={24}
                value={form.reuse}
                onInput={(e) => set('reuse', e.currentTarget.value)}
              />
            </Field>
            {!resetting && <ErrorBox error={act.error} />}
            {saved && <Notice kind="success">Password policy saved.</Notice>}
            <div class="form-actions start">
              <Button kind="primary" disabled={act.busy} onClick={save}>
                Save password policy
              </Button>
              {p !== null && (
                <Button kind="danger" onClick={() => (act.clear(), setResetting(true))}>
                  Reset to default
                </Button>
              )}
            </div>
          </>
        )}
      </Loaded>
      {resetting && (
        <Dialog
          title="Reset password policy"
          confirmLabel="Reset"
          danger
          busy={act.busy}
          error={act.error}
          onConfirm={() =>
            void act
              .run(() => iam('DeleteAccountPasswordPolicy'))
              .then((ok) => {
                if (ok) setResetting(false);
                setSaved(false);
                state.reload();
              })
          }
          onCancel={() => setResetting(false)}
        >
          <p>The custom password policy is deleted; the default policy applies.</p>
        </Dialog>
      )}
    </section>
  );
}

function CredentialReport() {
  const act = useAction();
  const [status, setStatus] = useState('');
  const run = () =>
    void act.run(async () => {
      setStatus('Generating the report…');
      for (let i = 0; i < 60; i++) {
        const r = await iam('GenerateCredentialReport');
        if (str(r.State) === 'COMPLETE') break;
        await new Promise((res) => setTimeout(res, 500));
      }
      const report = await iam('GetCredentialReport');
      const bin = atob(str(report.Content));
      const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
      download('credential-report.csv', new TextDecoder().decode(bytes));
      setStatus(
        `Report generated ${report.GeneratedTime ? new Date(str(report.GeneratedTime)).toLocaleString() : ''} and downloaded.`,
      );
    });
  return (
    <section class="panel">
      <h2>Credential report</h2>
      <p class="muted">
        A CSV listing every user and the status of their credentials: passwords, access keys and MFA devices.
      </p>
      <ErrorBox error={act.error} />
      {status && !act.error && <p role="status">{status}</p>}
      <Button kind="primary" disabled={act.busy} onClick={run}>
        Download credential report
      </Button>
    </section>
  );
}
