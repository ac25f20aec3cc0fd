import type { ComponentChildren } from 'preact';
import { useCallback, useState } from 'preact/hooks';
import { ApiError, iam, iamAll, members, str, type Xml } from '../api.js';
import { link, navigate } from '../router.js';
import {
  Button,
  Dialog,
  ErrorBox,
  Field,
  FormActions,
  Loaded,
  LoadedTable,
  PageHeader,
  Table,
  TextField,
  useAction,
  useAsync,
  type Async,
  type Column,
  formatDate,
} from '../ui.js';

/** Shared IAM building blocks: policy lists and pickers, attached-policy tables, small helpers. */

export type Principal = 'user' | 'group' | 'role';
const KIND: Record<Principal, { noun: string; param: string }> = {
  user: { noun: 'User', param: 'UserName' },
  group: { noun: 'Group', param: 'GroupName' },
  role: { noun: 'Role', param: 'RoleName' },
};

/** Policy documents come URL-encoded from IAM. */
export function decodeDoc(doc: string): string {
  try {
    return decodeURIComponent(doc);
  } catch {
    return doc;
  }
}

export function pretty(doc: string): string {
  const text = decodeDoc(doc);
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function ageDays(iso: string): string {
  if (!iso) return '—';
  const d = Math.floor((Date.now() - new Date(iso).getTime()) / 86400000);
  return d <= 0 ? 'Today' : d === 1 ? '1 day' : `${d} days`;
}

/** Runs `f`; NoSuchEntity (already gone) is not an error. */
export async function ignoreMissing<T>(f: () => Promise<T>): Promise<T | undefined> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof ApiError && e.code === 'NoSuchEntity') return undefined;
    throw e;
  }
}

export interface PolicyInfo {
  readonly name: string;
  readonly arn: string;
  readonly aws: boolean;
  readonly description: string;
  readonly attachments: string;
  readonly raw: Xml;
}

function toInfo(p: Xml, aws: boolean): PolicyInfo {
  return {
    name: str(p.PolicyName),
    arn: str(p.Arn),
    aws,
    description: str(p.Description),
    attachments: str(p.AttachmentCount),
    raw: p,
  };
}

let awsPolicies: Promise<PolicyInfo[]> | undefined;
/** Customer managed first, then AWS managed (the AWS list does not change: kept). */
export async function listPolicies(): Promise<PolicyInfo[]> {
  if (!awsPolicies) {
    awsPolicies = iamAll('ListPolicies', 'Policies', { Scope: 'AWS' }).then((ps) => ps.map((p) => toInfo(p, true)));
    awsPolicies.catch(() => (awsPolicies = undefined));
  }
  const [local, aws] = await Promise.all([iamAll('ListPolicies', 'Policies', { Scope: 'Local' }), awsPolicies]);
  const byName = (a: PolicyInfo, b: PolicyInfo) => a.name.localeCompare(b.name);
  return [...local.map((p) => toInfo(p, false)).sort(byName), ...[...aws].sort(byName)];
}

/** A copy of `set` with `item` in it (`on`) or not. */
function toggled(set: ReadonlySet<string>, item: string, on: boolean): Set<string> {
  const next = new Set(set);
  if (on) next.add(item);
  else next.delete(item);
  return next;
}

/** "Filter policies" and a checkbox per policy (customer managed, then at most 50 AWS managed). */
export function PolicyPicker({
  selected,
  onChange,
  exclude = [],
}: {
  selected: ReadonlySet<string>;
  onChange: (s: Set<string>) => void;
  exclude?: readonly string[];
}) {
  const state = useAsync(listPolicies, []);
  const [filter, setFilter] = useState('');
  return (
    <div class="policy-picker">
      <TextField
        label="Filter policies"
        type="search"
        value={filter}
        onValue={setFilter}
        placeholder="Search by policy name"
      />
      <Loaded state={state} what="policies">
        {(all) => {
          const f = filter.trim().toLowerCase();
          const match = all.filter((p) => !exclude.includes(p.arn) && (f === '' || p.name.toLowerCase().includes(f)));
          const local = match.filter((p) => !p.aws);
          const aws = match.filter((p) => p.aws).slice(0, 50);
          const rows = [...local, ...aws];
          if (rows.length === 0) return <p class="muted">No policies match.</p>;
          return (
            <ul class="pick-list">
              {rows.map((p) => (
                <li key={p.arn}>
                  <label class="check">
                    <input
                      type="checkbox"
                      checked={selected.has(p.arn)}
                      onChange={(e) => onChange(toggled(selected, p.arn, e.currentTarget.checked))}
                    />
                    <span>{p.name}</span>
                  </label>
                  <span class="pick-meta">{p.aws ? 'AWS managed' : 'Customer managed'}</span>
                </li>
              ))}
            </ul>
          );
        }}
      </Loaded>
    </div>
  );
}

