import { conditionsImply } from './policy-check-conditions.js';
import { invalidParameter, readCheckDocument, type CheckPolicyKind } from './policy-check-document.js';
import {
  ACTION_OPS,
  actionPattern,
  inSet,
  RESOURCE_OPS,
  resourcePattern,
  setContains,
  setsDisjoint,
  type ActionPattern,
  type PatternOps,
  type PatternSet,
  type ResourcePattern,
} from './policy-check-patterns.js';
import { principalsContain } from './policy-check-principals.js';
import { ACCESS_CHECK_RESOURCE_TYPES, publicStatements, unsupportedResourceType } from './policy-check-public.js';
import {
  cellsOf,
  checkStatements,
  regionContains,
  regionMeet,
  regionsDisjoint,
  uncoveredParts,
  type CheckStatement,
  type Region,
} from './policy-check-region.js';

/**
 * IAM Access Analyzer's custom policy checks — CheckNoNewAccess, CheckAccessNotGranted,
 * CheckNoPublicAccess — computed by reasoning over the policy language (the patterns, principals and
 * conditions the statements name), never by sampling requests. The checks are sound: PASS only when
 * the policy cannot grant the access. Where the reasoning cannot decide, the answer is FAIL, as AWS's own
 * answer reads: "If the result is FAIL, the updated policy might allow new access."
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-custom-policy-checks.html
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CheckNoNewAccess.html
 *
 * Deviation from AWS: AWS decides with the Zelkova SMT solver; this reasoning is weaker in places (see
 * policy-check-conditions.ts, policy-check-patterns.ts), so it can answer FAIL where AWS answers PASS.
 */

export type AccessCheckPolicyType = 'IDENTITY_POLICY' | 'RESOURCE_POLICY';

export interface ReasonSummary {
  readonly description?: string;
  readonly statementIndex?: number;
  readonly statementId?: string;
}

export interface PolicyCheckResult {
  readonly result: 'PASS' | 'FAIL';
  readonly message: string;
  readonly reasons: readonly ReasonSummary[];
}

export interface CheckNoNewAccessInput {
  readonly newPolicyDocument: string;
  readonly existingPolicyDocument: string;
  readonly policyType: AccessCheckPolicyType;
}

export interface ListedAccess {
  readonly actions?: readonly string[];
  readonly resources?: readonly string[];
}

export interface CheckAccessNotGrantedInput {
  readonly policyDocument: string;
  readonly access: readonly ListedAccess[];
  readonly policyType: AccessCheckPolicyType;
}

export interface CheckNoPublicAccessInput {
  readonly policyDocument: string;
  readonly resourceType: string;
}

/**
 * AWS's texts, from the API examples (AWS CLI and SDK documentation). The PASS text of CheckNoNewAccess
 * is not shown in any AWS example; ours mirrors its FAIL text.
 */
const MESSAGES = {
  noNewAccess: {
    PASS: 'The modified permissions do not grant new access compared to your existing policy.',
    FAIL: 'The modified permissions grant new access compared to your existing policy.',
    reason: 'New access in the statement with',
  },
  accessNotGranted: {
    PASS: 'The policy document does not grant access to perform the listed actions or resources.',
    FAIL: 'The policy document grants access to perform one or more of the listed actions or resources.',
    reason: 'One or more of the listed actions or resources in the statement with',
  },
  noPublicAccess: {
    PASS: 'The resource policy does not grant public access for the given resource type.',
    FAIL: 'The resource policy grants public access for the given resource type.',
    reason: 'Public access granted in the following statement with',
  },
} as const;

type CheckName = keyof typeof MESSAGES;

/** One reason per statement, in document order: "... with sid: Bob." or "... with index: 0.". */
interface StatementRef {
  readonly index: number;
  readonly sid: string | undefined;
}

