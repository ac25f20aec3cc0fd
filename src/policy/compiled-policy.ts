import { compileActionPatterns, type ActionPatterns } from './action-matcher.js';
import { compileArnPattern, type ArnPattern } from './arn-pattern.js';
import { compileCondition, type CompiledCondition } from './condition/evaluate-condition.js';
import type { SourceSpan } from './json-source.js';
import { parseTemplate } from './template.js';
import type { Effect, PolicyDocument, PolicyKind, PolicyStatement, PolicyVersion } from './policy-document.js';
import {
  compileNotPrincipal,
  compilePrincipal,
  type NotPrincipalMatcher,
  type PrincipalMatcher,
} from './principal-matcher.js';

/**
 * The fast form of a validated policy: wildcard matchers compiled, ARNs pre-split, statements indexed
 * by the service prefix of their actions. A CompiledPolicy is an immutable value: callers cache it by
 * policy id and version and share it between requests.
 */
export interface CompiledStatement {
  readonly index: number;
  readonly sid: string | undefined;
  readonly effect: Effect;
  readonly span: SourceSpan | undefined;
  readonly actions: ActionPatterns;
  readonly notAction: boolean;
  /** Undefined when the statement has neither Resource nor NotResource (trust policies). */
  readonly resources: readonly ArnPattern[] | undefined;
  readonly notResource: boolean;
  readonly principal: PrincipalMatcher | undefined;
  readonly notPrincipal: NotPrincipalMatcher | undefined;
  readonly conditions: readonly CompiledCondition[];
  /**
   * The request context keys (lower-cased) whether the statement applies can depend on: its
   * condition keys and the policy variables in its conditions and Resource/NotResource. Besides them
   * only the action, the resource and the principal decide, so a decision may be remembered per value
   * of these keys (authz/policy-authorizer.ts).
   */
  readonly contextKeys: readonly string[];
}

export interface CompiledPolicy {
  /** The caller's name for the policy (ARN, inline name): reported in matched statements. */
  readonly id: string;
  readonly kind: PolicyKind;
  readonly version: PolicyVersion;
  readonly document: PolicyDocument;
  readonly statements: readonly CompiledStatement[];
  /**
   * The statements whose Action / NotAction match `action` (lower-cased; `service` is its prefix),
   * in document order.
   */
  statementsFor(action: string, service: string): readonly CompiledStatement[];
}

export interface CompileOptions {
  readonly id: string;
  readonly kind: PolicyKind;
}

/** Distinct actions remembered per policy; past this, lookups are computed each time. */
const ACTION_MEMO_LIMIT = 1024;

/**
 * Statements are indexed by the service prefix of their actions; the statements that match a given
 * action are then memoised, since a server asks about the same few hundred actions again and again.
 * The memo is the only mutable state: it caches a pure function of the immutable policy.
 */
class Compiled implements CompiledPolicy {
  readonly statements: readonly CompiledStatement[];
  private readonly byService: ReadonlyMap<string, readonly CompiledStatement[]>;
  private readonly anyService: readonly CompiledStatement[];
  private readonly memo = new Map<string, readonly CompiledStatement[]>();

  constructor(
    readonly id: string,
    readonly kind: PolicyKind,
    readonly document: PolicyDocument,
    statements: CompiledStatement[],
  ) {
    this.statements = Object.freeze(statements);
    this.anyService = Object.freeze(statements.filter((s) => s.notAction || s.actions.anyService));
    const services = new Set<string>();
    for (const s of statements) if (!s.notAction) for (const svc of s.actions.services) services.add(svc);
    const byService = new Map<string, readonly CompiledStatement[]>();
    for (const svc of services) {
      byService.set(svc, Object.freeze(statements.filter((s) => s.notAction || s.actions.anyService || s.actions.services.has(svc))));
    }
    this.byService = byService;
    Object.freeze(this);
  }

  get version(): PolicyVersion {
    return this.document.version;
  }

  statementsFor(action: string, service: string): readonly CompiledStatement[] {
    const known = this.memo.get(action);
    if (known) return known;
    const candidates = this.byService.get(service) ?? this.anyService;
    const matching = Object.freeze(candidates.filter((st) => st.actions.matches(action) !== st.notAction));
    if (this.memo.size < ACTION_MEMO_LIMIT) this.memo.set(action, matching);
    return matching;
  }
}

export function compilePolicy(document: PolicyDocument, options: CompileOptions): CompiledPolicy {
  const statements = document.statements.map((s, i) => compileStatement(s, i, document.version));
  return new Compiled(options.id, options.kind, document, statements);
}

function compileStatement(s: PolicyStatement, index: number, version: PolicyVersion): CompiledStatement {
  const resourceList = s.resource ?? s.notResource;
  return Object.freeze({
    index,
    sid: s.sid,
    effect: s.effect,
    span: s.span,
    actions: compileActionPatterns(s.action ?? s.notAction ?? []),
    notAction: s.action === undefined && s.notAction !== undefined,
    resources: resourceList === undefined ? undefined : Object.freeze(resourceList.map((r) => compileArnPattern(r, version))),
    notResource: s.resource === undefined && s.notResource !== undefined,
    principal: s.principal ? compilePrincipal(s.principal) : undefined,
    notPrincipal: s.notPrincipal ? compileNotPrincipal(s.notPrincipal) : undefined,
    conditions: Object.freeze(s.conditions.map((c) => compileCondition(c, version))),
    contextKeys: Object.freeze(contextKeysOf(s, resourceList)),
  });
}

/**
 * Condition keys and the keys of policy variables. Variables are read in every version here (they
 * exist only in 2012-10-17 documents): a key too many only makes a remembered decision narrower.
 */
function contextKeysOf(s: PolicyStatement, resources: readonly string[] | undefined): string[] {
  const keys = new Set<string>();
  const addVariables = (text: string) => {
    for (const part of parseTemplate(text, '2012-10-17').parts) if (part.kind === 'var') keys.add(part.key);
  };
  for (const c of s.conditions) {
    keys.add(c.key.toLowerCase());
    c.values.forEach(addVariables);
  }
  (resources ?? []).forEach(addVariables);
  return [...keys];
}