/** A checkbox per name (groups, users): the accessible name is the item's name. */
export function NamePicker({
  names,
  selected,
  onChange,
  empty,
}: {
  names: readonly string[];
  selected: ReadonlySet<string>;
  onChange: (s: Set<string>) => void;
  empty: string;
}) {
  if (names.length === 0) return <p class="muted">{empty}</p>;
  return (
    <ul class="pick-list">
      {names.map((n) => (
        <li key={n}>
          <label class="check">
            <input
              type="checkbox"
              checked={selected.has(n)}
              onChange={(e) => onChange(toggled(selected, n, e.currentTarget.checked))}
            />
            <span>{n}</span>
          </label>
        </li>
      ))}
    </ul>
  );
}

interface PermRow {
  readonly name: string;
  readonly arn?: string;
  readonly kind: 'managed' | 'inline';
}

/** Attached managed + inline policies of a user, group or role, with attach / detach / delete. */
export function PermissionsPanel({ kind, name }: { kind: Principal; name: string }) {
  const k = KIND[kind];
  const p = { [k.param]: name };
  const state = useAsync(async () => {
    const [attached, inline] = await Promise.all([
      iamAll(`ListAttached${k.noun}Policies`, 'AttachedPolicies', p),
      iamAll(`List${k.noun}Policies`, 'PolicyNames', p) as unknown as Promise<string[]>,
    ]);
    const rows: PermRow[] = [
      ...attached.map((a) => ({ name: str(a.PolicyName), arn: str(a.PolicyArn), kind: 'managed' as const })),
      ...inline.map((n) => ({ name: String(n), kind: 'inline' as const })),
    ];
    return rows;
  }, [kind, name]);
  const [adding, setAdding] = useState(false);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [removing, setRemoving] = useState<PermRow | undefined>();
  const [viewing, setViewing] = useState<string | undefined>();
  const act = useAction();

  const add = () =>
    void act
      .run(async () => {
        for (const arn of chosen) await iam(`Attach${k.noun}Policy`, { ...p, PolicyArn: arn });
      })
      .then((ok) => {
        if (ok) {
          setAdding(false);
          setChosen(new Set());
        }
        state.reload();
      });
  const remove = (r: PermRow) =>
    void act
      .run(() =>
        r.kind === 'managed'
          ? iam(`Detach${k.noun}Policy`, { ...p, PolicyArn: r.arn })
          : iam(`Delete${k.noun}Policy`, { ...p, PolicyName: r.name }),
      )
      .then((ok) => {
        if (ok) setRemoving(undefined);
        state.reload();
      });

  return (
    <section class="panel">
      <h2>
        Permissions policies
        {!adding && (
          <Button kind="primary" onClick={() => (act.clear(), setAdding(true))}>
            Add permissions
          </Button>
        )}
      </h2>
      <LoadedTable
        state={state}
        what="permissions"
        label="Permissions policies"
        empty="No policies attached."
        columns={[
          {
            title: 'Policy name',
            render: (r) =>
              r.arn ? (
                <a href={link('iam', 'policies', r.arn)}>{r.name}</a>
              ) : (
                <button
                  type="button"
                  class="btn link"
                  aria-expanded={viewing === r.name}
                  onClick={() => setViewing(viewing === r.name ? undefined : r.name)}
                >
                  {r.name}
                </button>
              ),
          },
          {
            title: 'Type',
            render: (r) =>
              r.kind === 'inline'
                ? 'Customer inline'
                : r.arn?.includes(':aws:policy/')
                  ? 'AWS managed'
                  : 'Customer managed',
          },
          {
            title: 'Actions',
            render: (r) => (
              <Button
                kind="danger"
                aria-label={r.kind === 'managed' ? `Detach ${r.name}` : `Delete inline policy ${r.name}`}
                onClick={() => (act.clear(), setRemoving(r))}
              >
                {r.kind === 'managed' ? 'Detach' : 'Delete'}
              </Button>
            ),
          },
        ]}
      />
      {viewing && <InlinePolicyView kind={kind} name={name} policy={viewing} />}
      {adding && (
        <Dialog
          title="Add permissions"
          confirmLabel="Add permissions"
          busy={act.busy}
          error={act.error}
          onConfirm={add}
          onCancel={() => setAdding(false)}
        >
          <PolicyPicker
            selected={chosen}
            onChange={setChosen}
            exclude={(state.data ?? []).flatMap((r) => (r.arn ? [r.arn] : []))}
          />
        </Dialog>
      )}
      {removing && (
        <Dialog
          title={removing.kind === 'managed' ? `Detach ${removing.name}?` : `Delete inline policy ${removing.name}?`}
          confirmLabel={removing.kind === 'managed' ? 'Detach' : 'Delete'}
          danger
          busy={act.busy}
          error={act.error}
          onConfirm={() => remove(removing)}
          onCancel={() => setRemoving(undefined)}
        >
          <p>
            {removing.kind === 'managed'
              ? `The policy ${removing.name} will be detached from ${name}.`
              : `The inline policy ${removing.name} will be deleted from ${name}. This cannot be undone.`}
          </p>
        </Dialog>
      )}
    </section>
  );
}

