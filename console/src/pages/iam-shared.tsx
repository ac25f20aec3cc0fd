import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, iam, iamAll, members, str, type Xml } from '../api.js';
import { link } from '../router.js';
import { Button, Dialog, ErrorBox, Field, Loaded, Table, useAction, useAsync } from '../ui.js';

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
      <Field label="Filter policies">
        <input
          type="search"
          value={filter}
          onInput={(e) => setFilter(e.currentTarget.value)}
          placeholder="Search by policy name"
        />
      </Field>
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
                      onChange={(e) => {
                        const next = new Set(selected);
                        if (e.currentTarget.checked) next.add(p.arn);
                        else next.delete(p.arn);
                        onChange(next);
                      }}
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
              onChange={(e) => {
                const next = new Set(selected);
                if (e.currentTarget.checked) next.add(n);
                else next.delete(n);
                onChange(next);
              }}
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
      <Loaded state={state} what="permissions">
        {(rows) => (
          <Table
            label="Permissions policies"
            empty="No policies attached."
            rows={rows}
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
        )}
      </Loaded>
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

/** ui.tsx's Dialog plus `disabled` (confirm not allowed yet, label unchanged): same look and keyboard behaviour. */
export function GatedDialog(props: {
  title: string;
  children?: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  disabled?: boolean;
  error?: unknown;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input, textarea, select, button')?.focus();
  }, []);
  return (
    <div class="backdrop" onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}>
      <div class="dialog" role="dialog" aria-modal="true" aria-label={props.title} ref={ref}>
        <h2>{props.title}</h2>
        {props.children}
        <ErrorBox error={props.error} />
        <div class="dialog-actions">
          <Button onClick={props.onCancel}>Cancel</Button>
          <Button
            kind={props.danger ? 'danger' : 'primary'}
            disabled={props.disabled || props.busy}
            onClick={props.onConfirm}
          >
            {props.busy ? 'Working…' : props.confirmLabel}
          </Button>
        </div>
      </div>
    </div>
  );
}
