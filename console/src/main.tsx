import './style.css';
import { render, type ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getSession, signOut, whenSignedOut, type SessionInfo } from './api.js';
import { link, useRoute } from './router.js';
import { ErrorBox, Loading } from './ui.js';
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
  { section: 'IAM', items: [['iam/users', 'Users'], ['iam/groups', 'User groups'], ['iam/roles', 'Roles'], ['iam/policies', 'Policies'], ['iam/account', 'Account settings']] },
  { section: 'S3', items: [['s3/buckets', 'Buckets']] },
  { section: 'Audit', items: [['audit/events', 'Event history'], ['audit/findings', 'Findings']] },
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
  if (!SECTIONS[name]) return <p>There is no such page. <a href={link('iam', 'users')}>Go to IAM users</a>.</p>;
  if (mod.name !== name || (!mod.section && !mod.error)) return <Loading what="the page" />;
  if (mod.error) return <ErrorBox error={mod.error} />;
  const Page = mod.section!.default;
  return <Page {...props} />;
}

function Shell({ session, onSignOut }: { session: SessionInfo; onSignOut: () => void }) {
  const route = useRoute();
  const [menuOpen, setMenuOpen] = useState(false);
  const [section = 'iam', ...rest] = route.length ? route : ['iam', 'users'];
  const here = route.join('/');
  const who = session.kind === 'Root' ? 'Root user' : (session.userName ?? session.arn);
  return (
    <div class="shell">
      <header class="top">
        <button type="button" class="menu-toggle" aria-label="Menu" aria-expanded={menuOpen} onClick={() => setMenuOpen(!menuOpen)}>
          ☰
        </button>
        <a class="brand" href={link('iam', 'users')}>
          Strongbox
        </a>
        <span class="spacer" />
        <span class="who" title={session.arn}>
          {who} @ {session.accountId}
          {session.mfa && <span class="badge good">MFA</span>}
        </span>
        <button type="button" class="btn normal" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <div class="body">
        <nav class={menuOpen ? 'side open' : 'side'} aria-label="Services" onClick={() => setMenuOpen(false)}>
          {NAV.map((group) => (
            <div class="nav-group">
              <h2>{group.section}</h2>
              <ul>
                {group.items.map(([path, label]) => (
                  <li>
                    <a href={`#/${path}`} aria-current={here === path || here.startsWith(`${path}/`) ? 'page' : undefined}>
                      {label}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
        <main>
          <LazySection name={section} props={{ route: rest, session }} />
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
  return <Shell session={state.session} onSignOut={() => void signOut().then(() => setState({ checked: true }))} />;
}

render(<App />, document.getElementById('app')!);