function resultOf(check: CheckName, statements: readonly StatementRef[]): PolicyCheckResult {
  const text = MESSAGES[check];
  if (statements.length === 0) return { result: 'PASS', message: text.PASS, reasons: [] };
  const seen = new Set<number>();
  const reasons: ReasonSummary[] = [];
  for (const s of [...statements].sort((a, b) => a.index - b.index)) {
    if (seen.has(s.index)) continue;
    seen.add(s.index);
    reasons.push(
      s.sid !== undefined
        ? { description: `${text.reason} sid: ${s.sid}.`, statementIndex: s.index, statementId: s.sid }
        : { description: `${text.reason} index: ${s.index}.`, statementIndex: s.index },
    );
  }
  return { result: 'FAIL', message: text.FAIL, reasons };
}

function kindOf(policyType: AccessCheckPolicyType): CheckPolicyKind {
  return policyType === 'IDENTITY_POLICY' ? 'identity' : 'resource';
}

// ---- CheckNoNewAccess ----

/**
 * The new policy grants nothing new when everything it allows, the existing one allows:
 * 1. every part of every new Allow is covered by the existing Allows (a part may be covered by a
 *    statement whose actions, resources and principals contain it and whose conditions are implied by
 *    its own — fewer conditions are broader — or is denied by a new Deny anyway), and
 * 2. no request the existing Denies refuse is let through: each existing Deny is still enforced by a new
 *    Deny, or the new Allows do not reach the requests it refused.
 * The reasons name the new Allow statements that fail either test.
 */
export function checkNoNewAccess(i: CheckNoNewAccessInput): PolicyCheckResult {
  const kind = kindOf(i.policyType);
  const updated = checkStatements(readCheckDocument(i.newPolicyDocument, kind));
  const existing = checkStatements(readCheckDocument(i.existingPolicyDocument, kind));
  const newDenies = updated.filter((s) => s.effect === 'Deny');
  const ctx: NewAccessContext = {
    allows: existing.filter((s) => s.effect === 'Allow'),
    newDenies,
    // The parts of existing Denies no new Deny enforces any more.
    lostDenies: existing
      .filter((s) => s.effect === 'Deny')
      .flatMap(cellsOf)
      .filter((d) => !newDenies.some((n) => regionContains(n, d))),
  };
  // A statement is split into cells only when it is not covered whole.
  const failing = updated.filter(
    (s) => s.effect === 'Allow' && grantsNewAccess(s, ctx) && cellsOf(s).some((cell) => grantsNewAccess(cell, ctx)),
  );
  return resultOf('noNewAccess', failing);
}

interface NewAccessContext {
  readonly allows: readonly CheckStatement[];
  readonly newDenies: readonly CheckStatement[];
  readonly lostDenies: readonly Region[];
}

/** How many times a part left over by a NotAction / NotResource statement is split again. */
const COVER_DEPTH = 3;

function grantsNewAccess(cell: Region, ctx: NewAccessContext): boolean {
  if (deniedAnyway(cell, ctx)) return false;
  if (!covered(cell, ctx, COVER_DEPTH)) return true;
  return ctx.lostDenies.some((d) => reaches(cell, d, ctx));
}

function deniedAnyway(r: Region, ctx: NewAccessContext): boolean {
  return ctx.newDenies.some((d) => regionContains(d, r));
}

function covered(cell: Region, ctx: NewAccessContext, depth: number): boolean {
  if (deniedAnyway(cell, ctx)) return true;
  for (const e of ctx.allows) {
    const rest = uncoveredParts(e, cell);
    if (rest === undefined) continue;
    if (rest.length === 0) return true;
    if (depth > 0 && rest.every((part) => covered(part, ctx, depth - 1))) return true;
  }
  return false;
}

/** May `cell` allow a request the lost Deny `deny` refused, and no new Deny refuses? */
function reaches(cell: Region, deny: Region, ctx: NewAccessContext): boolean {
  if (regionsDisjoint(cell, deny)) return false;
  const both = regionMeet(cell, deny);
  return !(both && deniedAnyway(both, ctx));
}