function InlinePolicyView({ kind, name, policy }: { kind: Principal; name: string; policy: string }) {
  const k = KIND[kind];
  const state = useAsync(
    () => iam(`Get${k.noun}Policy`, { [k.param]: name, PolicyName: policy }),
    [kind, name, policy],
  );
  return (
    <div>
      <h3>Inline policy {policy}</h3>
      <Loaded state={state} what="the inline policy">
        {(r) => <pre class="doc">{pretty(str(r.PolicyDocument))}</pre>}
      </Loaded>
    </div>
  );
}

/** Removes everything attached to a user / group / role (policies), as the console does before deleting. */
export async function removePolicies(kind: Principal, name: string): Promise<void> {
  const k = KIND[kind];
  const p = { [k.param]: name };
  for (const a of await iamAll(`ListAttached${k.noun}Policies`, 'AttachedPolicies', p))
    await iam(`Detach${k.noun}Policy`, { ...p, PolicyArn: str(a.PolicyArn) });
  for (const n of (await iamAll(`List${k.noun}Policies`, 'PolicyNames', p)) as unknown as string[])
    await iam(`Delete${k.noun}Policy`, { ...p, PolicyName: String(n) });
}

/** Permissions boundary of a user or role: shown, set (select "Boundary policy") and removed. */
export function BoundaryPanel({
  kind,
  name,
  boundaryArn,
  onChanged,
}: {
  kind: 'user' | 'role';
  name: string;
  boundaryArn: string;
  onChanged: () => void;
}) {
  const k = KIND[kind];
  const [setting, setSetting] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [arn, setArn] = useState('');
  const act = useAction();
  const policies = useAsync(() => (setting ? listPolicies() : Promise.resolve([])), [setting]);
  return (
    <section class="panel">
      <h2>
        Permissions boundary
        <span class="actions-inline">
          <Button onClick={() => (act.clear(), setSetting(true))}>Set permissions boundary</Button>
          {boundaryArn && (
            <Button kind="danger" onClick={() => (act.clear(), setRemoving(true))}>
              Remove permissions boundary
            </Button>
          )}
        </span>
      </h2>
      {boundaryArn ? (
        <p>
          <a href={link('iam', 'policies', boundaryArn)}>{boundaryArn}</a>
        </p>
      ) : (
        <p class="muted">No permissions boundary is set.</p>
      )}
      {setting && (
        <Dialog
          title="Set permissions boundary"
          confirmLabel="Set boundary"
          busy={act.busy}
          error={act.error}
          onConfirm={() =>
            void act
              .run(() => iam(`Put${k.noun}PermissionsBoundary`, { [k.param]: name, PermissionsBoundary: arn }))
              .then((ok) => {
                if (ok) {
                  setSetting(false);
                  onChanged();
                }
              })
          }
          onCancel={() => setSetting(false)}
        >
          <ErrorBox error={policies.error} />
          <Field label="Boundary policy">
            <select value={arn} onChange={(e) => setArn(e.currentTarget.value)}>
              <option value="">Choose a policy</option>
              {(policies.data ?? []).map((p) => (
                <option value={p.arn}>{p.name}</option>
              ))}
            </select>
          </Field>
        </Dialog>
      )}
      {removing && (
        <Dialog
          title="Remove permissions boundary"
          confirmLabel="Remove"
          danger
          busy={act.busy}
          error={act.error}
          onConfirm={() =>
            void act
              .run(() => iam(`Delete${k.noun}PermissionsBoundary`, { [k.param]: name }))
              .then((ok) => {
                if (ok) {
                  setRemoving(false);
                  onChanged();
                }
              })
          }
          onCancel={() => setRemoving(false)}
        >
          <p>The permissions boundary will be removed from {name}.</p>
        </Dialog>
      )}
    </section>
  );
}

