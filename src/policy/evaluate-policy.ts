import type { SplitArn } from './arn-pattern.js';
import type { RequestPrincipal } from './authorization-types.js';
import type { CompiledPolicy, CompiledStatement } from './compiled-policy.js';
import { evaluateCondition } from './condition/evaluate-condition.js';
import type { EvaluationContext } from './eval-context.js';
import type { PrincipalMatch } from './principal-matcher.js';

/**
 * Which statements of a set of policies apply to a request: action (through the policy's memoised
 * action index), then principal (resource-based and trust policies), then resource, then conditions
 * (all must hold). Nothing is allocated for statements that do not apply.
 */

export interface RequestFacts {
  /** Lower-cased action and its service prefix. */
  readonly action: string;
  readonly service: string;
  readonly resource: SplitArn;
  readonly principal: RequestPrincipal;
  readonly hasPermissionsBoundary: boolean;
  readonly ctx: EvaluationContext;
}

export interface StatementHit {
  readonly policy: CompiledPolicy;
  readonly statement: CompiledStatement;
  /** How the statement named the principal ('Direct' for policies without Principal). */
  readonly principalMatch: PrincipalMatch;
}

export interface PolicySetOutcome {
  readonly denies: readonly StatementHit[];
  readonly allows: readonly StatementHit[];
}

const NONE: readonly StatementHit[] = Object.freeze([]);
export const EMPTY_OUTCOME: PolicySetOutcome = Object.freeze({ denies: NONE, allows: NONE });

export function evaluatePolicySet(policies: readonly CompiledPolicy[], facts: RequestFacts): PolicySetOutcome {
  let denies: StatementHit[] | undefined;
  let allows: StatementHit[] | undefined;
  for (const policy of policies) {
    const candidates = policy.statementsFor(facts.action, facts.service);
    for (let i = 0; i < candidates.length; i++) {
      const st = candidates[i];
      const match = statementApplies(policy, st, facts);
      if (match === 'None') continue;
      const hit: StatementHit = { policy, statement: st, principalMatch: match };
      if (st.effect === 'Deny') (denies ??= []).push(hit);
      else (allows ??= []).push(hit);
    }
  }
  if (!denies && !allows) return EMPTY_OUTCOME;
  return { denies: denies ?? NONE, allows: allows ?? NONE };
}

function statementApplies(policy: CompiledPolicy, st: CompiledStatement, f: RequestFacts): PrincipalMatch {
  // The action already matched (statementsFor). Cheapest first: principal Set lookups, resource
  // prefixes, then conditions.
  const match = principalApplies(policy, st, f);
  if (match === 'None') return 'None';
  if (!resourceApplies(st, f)) return 'None';
  for (const c of st.conditions) if (!evaluateCondition(c, f.ctx)) return 'None';
  return match;
}

function resourceApplies(st: CompiledStatement, f: RequestFacts): boolean {
  const patterns = st.resources;
  if (patterns === undefined) return true;
  if (!st.notResource) {
    for (const p of patterns) if (p.test(f.resource, f.ctx.vars) === true) return true;
    return false;
  }
  // NotResource: applies when no pattern matches; a pattern whose variable has no value makes the
  // statement invalid rather than silently broader.
  for (const p of patterns) if (p.test(f.resource, f.ctx.vars) !== false) return false;
  return true;
}

function principalApplies(policy: CompiledPolicy, st: CompiledStatement, f: RequestFacts): PrincipalMatch {
  if (st.principal) return st.principal.match(f.principal);
  if (st.notPrincipal) return st.notPrincipal.applies(f.principal, st.effect, f.hasPermissionsBoundary) ? 'Direct' : 'None';
  // A resource-based or trust policy statement always names a principal (validation requires it).
  return policy.kind === 'resource' || policy.kind === 'trust' ? 'None' : 'Direct';
}