// ---- CheckAccessNotGranted ----

/**
 * FAIL when an Allow statement may allow one of the listed actions (on one of the listed resources,
 * when given) and no Deny of the same policy refuses that whenever the Allow applies. Per the API
 * reference: only actions → the actions on any resource; only resources → any action on them; both →
 * the listed actions on the listed resources. Conditions on an Allow never make it PASS: the access is
 * granted whenever they hold.
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CheckAccessNotGranted.html
 */
export function checkAccessNotGranted(i: CheckAccessNotGrantedInput): PolicyCheckResult {
  const listed = i.access.map(listedRegions);
  const statements = checkStatements(readCheckDocument(i.policyDocument, kindOf(i.policyType)));
  const denies = statements.filter((s) => s.effect === 'Deny');
  // A statement is split into cells only when a Deny could refuse part of what it grants.
  const grants = (r: Region) => listed.some((l) => grantsListed(r, l, denies));
  const failing = statements.filter(
    (s) => s.effect === 'Allow' && grants(s) && (denies.length === 0 || cellsOf(s).some(grants)),
  );
  return resultOf('accessNotGranted', failing);
}

interface ListedRegions {
  readonly actions: readonly ActionPattern[] | undefined;
  readonly resources: readonly ResourcePattern[] | undefined;
}

/** Deviation from AWS: an access with neither actions nor resources is refused (AWS documents none). */
function listedRegions(a: ListedAccess): ListedRegions {
  const actions = a.actions?.length ? a.actions.map(actionPattern) : undefined;
  // A listed resource is plain text: `${...}` in it is not a variable.
  const resources = a.resources?.length ? a.resources.map((r) => resourcePattern(r, '2008-10-17')) : undefined;
  if (!actions && !resources) throw invalidParameter('The access must list at least one action or resource.');
  return { actions, resources };
}

function grantsListed(cell: Region, l: ListedRegions, denies: readonly CheckStatement[]): boolean {
  // Each part: sets that all contain the requests in both the cell and the listed access.
  const actionParts = parts(ACTION_OPS, cell.actions, l.actions);
  const resourceParts = parts(RESOURCE_OPS, cell.resources, l.resources);
  for (const a of actionParts) {
    for (const r of resourceParts) {
      const refused = denies.some(
        (d) =>
          a.some((x) => setContains(ACTION_OPS, d.actions, x)) &&
          r.some((x) => setContains(RESOURCE_OPS, d.resources, x)) &&
          principalsContain(d.principals, cell.principals) &&
          conditionsImply(cell.conditions, d.conditions),
      );
      if (!refused) return true;
    }
  }
  return false;
}

/** For each listed item the cell's set meets: [the item, the cell's set] (both contain the meeting). */
function parts<P>(ops: PatternOps<P>, set: PatternSet<P>, items: readonly P[] | undefined): PatternSet<P>[][] {
  if (items === undefined) return [[set]];
  return items.filter((x) => !setsDisjoint(ops, set, inSet([x]))).map((x) => [inSet([x]), set]);
}

// ---- CheckNoPublicAccess ----

/**
 * FAIL when an Allow statement grants the resource type's access to the public (policy-check-public.ts).
 * A type outside botocore's AccessCheckResourceType enum is a ValidationException.
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CheckNoPublicAccess.html
 */
export function checkNoPublicAccess(i: CheckNoPublicAccessInput): PolicyCheckResult {
  if (!ACCESS_CHECK_RESOURCE_TYPES.includes(i.resourceType)) throw unsupportedResourceType(i.resourceType);
  const doc = readCheckDocument(i.policyDocument, 'resource');
  const indexes = publicStatements(doc, i.resourceType);
  return resultOf(
    'noPublicAccess',
    indexes.map((index) => ({ index, sid: doc.statements[index].sid })),
  );
}