/** A lone list's strings (`<PolicyNames><member>x</member>…`). */
export function memberStrings(v: Xml[keyof Xml] | undefined): string[] {
  return members<string>(v).map(String);
}

/** The IAM console's sections that list entities (#/iam/<section>/…). */
export type Section = 'users' | 'groups' | 'roles' | 'policies';

/** A table column whose cell links to the entity's page. */
export function linkColumn<T>(
  title: string,
  section: Section,
  id: (r: T) => string,
  text: (r: T) => string = id,
): Column<T> {
  return { title, render: (r) => <a href={link('iam', section, id(r))}>{text(r)}</a> };
}

/** A section's list page: Refresh and Create, optional filters and "Find …" search, the table. */
export function ListPage<T>({
  title,
  section,
  createLabel,
  state,
  what,
  label,
  empty,
  columns,
  search,
  filters,
}: {
  title: string;
  section: Section;
  createLabel: string;
  state: Async<T[]>;
  what: string;
  label: string;
  empty: string;
  columns: readonly Column<NoInfer<T>>[];
  /** The search field: its label, placeholder and the name it matches. */
  search?: { label: string; placeholder: string; name: (r: NoInfer<T>) => string };
  /** More filter fields, shown before the search field. */
  filters?: ComponentChildren;
}) {
  const [filter, setFilter] = useState('');
  const searchField = search && (
    <TextField label={search.label} type="search" value={filter} onValue={setFilter} placeholder={search.placeholder} />
  );
  const f = filter.trim().toLowerCase();
  return (
    <>
      <PageHeader title={title}>
        <Button onClick={state.reload}>Refresh</Button>
        <Button kind="primary" onClick={() => navigate('iam', section, 'create')}>
          {createLabel}
        </Button>
      </PageHeader>
      <section class="panel">
        {filters ? (
          <div class="iam-filters">
            {filters}
            {searchField}
          </div>
        ) : (
          searchField
        )}
        <Loaded state={state} what={what}>
          {(rows) => (
            <Table
              label={label}
              empty={empty}
              rows={search ? rows.filter((r) => search.name(r).toLowerCase().includes(f)) : rows}
              columns={columns}
            />
          )}
        </Loaded>
      </section>
    </>
  );
}

/** "Users › Create user": the way back to a section's list. */
export function Crumbs({ section, title, children }: { section: Section; title: string; children: ComponentChildren }) {
  return (
    <div class="breadcrumbs">
      <a href={link('iam', section)}>{title}</a> › {children}
    </div>
  );
}

/** The steps a create form has done so far; `begin()` clears them and returns the step recorder. */
export function useSteps(): { done: string[]; begin: () => (s: string) => void } {
  const [done, setDone] = useState<string[]>([]);
  const begin = useCallback(() => {
    const steps: string[] = [];
    setDone([]);
    return (s: string) => {
      steps.push(s);
      setDone([...steps]);
    };
  }, []);
  return { done, begin };
}

