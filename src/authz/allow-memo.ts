import type { CompiledPolicy, ContextValue } from '../policy/index.js';

/**
 * Remembered allows. A decision is a function of the action, the resource and its account, the
 * principal, and the values of the context keys the statements matching the action read
 * (`CompiledStatement.contextKeys`: condition keys and policy variables). With the principal fixed
 * (one memo per principal set, which an IAM or organization change replaces), an allow is remembered
 * under the resource, its account and those values: an SCP's `aws:RequestedRegion` condition, say,
 * joins the key instead of turning the memo off. Keys whose value changes from one request to the
 * next (the time, a signature's age) would only fill the memo: an action whose statements read one
 * is evaluated every time. Denials are never remembered.
 *
 * The request path builds no long strings: allows are kept by resource, then by the values of the
 * plan's keys (joined only when there are some).
 */
const VOLATILE_KEYS: ReadonlySet<string> = new Set(['aws:currenttime', 'aws:epochtime', 'aws:multifactorauthage', 's3:signatureage']);

/** Remembered allows per plan; past this the memo starts over. */
export const ALLOWED_MEMO_LIMIT = 4096;

export interface MemoPlan {
  /** The context keys whose values join the memo key (lower-cased). */
  readonly keys: readonly string[];
  /** `resourceAccount resource` → the context-value keys allowed ('' when the plan reads no keys). */
  readonly allowed: Map<string, Set<string>>;
  size: number;
}

/** The keys the statements of `policies` matching `action` read; null when one of them is volatile. */
export function contextKeysFor(policies: readonly CompiledPolicy[], action: string): readonly string[] | null {
  const lower = action.toLowerCase();
  const colon = lower.indexOf(':');
  const service = colon < 0 ? lower : lower.slice(0, colon);
  const keys = new Set<string>();
  for (const p of policies) {
    for (const st of p.statementsFor(lower, service)) {
      for (const k of st.contextKeys) {
        if (VOLATILE_KEYS.has(k)) return null;
        keys.add(k);
      }
    }
  }
  return [...keys].sort();
}

export function newMemoPlan(keys: readonly string[] | null): MemoPlan | null {
  return keys === null ? null : { keys, allowed: new Map(), size: 0 };
}

/** The values of `keys` in `context`, one string (absent marked); '' for no keys. */
export function contextValuesKey(keys: readonly string[], context: { get(key: string): ContextValue | undefined } | undefined): string {
  if (keys.length === 0 || !context) return '';
  let key = '';
  for (const k of keys) {
    const v = context.get(k);
    key += `${v === undefined ? '\u0002' : typeof v === 'string' ? v : v.join('\u0001')}\u0000`;
  }
  return key;
}

export function isRemembered(plan: MemoPlan, resource: string, values: string): boolean {
  return plan.allowed.get(resource)?.has(values) === true;
}

export function remember(plan: MemoPlan, resource: string, values: string): void {
  if (plan.size >= ALLOWED_MEMO_LIMIT) {
    plan.allowed.clear();
    plan.size = 0;
  }
  let set = plan.allowed.get(resource);
  if (!set) plan.allowed.set(resource, (set = new Set()));
  if (!set.has(values)) {
    set.add(values);
    plan.size++;
  }
}
