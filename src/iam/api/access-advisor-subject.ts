/**
 * The subject of a last-accessed report (GenerateServiceLastAccessedDetails' Arn): a user, group,
 * role or managed policy; which policies decide its services, and whose uses count.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed-view-data.html
 * - user: its inline and managed policies and its groups' (the services "the user can access"); itself;
 * - group: the group's policies; its members ("the last attempt made by any group member");
 * - role: the role's policies; itself;
 * - policy: that policy; the users and roles it is attached to, and the members of the groups it is
 *   attached to.
 */
import { parsePolicy } from '../../policy/parse-policy.js';
import type { PolicyDocument } from '../../policy/policy-document.js';
import { parsePolicyArn, roleArn, userArn } from '../arn.js';
import { iamError } from '../errors.js';
import { resolveManaged } from '../identity-policies.js';
import type { PrincipalKind, RoleRow, UserRow } from '../store/types.js';
import type { IamApiDeps } from './deps.js';
import type { ReportEntity } from './access-advisor-report.js';
import { findPolicy } from './resolve.js';

export interface AdvisorSubject {
  /** Parsed identity policies whose Allow statements decide the report's services. */
  readonly documents: readonly PolicyDocument[];
  readonly entities: readonly ReportEntity[];
}

interface Principal {
  readonly kind: PrincipalKind;
  readonly id: string;
}

const PRINCIPAL_ARN = /^arn:aws:iam::(\d{12}):(user|group|role)(\/(?:[^/]+\/)*)([^/]+)$/;

/** InvalidInput for an ARN that is no user, group, role or policy; NoSuchEntity when there is none. */
export async function resolveSubject(deps: IamApiDeps, accountId: string, arn: string): Promise<AdvisorSubject> {
  if (parsePolicyArn(arn)) return policySubject(deps, accountId, arn);
  const m = PRINCIPAL_ARN.exec(arn);
  if (!m) throw iamError('InvalidInput', { message: `ARN ${arn} is not valid.` });
  const [, owner, kind, path, name] = m;
  const missing = () => iamError('NoSuchEntity', { message: `The entity with ARN ${arn} cannot be found.` });
  if (owner !== accountId) throw missing();
  const { store } = deps;
  if (kind === 'user') {
    const u = await store.users.getByName(accountId, name);
    if (!u || u.path !== path) throw missing();
    const groups = await store.groups.listForUser(u.userId);
    const principals: Principal[] = [{ kind: 'user', id: u.userId }];
    for (const g of groups) principals.push({ kind: 'group', id: g.groupId });
    const documents = await policiesOf(deps, principals);
    return { documents, entities: [userEntity(u)] };
  }
  if (kind === 'role') {
    const r = await store.roles.getByName(accountId, name);
    if (!r || r.path !== path) throw missing();
    return { documents: await policiesOf(deps, [{ kind: 'role', id: r.roleId }]), entities: [roleEntity(r)] };
  }
  const g = await store.groups.getByName(accountId, name);
  if (!g || g.path !== path) throw missing();
  const members = await store.groups.listMembers(g.groupId);
  return { documents: await policiesOf(deps, [{ kind: 'group', id: g.groupId }]), entities: members.map(userEntity) };
}

async function policySubject(deps: IamApiDeps, accountId: string, arn: string): Promise<AdvisorSubject> {
  const policy = await findPolicy(deps, accountId, arn);
  const managed = policy && (await resolveManaged(deps.store, policy.arn, deps.awsManaged));
  if (!managed) throw iamError('NoSuchEntity', { message: `Policy ${arn} does not exist or is not attachable.` });
  const entities = new Map<string, ReportEntity>();
  const add = (e: ReportEntity) => entities.set(e.arn, e);
  for (const a of await deps.store.attachments.listForPolicy(accountId, policy.arn)) {
    if (a.principalKind === 'user') {
      const u = await deps.store.users.getById(a.principalId);
      if (u) add(userEntity(u));
    } else if (a.principalKind === 'role') {
      const r = await deps.store.roles.getById(a.principalId);
      if (r) add(roleEntity(r));
    } else {
      for (const u of await deps.store.groups.listMembers(a.principalId)) add(userEntity(u));
    }
  }
  return { documents: parsed([managed.document]), entities: [...entities.values()] };
}

/** The inline and attached managed policies of principals (a managed policy attached twice counts once). */
async function policiesOf(deps: Pick<IamApiDeps, 'store' | 'awsManaged'>, principals: readonly Principal[]): Promise<PolicyDocument[]> {
  const texts: string[] = [];
  const managed = new Set<string>();
  for (const p of principals) {
    for (const inline of await deps.store.inlinePolicies.list(p.kind, p.id)) texts.push(inline.document);
    for (const a of await deps.store.attachments.listForPrincipal(p.kind, p.id)) {
      if (managed.has(a.policyArn)) continue;
      managed.add(a.policyArn);
      const doc = await resolveManaged(deps.store, a.policyArn, deps.awsManaged);
      if (doc) texts.push(doc.document);
    }
  }
  return parsed(texts);
}

/** Stored policies were validated when written; one that no longer parses allows nothing. */
function parsed(texts: readonly string[]): PolicyDocument[] {
  const documents: PolicyDocument[] = [];
  for (const text of texts) {
    const r = parsePolicy(text, { kind: 'identity' });
    if (r.ok) documents.push(r.document);
  }
  return documents;
}

/**
 * The identity policies that decide what a user (with its groups') or a role may do, parsed: what the
 * auditor's unused-access analysis weighs against the entity's recorded uses.
 */
export async function entityPolicies(deps: Pick<IamApiDeps, 'store' | 'awsManaged'>, entity: { kind: 'user' | 'role'; id: string }): Promise<PolicyDocument[]> {
  const principals: Principal[] = [{ kind: entity.kind, id: entity.id }];
  if (entity.kind === 'user') for (const g of await deps.store.groups.listForUser(entity.id)) principals.push({ kind: 'group', id: g.groupId });
  return policiesOf(deps, principals);
}

function userEntity(u: UserRow): ReportEntity {
  return { arn: userArn(u.accountId, u.path, u.userName), name: u.userName, type: 'USER', id: u.userId, path: u.path };
}

function roleEntity(r: RoleRow): ReportEntity {
  return { arn: roleArn(r.accountId, r.path, r.roleName), name: r.roleName, type: 'ROLE', id: r.roleId, path: r.path };
}
