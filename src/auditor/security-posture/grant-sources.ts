/**
 * Which policy a granting statement belongs to, and who holds that policy (the user itself or one of
 * its groups, or the role): what a finding cites and what its fix detaches or deletes.
 */
import type { IamStore, GroupRow } from '../../iam/store/types.js';
import type { GrantSource, PolicyHolder } from './dangerous-permission.js';

/**
 * The identity-policy loader's ids (src/iam/identity-policies.ts): `inline-user:<userId>:<name>#<revision>`
 * (likewise `inline-group:`, `inline-role:`), and `<policy ARN>#<versionId>` for managed policies.
 * IAM names hold no `:` or `#`.
 */
const INLINE_ID = /^inline-(user|group|role):([^:]+):([^:#]+)#\d+$/;

export interface HolderPrincipal {
  readonly kind: 'user' | 'role';
  readonly id: string;
  readonly name: string;
  /** A user's groups. */
  readonly groups: readonly GroupRow[];
}

/** Reads the principal's (and its groups') attachments once: 1 + |groups| queries. */
export async function grantSources(iam: IamStore, p: HolderPrincipal): Promise<(policyId: string) => GrantSource> {
  const holders = new Map<string, PolicyHolder[]>();
  const add = (arn: string, h: PolicyHolder) => holders.set(arn, [...(holders.get(arn) ?? []), h]);
  for (const a of await iam.attachments.listForPrincipal(p.kind, p.id))
    add(a.policyArn, { kind: p.kind, name: p.name });
  for (const g of p.groups) {
    for (const a of await iam.attachments.listForPrincipal('group', g.groupId)) {
      add(a.policyArn, { kind: 'group', name: g.groupName });
    }
  }
  const groupName = new Map(p.groups.map((g) => [g.groupId, g.groupName]));
  return (policyId) => {
    const inline = INLINE_ID.exec(policyId);
    if (inline) {
      const [, kind, id, name] = inline;
      const holder: PolicyHolder =
        kind === 'group' ? { kind: 'group', name: groupName.get(id) ?? id } : { kind: p.kind, name: p.name };
      return { policy: `inline:${name}`, inline: true, holders: [holder] };
    }
    const hash = policyId.lastIndexOf('#');
    const arn = hash < 0 ? policyId : policyId.slice(0, hash);
    return { policy: arn, inline: false, holders: holders.get(arn) ?? [] };
  };
}
