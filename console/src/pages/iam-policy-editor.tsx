import { useEffect, useState } from 'preact/hooks';
import { restJson } from '../api.js';
import { ErrorBox, Field } from '../ui.js';

/** The JSON policy editor with live validation (IAM Access Analyzer ValidatePolicy) and the visual summary. */

export const EMPTY_POLICY = JSON.stringify(
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: [], Resource: [] }] },
  null,
  2,
);

interface Finding {
  findingType: 'ERROR' | 'SECURITY_WARNING' | 'WARNING' | 'SUGGESTION';
  issueCode: string;
  findingDetails: string;
  locations?: { span?: { start?: { line?: number } } }[];
}

const KINDS: readonly [Finding['findingType'], string, string][] = [
  ['ERROR', 'error', 'errors'],
  ['SECURITY_WARNING', 'security warning', 'security warnings'],
  ['WARNING', 'warning', 'warnings'],
  ['SUGGESTION', 'suggestion', 'suggestions'],
];

/** Live findings of a policy text: JSON syntax locally, the rest from ValidatePolicy (debounced). */
export function usePolicyFindings(
  text: string,
  policyType: 'IDENTITY_POLICY' | 'RESOURCE_POLICY' = 'IDENTITY_POLICY',
): { findings: Finding[]; error: unknown; checking: boolean } {
  const [state, setState] = useState<{ findings: Finding[]; error: unknown; checking: boolean }>({
    findings: [],
    error: undefined,
    checking: false,
  });
  useEffect(() => {
    try {
      JSON.parse(text);
    } catch (e) {
      setState({
        findings: [
          {
            findingType: 'ERROR',
            issueCode: 'JSON syntax',
            findingDetails: e instanceof Error ? e.message : String(e),
          },
        ],
        error: undefined,
        checking: false,
      });
      return;
    }
    let live = true;
    setState((s) => ({ ...s, checking: true }));
    const t = setTimeout(() => {
      restJson<{ findings?: Finding[] }>('access-analyzer', 'POST', '/policy/validation', {
        policyDocument: text,
        policyType,
      }).then(
        (r) => live && setState({ findings: r.findings ?? [], error: undefined, checking: false }),
        (error: unknown) => live && setState({ findings: [], error, checking: false }),
      );
    }, 400);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [text, policyType]);
  return state;
}

export function Findings({ findings, error, checking }: { findings: Finding[]; error: unknown; checking: boolean }) {
  const summary = KINDS.map(([k, one, many]) => {
    const n = findings.filter((f) => f.findingType === k).length;
    return `${n} ${n === 1 ? one : many}`;
  }).join(' · ');
  return (
    <div class="policy-findings">
      <p class="findings-summary" aria-live="polite">
        {summary}
        {checking && <span class="muted"> (checking…)</span>}
      </p>
      <ErrorBox error={error} />
      <ul class="findings" aria-label="Policy validation">
        {findings.map((f) => {
          const line = f.locations?.[0]?.span?.start?.line;
          return (
            <li class={f.findingType}>
              Line {line ?? '?'}: {f.findingType} {f.issueCode} — {f.findingDetails}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** A textarea.code with findings under it and the visual summary. */
export function PolicyEditor({
  value,
  onChange,
  label = 'Policy editor',
  policyType = 'IDENTITY_POLICY',
  summary = true,
}: {
  value: string;
  onChange: (v: string) => void;
  label?: string;
  policyType?: 'IDENTITY_POLICY' | 'RESOURCE_POLICY';
  summary?: boolean;
}) {
  const f = usePolicyFindings(value, policyType);
  return (
    <div class="policy-editor">
      <Field label={label}>
        <textarea
          class="code"
          spellcheck={false}
          value={value}
          onInput={(e) => onChange(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.altKey) {
              // two spaces, as editors do; Escape then Tab leaves the field
              e.preventDefault();
              const t = e.currentTarget;
              const s = t.selectionStart;
              const next = `${t.value.slice(0, s)}  ${t.value.slice(t.selectionEnd)}`;
              onChange(next);
              requestAnimationFrame(() => t.setSelectionRange(s + 2, s + 2));
            }
          }}
        />
      </Field>
      <Findings {...f} />
      {summary && <PolicySummary text={value} />}
    </div>
  );
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const list = (v: Json | undefined): string[] =>
  v === undefined || v === null
    ? []
    : Array.isArray(v)
      ? v.map((x) => String(x))
      : [typeof v === 'object' ? JSON.stringify(v) : String(v)];

/** Actions grouped by service prefix. */
function byService(actions: string[]): [string, string[]][] {
  const m = new Map<string, string[]>();
  for (const a of actions) {
    const i = a.indexOf(':');
    const svc = a === '*' ? 'All services' : i < 0 ? a : a.slice(0, i);
    m.set(svc, [...(m.get(svc) ?? []), a === '*' ? '*' : i < 0 ? a : a.slice(i + 1)]);
  }
  return [...m.entries()];
}

export function statementsOf(text: string): { [k: string]: Json }[] | undefined {
  try {
    const doc = JSON.parse(text) as { Statement?: Json };
    const s = doc.Statement;
    if (s === undefined) return [];
    return (Array.isArray(s) ? s : [s]).filter(
      (x): x is { [k: string]: Json } => typeof x === 'object' && x !== null && !Array.isArray(x),
    );
  } catch {
    return undefined;
  }
}

export function conditionLines(c: Json | undefined): string[] {
  if (!c || typeof c !== 'object' || Array.isArray(c)) return [];
  const out: string[] = [];
  for (const [op, body] of Object.entries(c)) {
    if (body && typeof body === 'object' && !Array.isArray(body))
      for (const [key, v] of Object.entries(body)) out.push(`${op} ${key} = ${list(v).join(', ')}`);
    else out.push(`${op} ${JSON.stringify(body)}`);
  }
  return out;
}

/** "What this policy allows": per statement its effect, actions by service, resources and conditions. */
export function PolicySummary({ text, title = 'What this policy allows' }: { text: string; title?: string }) {
  const stmts = statementsOf(text);
  return (
    <section class="panel policy-summary" aria-label={title}>
      <h2>{title}</h2>
      {stmts === undefined ? (
        <p class="muted">The document is not valid JSON.</p>
      ) : stmts.length === 0 ? (
        <p class="muted">No statements.</p>
      ) : (
        stmts.map((s, i) => {
          const notAction = s.NotAction !== undefined;
          const actions = list(notAction ? s.NotAction : s.Action);
          const notRes = s.NotResource !== undefined;
          const resources = list(notRes ? s.NotResource : s.Resource);
          const conds = conditionLines(s.Condition);
          const effect = String(s.Effect ?? '?');
          return (
            <div class="stmt">
              <h3>
                <span class={`badge ${effect === 'Allow' ? 'good' : effect === 'Deny' ? 'bad' : 'neutral'}`}>
                  {effect}
                </span>{' '}
                Statement {i + 1}
                {typeof s.Sid === 'string' && s.Sid && <span class="muted"> ({s.Sid})</span>}
              </h3>
              <dl class="kv">
                <dt>{notAction ? 'All actions except' : 'Actions'}</dt>
                <dd>
                  {actions.length === 0 ? (
                    'None'
                  ) : (
                    <ul class="plain">
                      {byService(actions).map(([svc, acts]) => (
                        <li>
                          <strong>{svc}</strong>: {acts.join(', ')}
                        </li>
                      ))}
                    </ul>
                  )}
                </dd>
                {s.Principal !== undefined && (
                  <>
                    <dt>Principals</dt>
                    <dd>{JSON.stringify(s.Principal)}</dd>
                  </>
                )}
                <dt>{notRes ? 'All resources except' : 'Resources'}</dt>
                <dd>
                  {resources.length === 0 ? (s.Principal !== undefined ? 'This role' : 'None') : resources.join(', ')}
                </dd>
                <dt>Conditions</dt>
                <dd>{conds.length === 0 ? 'None' : conds.map((c) => <div>{c}</div>)}</dd>
              </dl>
            </div>
          );
        })
      )}
    </section>
  );
}

/** Side-by-side line diff (LCS): lines only on the left `.del`, only on the right `.add`. */
export function LineDiff({
  left,
  right,
  leftTitle,
  rightTitle,
}: {
  left: string;
  right: string;
  leftTitle: string;
  rightTitle: string;
}) {
  const a = left.split('\n');
  const b = right.split('\n');
  const n = a.length;
  const m = b.length;
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  const keepA = new Array<boolean>(n).fill(false);
  const keepB = new Array<boolean>(m).fill(false);
  for (let i = 0, j = 0; i < n && j < m;) {
    if (a[i] === b[j]) {
      keepA[i++] = true;
      keepB[j++] = true;
    } else if (dp[i + 1]![j]! >= dp[i]![j + 1]!) i++;
    else j++;
  }
  return (
    <div class="diff" aria-label="Version comparison">
      <div>
        <h3>{leftTitle}</h3>
        <pre>
          {a.map((l, i) => (
            <div class={keepA[i] ? 'same' : 'del'}>{l || ' '}</div>
          ))}
        </pre>
      </div>
      <div>
        <h3>{rightTitle}</h3>
        <pre>
          {b.map((l, i) => (
            <div class={keepB[i] ? 'same' : 'add'}>{l || ' '}</div>
          ))}
        </pre>
      </div>
    </div>
  );
}