/** The end of a create form: completed steps, the error, Cancel (back to the list) and Create. */
export function CreateFooter({
  section,
  label,
  act,
  done = [],
  disabled,
  onCreate,
}: {
  section: Section;
  label: string;
  act: { busy: boolean; error: unknown };
  done?: readonly string[];
  disabled: boolean;
  onCreate: () => void;
}) {
  return (
    <>
      {done.length > 0 && (
        <ul class="steps" aria-label="Completed steps">
          {done.map((d) => (
            <li>✓ {d}</li>
          ))}
        </ul>
      )}
      <ErrorBox error={act.error} />
      <FormActions
        onCancel={() => navigate('iam', section)}
        onSubmit={onCreate}
        busy={act.busy}
        disabled={disabled}
        label={label}
        busyLabel="Creating…"
      />
    </>
  );
}

/** An entity page's top: breadcrumbs, its name and the delete button. */
export function DetailHeader({
  section,
  sectionTitle,
  name,
  deleteLabel,
  onDelete,
}: {
  section: Section;
  sectionTitle: string;
  name: string;
  deleteLabel: string;
  onDelete: () => void;
}) {
  return (
    <>
      <Crumbs section={section} title={sectionTitle}>
        {name}
      </Crumbs>
      <PageHeader title={name}>
        <Button kind="danger" onClick={onDelete}>
          {deleteLabel}
        </Button>
      </PageHeader>
    </>
  );
}

