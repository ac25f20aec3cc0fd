/**
 * Observed accesses → the least-privilege policy that allows them, shaped as GetGeneratedPolicy's
 * `generatedPolicyResult` (API_GeneratedPolicyResult.html). Pure.
 *
 * Each action is allowed on the resources it was used on (policy-resources.ts: exact ARNs, S3 objects
 * collapsing to key-prefix wildcards when many; `*` when the action takes no resource). Statements group
 * the actions of one service that share one resource set; services, statements and actions are sorted,
 * so the same activity always gives the same text. Documents are split at the managed policy quota
 * (policy-documents.ts).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html
 */
import type { ObservedAccess } from './event-resources.js';
import { packDocuments, type Grant } from './policy-documents.js';
import { policyResources } from './policy-resources.js';

/** A trail as GetGeneratedPolicy reports it (API_TrailProperties.html): the Regions read. */
export interface GeneratedPolicyTrailProperties {
  readonly cloudTrailArn: string;
  readonly regions?: readonly string[];
  readonly allRegions: boolean;
}

export interface GeneratedPolicyProperties {
  readonly isComplete: boolean;
  readonly principalArn: string;
  readonly cloudTrailProperties: {
    readonly trailProperties: readonly GeneratedPolicyTrailProperties[];
    readonly startTime: Date;
    readonly endTime: Date;
  };
}

/** GetGeneratedPolicy's `generatedPolicyResult`; times are Dates (REST-JSON renders ISO 8601). */
export interface GeneratedPolicyResult {
  readonly properties: GeneratedPolicyProperties;
  /** Empty when the period shows no activity (an IAM policy needs at least one statement). */
  readonly generatedPolicies: readonly { readonly policy: string }[];
}

/** The policy documents (JSON text) that allow every access and nothing else the accesses do not imply. */
export function generatePolicyDocuments(accesses: Iterable<ObservedAccess>): string[] {
  return packDocuments(grantsOf(accesses));
}

export function generatedPolicyResult(input: {
  readonly accesses: Iterable<ObservedAccess>;
  readonly properties: GeneratedPolicyProperties;
}): GeneratedPolicyResult {
  return {
    properties: input.properties,
    generatedPolicies: generatePolicyDocuments(input.accesses).map((policy) => ({ policy })),
  };
}

/** The grants of the accesses: per service, one per distinct resource set, in a stable order. */
export function grantsOf(accesses: Iterable<ObservedAccess>): Grant[] {
  const byGroup = new Map<string, { service: string; actions: string[]; resources: string[] }>();
  for (const [action, resources] of [...resourcesByAction(accesses)].sort(([a], [b]) => compare(a, b))) {
    const patterns = policyResources(resources);
    const service = serviceOf(action);
    const key = `${service}\n${patterns.join('\n')}`;
    const group = byGroup.get(key);
    if (group === undefined) byGroup.set(key, { service, actions: [action], resources: patterns });
    else group.actions.push(action);
  }
  return [...byGroup.values()]
    .sort((a, b) => compare(a.service, b.service) || compare(a.actions[0]!, b.actions[0]!))
    .map(({ actions, resources }) => ({ actions, resources }));
}

/** Actions compare case-insensitively in IAM; the first spelling seen is kept. */
function resourcesByAction(accesses: Iterable<ObservedAccess>): Map<string, Set<string>> {
  const spelling = new Map<string, string>();
  const out = new Map<string, Set<string>>();
  for (const { action, resource } of accesses) {
    const lower = action.toLowerCase();
    const name = spelling.get(lower) ?? action;
    if (!spelling.has(lower)) spelling.set(lower, action);
    const resources = out.get(name);
    if (resources === undefined) out.set(name, new Set([resource]));
    else resources.add(resource);
  }
  return out;
}

function serviceOf(action: string): string {
  const colon = action.indexOf(':');
  return (colon < 0 ? action : action.slice(0, colon)).toLowerCase();
}

/** Code-unit order: the same in every locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
