import type { Caller } from '../identity/caller.js';
import { loadAwsManagedPolicies, type AwsManagedPolicyCatalog } from './aws-managed/catalog.js';
import type { IamStore } from './store/types.js';

export interface IdentityPolicy {
  /** Stable cache key that changes with the content: managed `ARN#versionId`, inline `inline-user:<id>:<name>#<revision>`. */
  readonly id: string;
  readonly document: string;
  readonly source: 'inline-user' | 'inline-group' | 'managed';
}

export interface IdentityPolicies {
  readonly policies: IdentityPolicy[];
  readonly principalTags: Record<string, string>;
  /** The user's permissions boundary document, when one is set (ROADMAP 1). */
  readonly permissionsBoundary?: IdentityPolicy;
}

/**
 * The identity-based policies that apply to a caller: the user's inline and attached managed
 * policies, and each of the user's groups' inline and attached ones (duplicates of one managed
 * policy collapse). Root and anonymous callers have none. Reads go through the store's prepared
 * statements; this runs on every user request.
 */
export async function loadIdentityPolicies(store: IamStore, caller: Caller, awsManaged: AwsManagedPolicyCatalog): Promise<IdentityPolicies> {
  if (caller.kind !== 'User') return { policies: [], principalTags: {} };
  const user = await store.users.getById(caller.userId);
  if (!user) return { policies: [], principalTags: {} };
  const policies: IdentityPolicy[] = [];
  const managed = new Set<string>();

  async function addManaged(arn: string, source: 'managed'): Promise<void> {
    if (managed.has(arn)) return;
    managed.add(arn);
    const p = await resolveManaged(store, arn, awsManaged);
    if (p) policies.push({ ...p, source });
  }

  for (const p of await store.inlinePolicies.list('user', user.userId)) {
    policies.push({ id: `inline-user:${user.userId}:${p.policyName}#${p.revision}`, document: p.document, source: 'inline-user' });
  }
  for (const a of await store.attachments.listForPrincipal('user', user.userId)) await addManaged(a.policyArn, 'managed');
  for (const g of await store.groups.listForUser(user.userId)) {
    for (const p of await store.inlinePolicies.list('group', g.groupId)) {
      policies.push({ id: `inline-group:${g.groupId}:${p.policyName}#${p.revision}`, document: p.document, source: 'inline-group' });
    }
    for (const a of await store.attachments.listForPrincipal('group', g.groupId)) await addManaged(a.policyArn, 'managed');
  }
  const principalTags: Record<string, string> = {};
  for (const t of await store.tags.list('user', user.userId)) principalTags[t.Key] = t.Value;
  const boundary = user.permissionsBoundaryArn ? await resolveManaged(store, user.permissionsBoundaryArn, awsManaged) : undefined;
  return { policies, principalTags, ...(boundary ? { permissionsBoundary: { ...boundary, source: 'managed' as const } } : {}) };
}

async function resolveManaged(store: IamStore, arn: string, awsManaged: AwsManagedPolicyCatalog): Promise<{ id: string; document: string } | undefined> {
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
      if (caller.kind !== 'User') return { policies: [], principalTags: {} };
      const hit = cache.get(caller.userId);
      if (hit) return hit;
      const g = generation;
      const loaded = await loadIdentityPolicies(store, caller, awsManaged);
      if (g === generation) {
        if (cache.size >= max) cache.clear();
        cache.set(caller.userId, loaded);
      }
      return loaded;
    },
    invalidate,
    close: unsubscribe,
  };
}