/** An entity page's "Summary" panel: label, value pairs. */
export function Summary({ items }: { items: readonly (readonly [string, ComponentChildren])[] }) {
  return (
    <section class="panel">
      <h2>Summary</h2>
      <dl class="kv grid">
        {items.map(([dt, dd]) => (
          <div>
            <dt>{dt}</dt>
            <dd>{dd}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** "Delete <name>?": typed confirmation, then `remove` and back to the section's list. */
export function DeleteEntityDialog({
  name,
  section,
  act,
  remove,
  onCancel,
  children,
}: {
  name: string;
  section: Section;
  act: ReturnType<typeof useAction>;
  remove: () => Promise<unknown>;
  onCancel: () => void;
  children: ComponentChildren;
}) {
  return (
    <Dialog
      title={`Delete ${name}?`}
      confirmLabel="Delete"
      danger
      confirmText={name}
      busy={act.busy}
      error={act.error}
      onConfirm={() => void act.run(remove).then((ok) => ok && navigate('iam', section))}
      onCancel={onCancel}
    >
      <p>{children}</p>
    </Dialog>
  );
}

/** "Console password" and "User must create a new password at next sign-in". */
export function ConsolePasswordFields({
  password,
  onPassword,
  reset,
  onReset,
}: {
  password: string;
  onPassword: (v: string) => void;
  reset: boolean;
  onReset: (v: boolean) => void;
}) {
  return (
    <>
      <Field label="Console password">
        <input
          type="password"
          value={password}
          onInput={(e) => onPassword(e.currentTarget.value)}
          autocomplete="new-password"
        />
      </Field>
      <label class="check">
        <input type="checkbox" checked={reset} onChange={(e) => onReset(e.currentTarget.checked)} />
        <span>User must create a new password at next sign-in</span>
      </label>
    </>
  );
}

/** Group membership seen from one side: a group's users, or a user's groups. */
const MEMBERSHIP = {
  group: {
    heading: 'Users in this group',
    addButton: 'Add users',
    hideAddWhileAdding: true,
    what: 'users',
    empty: 'No users in this group.',
    column: 'User name',
    section: 'users',
    key: 'UserName',
    removeLabel: (m: string) => `Remove ${m}`,
    addTitle: 'Add users to the group',
    addConfirm: 'Add users',
    pickerEmpty: 'All users are already in this group.',
    removeTitle: (name: string, m: string) => `Remove ${m} from ${name}?`,
    removeText: 'The user loses the permissions this group grants.',
    load: (name: string) =>
      Promise.all([iamAll('GetGroup', 'Users', { GroupName: name }), iamAll('ListUsers', 'Users')]),
    pair: (name: string, m: string) => ({ GroupName: name, UserName: m }),
  },
  user: {
    heading: 'User groups membership',
    tableLabel: 'Groups',
    addButton: 'Add user to groups',
    hideAddWhileAdding: false,
    what: 'groups',
    empty: 'This user is not in any group.',
    column: 'Group name',
    section: 'groups',
    key: 'GroupName',
    removeLabel: (m: string) => `Remove from ${m}`,
    addTitle: 'Add user to groups',
    addConfirm: 'Add to groups',
    pickerEmpty: 'There are no other groups.',
    removeTitle: (name: string, m: string) => `Remove ${name} from ${m}?`,
    removeText: 'The user loses the permissions the group grants.',
    load: (name: string) =>
      Promise.all([iamAll('ListGroupsForUser', 'Groups', { UserName: name }), iamAll('ListGroups', 'Groups')]),
    pair: (name: string, m: string) => ({ UserName: name, GroupName: m }),
  },
} as const;

/** The members table with "Remove" per row and an "Add" dialog picking from the others. */
export function MembershipPanel({ of, name }: { of: 'user' | 'group'; name: string }) {
  const k: (typeof MEMBERSHIP)[keyof typeof MEMBERSHIP] & { tableLabel?: string } = MEMBERSHIP[of];
  const state = useAsync(async () => {
    const [mine, all] = await k.load(name);
    return { mine, all };
  }, [of, name]);
  const [adding, setAdding] = useState(false);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [removing, setRemoving] = useState<string | undefined>();
  const act = useAction();
  const done = (ok: boolean, close: () => void) => {
    if (ok) close();
    state.reload();
  };
  const nameOf = (x: Xml) => str(x[k.key]);
  return (
    <section class="panel">
      <h2>
        {k.heading}
        {!(k.hideAddWhileAdding && adding) && (
          <Button kind="primary" onClick={() => (act.clear(), setChosen(new Set()), setAdding(true))}>
            {k.addButton}
          </Button>
        )}
      </h2>
      <Loaded state={state} what={k.what}>
        {({ mine, all }) => (
          <>
            <Table
              label={k.tableLabel ?? k.heading}
              empty={k.empty}
              rows={mine}
              columns={[
                linkColumn(k.column, k.section, nameOf),
                { title: 'Created', render: (x) => formatDate(str(x.CreateDate)) },
                {
                  title: 'Actions',
                  render: (x) => (
                    <Button
                      kind="danger"
                      aria-label={k.removeLabel(nameOf(x))}
                      onClick={() => (act.clear(), setRemoving(nameOf(x)))}
                    >
                      Remove
                    </Button>
                  ),
                },
              ]}
            />
            {adding && (
              <Dialog
                title={k.addTitle}
                confirmLabel={k.addConfirm}
                busy={act.busy}
                error={act.error}
                onConfirm={() =>
                  void act
                    .run(async () => {
                      for (const m of chosen) await iam('AddUserToGroup', k.pair(name, m));
                    })
                    .then((ok) => done(ok, () => setAdding(false)))
                }
                onCancel={() => setAdding(false)}
              >
                <NamePicker
                  names={all.map(nameOf).filter((n) => !mine.some((m) => nameOf(m) === n))}
                  selected={chosen}
                  onChange={setChosen}
                  empty={k.pickerEmpty}
                />
              </Dialog>
            )}
          </>
        )}
      </Loaded>
      {removing && (
        <Dialog
          title={k.removeTitle(name, removing)}
          confirmLabel="Remove"
          danger
          busy={act.busy}
          error={act.error}
          onConfirm={() =>
            void act
              .run(() => iam('RemoveUserFromGroup', k.pair(name, removing)))
              .then((ok) => done(ok, () => setRemoving(undefined)))
          }
          onCancel={() => setRemoving(undefined)}
        >
          <p>{k.removeText}</p>
        </Dialog>
      )}
    </section>
  );
}

/** A create form's panel: pick names out of a loaded list (the new group's users, the new user's groups). */
export function PickNamesPanel({
  title,
  state,
  what,
  nameOf,
  selected,
  onChange,
  empty,
}: {
  title: string;
  state: Async<Xml[]>;
  what: string;
  nameOf: (x: Xml) => string;
  selected: ReadonlySet<string>;
  onChange: (s: Set<string>) => void;
  empty: string;
}) {
  return (
    <section class="panel">
      <h2>{title}</h2>
      <Loaded state={state} what={what}>
        {(list) => <NamePicker names={list.map(nameOf)} selected={selected} onChange={onChange} empty={empty} />}
      </Loaded>
    </section>
  );
}
