import type { Effect, PolicyDocument, PolicyStatement } from '../policy/policy-document.js';
import {
  checkCondition,
  conditionsContradict,
  conditionsImply,
  type CheckCondition,
} from './policy-check-conditions.js';
import {
  ACTION_OPS,
  actionPattern,
  everything,
  inSet,
  RESOURCE_OPS,
  resourcePattern,
  setContains,
  setMeet,
  setRemainder,
  setsDisjoint,
  type ActionPattern,
  type PatternOps,
  type PatternSet,
  type ResourcePattern,
} from './policy-check-patterns.js';
import {
  principalSet,
  principalsContain,
  principalsDisjoint,
  principalsMeet,
  type Principals,
} from './policy-check-principals.js';

/**
 * A region of the request space: the requests (principal, action, resource, context) a statement — or
 * a part of one — applies to. A statement applies to the requests that lie in every dimension at once,
 * so a region contains another when it does in every dimension, and two regions are disjoint when they
 * are in one.
 */
export interface Region {
  readonly actions: PatternSet<ActionPattern>;
  readonly resources: PatternSet<ResourcePattern>;
  readonly principals: Principals;
  readonly conditions: readonly CheckCondition[];
}

export interface CheckStatement extends Region {
  readonly index: number;
  readonly sid: string | undefined;
  readonly effect: Effect;
}

export function checkStatements(doc: PolicyDocument): CheckStatement[] {
  return doc.statements.map((s, index) => checkStatement(s, index, doc));
}

function checkStatement(s: PolicyStatement, index: number, doc: PolicyDocument): CheckStatement {
  const actionList = s.action ?? s.notAction ?? [];
  const resourceList = s.resource ?? s.notResource;
  const resources = resourceList?.map((r) => resourcePattern(r, doc.version)) ?? [];
  return {
    index,
    sid: s.sid,
    effect: s.effect,
    actions: { mode: s.action ? 'in' : 'notIn', items: actionList.map(actionPattern), unresolvable: false },
    resources:
      resourceList === undefined
        ? everything()
        : {
            mode: s.resource ? 'in' : 'notIn',
            items: resources,
            // NotResource with a variable does not apply while the variable has no value (arn-pattern.ts).
            unresolvable: !s.resource && resources.some((r) => r.hasVariables),
          },
    principals: { set: principalSet(s), effect: s.effect },
    conditions: s.conditions.map((c) => checkCondition(c, doc.version)),
  };
}

/** Every request `sub` applies to, `sup` applies to (sound; false when unsure). */
export function regionContains(sup: Region, sub: Region): boolean {
  return (
    setContains(ACTION_OPS, sup.actions, sub.actions) &&
    setContains(RESOURCE_OPS, sup.resources, sub.resources) &&
    principalsContain(sup.principals, sub.principals) &&
    conditionsImply(sub.conditions, sup.conditions)
  );
}

/** No request lies in both an Allow's region and a Deny's (false when unsure). */
export function regionsDisjoint(allow: Region, deny: Region): boolean {
  return (
    setsDisjoint(ACTION_OPS, allow.actions, deny.actions) ||
    setsDisjoint(RESOURCE_OPS, allow.resources, deny.resources) ||
    principalsDisjoint(allow.principals.set, deny.principals.set) ||
    conditionsContradict(allow.conditions, deny.conditions)
  );
}

/** The requests in both regions, when each dimension of one contains the other's; else undefined. */
export function regionMeet(a: Region, b: Region): Region | undefined {
  const actions = setMeet(ACTION_OPS, a.actions, b.actions);
  const resources = setMeet(RESOURCE_OPS, a.resources, b.resources);
  const principals = principalsMeet(a.principals, b.principals);
  if (!actions || !resources || !principals) return undefined;
  return { actions, resources, principals, conditions: [...a.conditions, ...b.conditions] };
}

/** Past this many cells a statement is reasoned about whole (sound, only less precise). */
const MAX_CELLS = 4096;

/**
 * A statement split into cells, one per listed action × resource × principal, so that different parts
 * can be covered by different statements of another policy. NotAction / NotResource / NotPrincipal
 * sets and absent elements stay whole.
 */
export function cellsOf(r: Region): Region[] {
  const actions = r.actions.mode === 'in' ? r.actions.items.map((a) => inSet([a])) : [r.actions];
  const resources = r.resources.mode === 'in' ? r.resources.items.map((x) => inSet([x])) : [r.resources];
  const p = r.principals;
  const principals: Principals[] =
    p.set.mode === 'in' ? p.set.atoms.map((atom) => ({ set: { mode: 'in', atoms: [atom] }, effect: p.effect })) : [p];
  if (actions.length * resources.length * principals.length > MAX_CELLS) return [r];
  const out: Region[] = [];
  for (const a of actions) {
    for (const x of resources) {
      for (const principal of principals) out.push({ ...r, actions: a, resources: x, principals: principal });
    }
  }
  return out;
}

/**
 * The parts of `cell` that `sup` does not cover, provided `sup` covers its principals and conditions:
 * [] when it covers the whole cell; cells with one action (or resource) narrowed to an item of `sup`'s
 * NotAction (NotResource) that lies inside the cell; undefined when the rest cannot be said that simply.
 */
export function uncoveredParts(sup: Region, cell: Region): Region[] | undefined {
  if (!principalsContain(sup.principals, cell.principals)) return undefined;
  if (!conditionsImply(cell.conditions, sup.conditions)) return undefined;
  const actionRest = remainderOf(ACTION_OPS, sup.actions, cell.actions);
  const resourceRest = remainderOf(RESOURCE_OPS, sup.resources, cell.resources);
  if (!actionRest || !resourceRest) return undefined;
  return [
    ...actionRest.map((a) => ({ ...cell, actions: inSet([a]) })),
    ...resourceRest.map((x) => ({ ...cell, resources: inSet([x]) })),
  ];
}

function remainderOf<P>(ops: PatternOps<P>, sup: PatternSet<P>, sub: PatternSet<P>): readonly P[] | undefined {
  if (sub.mode === 'in' && sub.items.length === 1) return setRemainder(ops, sup, sub.items[0]);
  return setContains(ops, sup, sub) ? [] : undefined;
}
