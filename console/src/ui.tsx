import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.js';

/** The console's building blocks: every page is made of these, so they look and behave alike. */

export function errorText(e: unknown): { code: string; message: string } {
  if (e instanceof ApiError) return { code: e.code, message: e.message };
  if (e instanceof Error) return { code: e.name, message: e.message };
  return { code: 'Error', message: String(e) };
}

/** An API error as AWS said it: its code and its message, never swallowed. */
export function ErrorBox({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  const { code, message } = errorText(error);
  return (
    <div class="alert error" role="alert">
      <strong>{code}</strong> {message}
    </div>
  );
}

export function Notice({
  children,
  kind = 'info',
}: {
  children: ComponentChildren;
  kind?: 'info' | 'success' | 'warning';
}) {
  return (
    <div class={`alert ${kind}`} role="status">
      {children}
    </div>
  );
}

export interface Async<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  reload(): void;
}

/** Runs `load` when `deps` change (and on reload()); the latest answer wins. */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** An action button's run: busy while it runs, its error kept for display. */
export function useAction(): {
  busy: boolean;
  error: unknown;
  run: (f: () => Promise<unknown>) => Promise<boolean>;
  clear: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = useCallback(async (f: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await f();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(undefined) };
}

export function PageHeader({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="page-header">
      <h1>{title}</h1>
      <div class="actions">{children}</div>
    </div>
  );
}

export function Button(
  props: JSX.ButtonHTMLAttributes<HTMLButtonElement> & { kind?: 'primary' | 'danger' | 'normal' },
) {
  const { kind = 'normal', class: cls, ...rest } = props;
  return <button type="button" class={`btn ${kind} ${String(cls ?? '')}`} {...rest} />;
}

/** A labelled control; the hint stays outside the label, so the control's accessible name is the label alone. */
export function Field({ label, hint, children }: { label: string; hint?: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label>
        <span class="label">{label}</span>
        {children}
      </label>
      {hint && <span class="hint">{hint}</span>}
    </div>
  );
}

/** A Field around a text input bound to `value`; other input attributes pass through. */
export function TextField({
  label,
  hint,
  value,
  onValue,
  ...rest
}: {
  label: string;
  hint?: string;
  value: string;
  onValue: (v: string) => void;
} & Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'label' | 'value' | 'onInput'>) {
  return (
    <Field label={label} hint={hint}>
      <input {...rest} value={value} onInput={(e) => onValue(e.currentTarget.value)} />
    </Field>
  );
}

/** Cancel plus the primary action of a page form (Create …): busy text while it runs. */
export function FormActions({
  onCancel,
  onSubmit,
  busy,
  disabled,
  label,
  busyLabel,
}: {
  onCancel: () => void;
  onSubmit: () => void;
  busy: boolean;
  disabled?: boolean;
  label: string;
  busyLabel: string;
}) {
  return (
    <div class="form-actions">
      <Button onClick={onCancel}>Cancel</Button>
      <Button kind="primary" disabled={busy || disabled} onClick={onSubmit}>
        {busy ? busyLabel : label}
      </Button>
    </div>
  );
}

export interface Column<T> {
  readonly title: string;
  readonly render: (row: T) => ComponentChildren;
}

export function Table<T>({
  columns,
  rows,
  empty,
  label,
}: {
  columns: readonly Column<T>[];
  rows: readonly T[];
  empty: string;
  label: string;
}) {
  return (
    <div class="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col">{c.title}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} class="empty">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((r) => (
              <tr>
                {columns.map((c) => (
                  <td>{c.render(r)}</td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" aria-busy="true">
      Loading {what}…
    </p>
  );
}

/** Shows the loading state, the error, or the page made from the data. */
export function Loaded<T>({
  state,
  what,
  children,
}: {
  state: Async<T>;
  what: string;
  children: (data: T) => ComponentChildren;
}) {
  if (state.error !== undefined) return <ErrorBox error={state.error} />;
  if (state.data === undefined) return <Loading what={what} />;
  return <>{children(state.data)}</>;
}

/** A table of the loaded rows (or the loading state, or the error). */
export function LoadedTable<T>({
  state,
  what,
  ...table
}: {
  state: Async<readonly T[]>;
  what: string;
  label: string;
  empty: string;
  columns: readonly Column<NoInfer<T>>[];
}) {
  return (
    <Loaded state={state} what={what}>
      {(rows) => <Table {...table} rows={rows} />}
    </Loaded>
  );
}

/**
 * A modal dialog: focus moves into it, Escape cancels. `confirmText`: the confirm button stays
 * disabled until that exact text is typed (destructive actions, as the AWS console's bucket delete).
 * `disabled`: confirm not allowed yet (its label unchanged).
 */
export function Dialog(props: {
  title: string;
  children?: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  confirmText?: string;
  busy?: boolean;
  disabled?: boolean;
  error?: unknown;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const [typed, setTyped] = useState('');
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const first = ref.current?.querySelector<HTMLElement>('input, textarea, select, button');
    first?.focus();
  }, []);
  const ok = props.confirmText === undefined || typed === props.confirmText;
  return (
    <div class="backdrop" onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}>
      <div class="dialog" role="dialog" aria-modal="true" aria-label={props.title} ref={ref}>
        <h2>{props.title}</h2>
        {props.children}
        {props.confirmText !== undefined && (
          <Field label={`To confirm, type ${props.confirmText}`}>
            <input value={typed} onInput={(e) => setTyped(e.currentTarget.value)} placeholder={props.confirmText} />
          </Field>
        )}
        <ErrorBox error={props.error} />
        <div class="dialog-actions">
          <Button onClick={props.onCancel}>Cancel</Button>
          <Button
            kind={props.danger ? 'danger' : 'primary'}
            disabled={!ok || props.disabled || props.busy}
            onClick={props.onConfirm}
          >
            {props.busy ? 'Working…' : props.confirmLabel}
          </Button>
        </div>
      </div>
    </div>
  );
}

export function Badge({ kind, children }: { kind: 'good' | 'bad' | 'neutral' | 'warn'; children: ComponentChildren }) {
  return <span class={`badge ${kind}`}>{children}</span>;
}

export function Tabs<K extends string>({
  tabs,
  current,
  onSelect,
}: {
  tabs: readonly (readonly [K, string])[];
  current: K;
  onSelect: (k: K) => void;
}) {
  return (
    <div class="tabs" role="tablist">
      {tabs.map(([k, label]) => (
        <button
          type="button"
          role="tab"
          aria-selected={k === current}
          class={k === current ? 'tab active' : 'tab'}
          onClick={() => onSelect(k)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

export function formatDate(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Saves text as a file in the browser (the new user's credentials CSV). */
export function download(filename: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
