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
 */
const VOLATILE_KEYS: ReadonlySet<string> = new Set(['aws:currenttime', 'aws:epochtime', 'aws:multifactorauthage', 's3:signatureage']);

/** Remembered allowed resources per action and principal set; past this the memo starts over. */
export const ALLOWED_MEMO_LIMIT = 4096;

export interface MemoPlan {
  /** The context keys whose values join the memo key (lower-cased). */
  readonly keys: readonly string[];
  readonly allowed: Map<string, true>;
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
  return keys === null ? null : { keys, allowed: new Map() };
}

/** The memo key: resource account and resource, then each key's name and value (absent marked). */
export function memoKeyOf(
  resourceAccount: string | undefined,
  resource: string,
  keys: readonly string[],
  context: { get(key: string): ContextValue | undefined } | undefined,
): string {
  let key = `${resourceAccount ?? ''} ${resource}`;
  if (context) {
    for (const k of keys) {
      const v = context.get(k);
      key += `\u0000${k}=${v === undefined ? '\u0002' : typeof v === 'string' ? v : v.join('\u0001')}`;
    }
  }
  return key;
}

export function remember(plan: MemoPlan, key: string): void {
  if (plan.allowed.size >= ALLOWED_MEMO_LIMIT) plan.allowed.clear();
  plan.allowed.set(key, true);
}
