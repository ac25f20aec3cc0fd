/**
 * The auditor cannot know a request's context (source IP, MFA, time): it asks the engine twice, about
 * two readings of every policy, and so tells a grant that always holds from one that holds under a
 * condition.
 * - `may-allow`: Allow statements apply whatever their Condition, Deny statements with a Condition do
 *   not apply. The engine's Allow then means "allowed in some request" (an over-approximation: two
 *   conditions that exclude each other are each taken as met).
 * - `always-allows`: Allow statements with a Condition do not apply, Deny statements apply whatever
 *   their Condition. The engine's Allow then means "allowed in every request".
 * A statement that does not apply keeps its place (its index is what a finding cites), with no action.
 */
import {
  compilePolicy,
  parsePolicy,
  type CompiledPolicy,
  type PolicyDocument,
  type PolicyKind,
} from '../../policy/index.js';
import type { PolicyStatement } from '../../policy/index.js';

export type PolicyReading = 'may-allow' | 'always-allows';

export function readPolicy(document: PolicyDocument, reading: PolicyReading): PolicyDocument {
  const statements = document.statements.map((s) => {
    if (s.conditions.length === 0) return s;
    const conditionMet = (s.effect === 'Allow') === (reading === 'may-allow');
    return conditionMet ? { ...s, conditions: [] } : neutral(s);
  });
  return { ...document, statements };
}

/** The statement in place, matching no action. */
function neutral(s: PolicyStatement): PolicyStatement {
  return { ...s, action: [], notAction: undefined, conditions: [] };
}

const NOTHING: PolicyDocument = { version: '2012-10-17', versionGiven: true, id: undefined, statements: [] };

/** A stored policy compiled in both readings. */
export interface PolicyReadings {
  readonly mayAllow: CompiledPolicy;
  readonly alwaysAllows: CompiledPolicy;
}

/**
 * Compiles stored policies (by their version-stable id: `ARN#v2`, `inline-user:<id>:<name>#<revision>`,
 * `org:<id>#<revision>`) once per analysis, in both readings: a managed policy attached to a thousand
 * users is parsed once.
 */
export class PolicyReadingCompiler {
  private readonly byKey = new Map<string, PolicyReadings>();
  private readonly alwaysOf = new Map<CompiledPolicy, CompiledPolicy>();

  /**
   * A stored policy that no longer parses (they are validated when written) is read as granting and
   * denying nothing: that can only show more access than there is — the safe side for an audit.
   */
  compile(p: { readonly id: string; readonly document: string }, kind: PolicyKind): PolicyReadings {
    const key = `${kind} ${p.id}`;
    const known = this.byKey.get(key);
    if (known) return known;
    const parsed = parsePolicy(p.document, { kind });
    const document: PolicyDocument = parsed.ok ? parsed.document : NOTHING;
    const readings: PolicyReadings = {
      mayAllow: compilePolicy(readPolicy(document, 'may-allow'), { id: p.id, kind }),
      alwaysAllows: compilePolicy(readPolicy(document, 'always-allows'), { id: p.id, kind }),
    };
    this.alwaysOf.set(readings.mayAllow, readings.alwaysAllows);
    this.byKey.set(key, readings);
    return readings;
  }

  /** The `always-allows` reading of a policy compiled here in its `may-allow` reading. */
  alwaysAllowsOf(mayAllow: CompiledPolicy): CompiledPolicy {
    const p = this.alwaysOf.get(mayAllow);
    if (!p) throw new Error(`policy ${mayAllow.id} was not compiled by this compiler`);
    return p;
  }
}
