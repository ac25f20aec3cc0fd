import './style.css';
import { render, type ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getSession, signOut, switchBack, switchRole, whenSignedOut, type SessionInfo } from './api.js';
import { link, useRoute } from './router.js';
import { Button, Dialog, ErrorBox, Field, Loading, useAction } from './ui.js';
import { SignInPage, ChangePasswordPage } from './signin.js';

/** What every section page gets: the route below its own name, and who is signed in. */
export interface SectionProps {
  readonly route: string[];
  readonly session: SessionInfo;
}

type Section = { default: ComponentType<SectionProps> };

/** Sections load when first opened (the first load stays small). */
const SECTIONS: Record<string, { title: string; load: () => Promise<Section> }> = {
  iam: { title: 'IAM', load: () => import('./pages/iam.js') },
  s3: { title: 'S3', load: () => import('./pages/s3.js') },
  audit: { title: 'Audit', load: () => import('./pages/audit.js') },
};

const NAV: readonly { section: string; items: readonly [string, string][] }[] = [
  {
    section: 'IAM',
    items: [
      ['iam/users', 'Users'],
      ['iam/groups', 'User groups'],
      ['iam/roles', 'Roles'],
      ['iam/policies', 'Policies'],
      ['iam/simulator', 'Policy simulator'],
      ['iam/account', 'Account settings'],
    ],
  },
  { section: 'S3', items: [['s3/buckets', 'Buckets']] },
  { section: 'Organizations', items: [['audit/organization', 'Accounts and policies']] },
  {
    section: 'Audit',
    items: [
      ['audit/events', 'Event history'],
      ['audit/findings', 'Access findings'],
      ['audit/history', 'Configuration history'],
    ],
  },
];

function LazySection({ name, props }: { name: string; props: SectionProps }) {
  const [mod, setMod] = useState<{ name: string; section?: Section; error?: unknown }>({ name });
  useEffect(() => {
    const entry = SECTIONS[name];
    if (!entry) return;
    entry.load().then(
      (section) => setMod({ name, section }),
      (error: unknown) => setMod({ name, error }),
    );
  }, [name]);
  if (!SECTIONS[name])
    return (
      <p>
        There is no such page. <a href={link('iam', 'users')}>Go to IAM users</a>.
      </p>
    );
  if (mod.name !== name || (!mod.section && !mod.error)) return <Loading what="the page" />;
  if (mod.error) return <ErrorBox error={mod.error} />;
  const Page = mod.section!.default;
  return <Page {...props} />;
}

const COLORS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple'] as const;

/** Switch role: account, role name, how the header shows it, and an MFA code when the role asks for one. */
function SwitchRoleDialog({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const [account, setAccount] = useState('');
  const [role, setRole] = useState('');
  const [display, setDisplay] = useState('');
  const [color, setColor] = useState('blue');
  const [mfaCode, setMfaCode] = useState('');
  const action = useAction();
  const go = () =>
    void action.run(() => switchRole({ account, role, display, color, mfaCode })).then((ok) => ok && onDone());
  return (
    <Dialog
      title="Switch role"
      confirmLabel="Switch Role"
      busy={action.busy}
      error={action.error}
      onConfirm={go}
      onCancel={onCancel}
    >
      <Field label="Account ID">
        <input value={account} inputMode="numeric" onInput={(e) => setAccount(e.currentTarget.value)} />
      </Field>
      <Field label="IAM role name">
        <input value={role} onInput={(e) => setRole(e.currentTarget.value)} />
      </Field>
      <Field label="Display name" hint="Shown in the header while you use the role.">
        <input value={display} onInput={(e) => setDisplay(e.currentTarget.value)} />
      </Field>
      <Field label="Display color">
        <select value={color} onChange={(e) => setColor(e.currentTarget.value)}>
          {COLORS.map((c) => (
            <option value={c}>{c}</option>
          ))}
        </select>
      </Field>
      <Field label="MFA code (if the role requires it)">
        <input
          value={mfaCode}
          inputMode="numeric"
          autoComplete="one-time-code"
          onInput={(e) => setMfaCode(e.currentTarget.value)}
        />
      </Field>
    </Dialog>
  );
}

/** Whether the nav item `path` is the page shown (an object's page belongs to Buckets). */
function current(here: string, path: string): boolean {
  return here === path || here.startsWith(`${path}/`) || (path === 's3/buckets' && here.startsWith('s3/'));
}

function Shell({
  session,
  onSignOut,
  onSwitched,
}: {
  session: SessionInfo;
  onSignOut: () => void;
  onSwitched: () => void;
}) {
  const route = useRoute();
  const [menuOpen, setMenuOpen] = useState(false);
  const [switching, setSwitching] = useState(false);
  const [section = 'iam', ...rest] = route.length ? route : ['iam', 'users'];
  const here = route.join('/');
  const who = session.kind === 'Root' ? 'Root user' : (session.userName ?? session.arn);
  return (
    <div class="shell">
      <header class="top">
        <button
          type="button"
          class="menu-toggle"
          aria-label="Menu"
          aria-expanded={menuOpen}
          onClick={() => setMenuOpen(!menuOpen)}
        >
          ☰
        </button>
        <a class="brand" href={link('iam', 'users')}>
          Strongbox
        </a>
        <span class="spacer" />
        {session.role ? (
          <span class={`role-chip ${session.role.color}`} title={session.arn} data-testid="role-chip">
            {session.role.display}
          </span>
        ) : (
          <span class="who" title={session.arn}>
            {who} @ {session.accountId}
            {session.mfa && <span class="badge good">MFA</span>}
          </span>
        )}
        {session.role ? (
          <Button onClick={() => void switchBack().then(onSwitched)}>Switch back</Button>
        ) : (
          session.kind !== 'Root' && <Button onClick={() => setSwitching(true)}>Switch role</Button>
        )}
        <button type="button" class="btn normal" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {switching && (
        <SwitchRoleDialog
          onCancel={() => setSwitching(false)}
          onDone={() => {
            setSwitching(false);
            onSwitched();
          }}
        />
      )}
      <div class="body">
        <nav class={menuOpen ? 'side open' : 'side'} aria-label="Services" onClick={() => setMenuOpen(false)}>
          {NAV.map((group) => (
            <div class="nav-group">
              <h2>{group.section}</h2>
              <ul>
                {group.items.map(([path, label]) => (
                  <li>
                    <a href={`#/${path}`} aria-current={current(here, path) ? 'page' : undefined}>
                      {label}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
        <main>
          {/* A new principal (sign-in, switch role) remounts the page: nothing shown was read as another. */}
          <LazySection key={session.arn} name={section} props={{ route: rest, session }} />
        </main>
      </div>
    </div>
  );
}

function App() {
  const [state, setState] = useState<{ session?: SessionInfo; checked: boolean; error?: unknown }>({ checked: false });
  const refresh = () =>
    getSession().then(
      (session) => setState({ session, checked: true }),
      (error: unknown) => setState({ checked: true, error }),
    );
  useEffect(() => {
    whenSignedOut(() => setState({ checked: true }));
    void refresh();
  }, []);
  if (!state.checked) return <Loading what="the console" />;
  if (state.error) return <ErrorBox error={state.error} />;
  if (!state.session) return <SignInPage onSignedIn={refresh} />;
  if (state.session.passwordResetRequired) return <ChangePasswordPage session={state.session} onChanged={refresh} />;
  return (
    <Shell
      session={state.session}
      onSwitched={refresh}
      onSignOut={() => void signOut().then(() => setState({ checked: true }))}
    />
  );
}

render(<App />, document.getElementById('app')!);
