import type { Caller } from '../identity/caller.js';
import { loadAwsManagedPolicies, type AwsManagedPolicyCatalog } from './aws-managed/catalog.js';
import type { IamStore } from './store/types.js';

export interface IdentityPolicy {
  /** Stable cache key that changes with the content: managed `ARN#versionId`, inline `inline-user:<id>:<name>#<revision>`. */
  readonly id: string;
  readonly document: string;
  readonly source: 'inline-user' | 'inline-group' | 'inline-role' | 'managed';
}

export interface IdentityPolicies {
  readonly policies: IdentityPolicy[];
  readonly principalTags: Record<string, string>;
  /** The user's or role's permissions boundary document, when one is set. */
  readonly permissionsBoundary?: IdentityPolicy;
}

/**
 * The identity-based policies that apply to a caller: an IAM user's inline and attached managed
 * policies and each of the user's groups' (duplicates of one managed policy collapse); a role
 * session's role's inline and attached policies. Root and anonymous callers have none. Also the
 * principal's tags (aws:PrincipalTag) and permissions boundary. Reads go through the store's prepared
 * statements; the loader below caches the result per principal.
 */
export async function loadIdentityPolicies(store: IamStore, caller: Caller, awsManaged: AwsManagedPolicyCatalog): Promise<IdentityPolicies> {
  const principal = await principalOf(store, caller);
  if (!principal) return NONE;
  const policies: IdentityPolicy[] = [];
  const managed = new Set<string>();
  const addPrincipal = async (kind: 'user' | 'group' | 'role', id: string) => {
    const source = kind === 'group' ? 'inline-group' : kind === 'role' ? 'inline-role' : 'inline-user';
    for (const p of await store.inlinePolicies.list(kind, id)) {
      policies.push({ id: `${source}:${id}:${p.policyName}#${p.revision}`, document: p.document, source });
    }
    for (const a of await store.attachments.listForPrincipal(kind, id)) {
      if (managed.has(a.policyArn)) continue;
      managed.add(a.policyArn);
      const p = await resolveManaged(store, a.policyArn, awsManaged);
      if (p) policies.push({ ...p, source: 'managed' });
    }
  };
  await addPrincipal(principal.kind, principal.id);
  if (principal.kind === 'user') for (const g of await store.groups.listForUser(principal.id)) await addPrincipal('group', g.groupId);
  const principalTags: Record<string, string> = {};
  for (const t of await store.tags.list(principal.kind, principal.id)) principalTags[t.Key] = t.Value;
  const boundary = principal.boundaryArn ? await resolveManaged(store, principal.boundaryArn, awsManaged) : undefined;
  return { policies, principalTags, ...(boundary ? { permissionsBoundary: { ...boundary, source: 'managed' as const } } : {}) };
}

const NONE: IdentityPolicies = Object.freeze({ policies: [], principalTags: {} });

/** The stored principal behind a caller: an IAM user, or the role of a role session. */
async function principalOf(store: IamStore, caller: Caller): Promise<{ kind: 'user' | 'role'; id: string; boundaryArn: string | undefined } | undefined> {
  if (caller.kind === 'User') {
    const u = await store.users.getById(caller.userId);
    return u && { kind: 'user', id: u.userId, boundaryArn: u.permissionsBoundaryArn };
  }
  if (caller.kind === 'AssumedRole') {
    const r = await store.roles.getById(caller.roleId);
    return r && { kind: 'role', id: r.roleId, boundaryArn: r.permissionsBoundaryArn };
  }
  return undefined;
}

/** The cache key of a caller's identity policies: the user or role id. */
function principalKey(caller: Caller): string | undefined {
  return caller.kind === 'User' ? caller.userId : caller.kind === 'AssumedRole' ? caller.roleId : undefined;
}

export async function resolveManaged(store: IamStore, arn: string, awsManaged: AwsManagedPolicyCatalog): Promise<{ id: string; document: string } | undefined> {
  if (arn.startsWith('arn:aws:iam::aws:policy/')) {
    const p = awsManaged.get(arn);
    return p && { id: `${arn}#${p.defaultVersionId}`, document: p.document };
  }
  const p = await store.policies.get(arn);
  if (!p) return undefined;
  const v = await store.policies.getVersion(arn, p.defaultVersionId);
  return v && { id: `${arn}#${v.versionId}`, document: v.document };
}

export interface IdentityPolicyLoader {
  load(caller: Caller): Promise<IdentityPolicies>;
  /** Drops every cached entry (explicit invalidation path; the store feed calls it on every IAM change). */
  invalidate(): void;
  close(): void;
}

/**
 * `loadIdentityPolicies` with a per-user cache for the request path. Any IAM change reported by the
 * store (policy versions, attachments, inline policies, memberships, tags, users, groups) clears
 * it, so a change applies on the next request on this node, including changes made by its other
 * worker processes (the server polls the store when a request starts: `pollExternalChanges`). ROADMAP scale-out: other nodes' changes arrive through the
 * same `store.onChange` feed.
 */
export function createIdentityPolicyLoader(options: { store: IamStore; awsManaged?: AwsManagedPolicyCatalog; maxEntries?: number }): IdentityPolicyLoader {
  const { store } = options;
  const awsManaged = options.awsManaged ?? loadAwsManagedPolicies();
  const max = options.maxEntries ?? 10_000;
  const cache = new Map<string, IdentityPolicies>();
  let generation = 0;
  const invalidate = () => {
    generation++;
    cache.clear();
  };
  const unsubscribe = store.onChange((c) => {
    if (c.kind !== 'accessKey') invalidate();
  });
  return {
    async load(caller) {
      const key = principalKey(caller);
      if (key === undefined) return NONE;
      const hit = cache.get(key);
      if (hit) return hit;
      const g = generation;
      const loaded = await loadIdentityPolicies(store, caller, awsManaged);
      if (g === generation) {
        if (cache.size >= max) cache.clear();
        cache.set(key, loaded);
      }
      return loaded;
    },
    invalidate,
    close: unsubscribe,
  };
}
