import type { IamStore, OrgPolicyRow, OrgPolicyType } from '../iam/store/types.js';
import { ancestry, orgPath } from './shapes.js';

/**
 * What the authorizer needs to know about an account's place in the organization: its org id and
 * path (aws:PrincipalOrgID, aws:PrincipalOrgPaths) and the SCPs and RCPs that apply to it, level by
 * level from the root down to the account. The management account is subject to neither: "SCPs don't
 * affect users or roles in the management account", and RCPs likewise do not apply to its resources.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
 */
export interface AccountOrganization {
  readonly organizationId: string;
  readonly managementAccountId: string;
  /** aws:PrincipalOrgPaths value, e.g. `o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/` */
  readonly path: string;
  /** SCPs by level, root → OUs → account; undefined for the management account or when SCPs are not enabled. */
  readonly scps?: readonly (readonly OrgPolicyDocument[])[];
  /** RCPs by level, same shape and rules (never on the management account). */
  readonly rcps?: readonly (readonly OrgPolicyDocument[])[];
}

export interface OrgPolicyDocument {
  /** `org:<policyId>#<revision>`: names one immutable version, so compiled policies can be cached by it. */
  readonly id: string;
  readonly document: string;
}

export interface OrganizationPolicyLoader {
  forAccount(accountId: string): Promise<AccountOrganization | undefined>;
  /** Moves on every invalidation: what was read under an older generation may be stale. */
  readonly generation: number;
  /** Drops every cached entry (the store feed calls it on every organization change). */
  invalidate(): void;
  close(): void;
}

/** Reads an account's organization view from the store (no cache). */
export async function loadAccountOrganization(
  store: IamStore,
  accountId: string,
): Promise<AccountOrganization | undefined> {
  const org = await store.organizations.get();
  if (!org) return undefined;
  const account = await store.organizations.getAccount(accountId);
  if (!account) return undefined;
  const parents = await ancestry(store, org, account.parentId);
  const base = { organizationId: org.id, managementAccountId: org.managementAccountId, path: orgPath(org, parents) };
  if (accountId === org.managementAccountId) return base;
  const levels = [...parents, accountId];
  const policies = new Map<string, OrgPolicyRow | undefined>();
  const load = async (type: OrgPolicyType) =>
    org.enabledPolicyTypes.includes(type) ? policiesByLevel(store, levels, type, policies) : undefined;
  const scps = await load('SERVICE_CONTROL_POLICY');
  const rcps = await load('RESOURCE_CONTROL_POLICY');
  return { ...base, ...(scps ? { scps } : {}), ...(rcps ? { rcps } : {}) };
}

async function policiesByLevel(
  store: IamStore,
  levels: readonly string[],
  type: OrgPolicyType,
  seen: Map<string, OrgPolicyRow | undefined>,
): Promise<OrgPolicyDocument[][]> {
  const out: OrgPolicyDocument[][] = [];
  for (const target of levels) {
    const level: OrgPolicyDocument[] = [];
    for (const id of await store.organizations.listPolicyIdsForTarget(target)) {
      if (!seen.has(id)) seen.set(id, await store.organizations.getPolicy(id));
      const p = seen.get(id);
      if (p && p.type === type) level.push({ id: `org:${p.id}#${p.revision}`, document: p.content });
    }
    out.push(level);
  }
  return out;
}

/**
 * `loadAccountOrganization` with a per-account cache for the request path, dropped on every
 * `organization` change (structure, policies, attachments, enabled types) and on `external` ones
 * (another worker process committed something), like the identity-policy loader.
 */
export function createOrganizationPolicyLoader(
  store: IamStore,
  options: { maxEntries?: number } = {},
): OrganizationPolicyLoader {
  const max = options.maxEntries ?? 10_000;
  // `null`: the account is in no organization (cached too: the common case of a server without one).
  const cache = new Map<string, AccountOrganization | null>();
  let generation = 0;
  const invalidate = () => {
    generation++;
    cache.clear();
  };
  const unsubscribe = store.onChange((c) => {
    if (c.kind === 'organization' || c.kind === 'external') invalidate();
  });
  return {
    async forAccount(accountId) {
      const hit = cache.get(accountId);
      if (hit !== undefined) return hit ?? undefined;
      const g = generation;
      const loaded = await loadAccountOrganization(store, accountId);
      if (g === generation) {
        if (cache.size >= max) cache.clear();
        cache.set(accountId, loaded ?? null);
      }
      return loaded;
    },
    get generation() {
      return generation;
    },
    invalidate,
    close: unsubscribe,
  };
}
