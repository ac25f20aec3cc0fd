/**
 * Amazon S3 policies (Organizations policy type `S3_POLICY`, a management policy): an organization
 * sets S3 Block Public Access for its accounts, all four settings together.
 *
 *   { "s3_attributes": { "public_access_block_configuration": { "@@assign": "all" } } }
 *
 * `"all"` turns the four settings on, `"none"` turns them off. While an account's effective S3 policy
 * assigns a value, that value is the account's Block Public Access and the account cannot change it
 * (S3 Control PutPublicAccessBlock / DeletePublicAccessBlock answer AccessDenied); once no policy
 * assigns one (detached, or the type disabled), the account's own settings apply again.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_s3.html
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_s3_syntax.html
 *
 * Inheritance follows the management-policy rules for one single-valued setting: going from the root
 * through the OUs down to the account, an `@@assign` replaces the inherited value unless a parent's
 * `@@operators_allowed_for_child_policies` took `@@assign` away from its children.
 * https://docs.aws.amazon.com/organizations/latest/userguide/policy-operators.html
 * Management policies, unlike SCPs and RCPs, apply to the management account too.
 */
import type { IamStore, OrganizationRow } from '../iam/store/types.js';
import { constraintViolation, orgError } from './errors.js';
import { ancestry } from './shapes.js';

export type S3PolicyBlockPublicAccess = 'all' | 'none';

/**
 * Deviation from AWS: the S3 policy's size quota is not published; Strongbox uses the 10,000
 * characters of the other declarative policy types.
 */
export const MAX_S3_POLICY_CHARS = 10_000;

const ASSIGN = '@@assign';
const CHILD_OPERATORS = '@@operators_allowed_for_child_policies';
const SETTING_OPERATORS = new Set(['@@all', '@@none', '@@assign', '@@append', '@@remove']);

/** One parsed S3 policy: the value it assigns and whether it lets child policies assign another. */
export interface ParsedS3Policy {
  readonly assign: S3PolicyBlockPublicAccess | undefined;
  /** False when an `@@operators_allowed_for_child_policies` of the policy withholds `@@assign`. */
  readonly childrenMayAssign: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function malformed(message: string): never {
  throw orgError('MalformedPolicyDocumentException', { message });
}

function objectOf(v: Json | undefined, where: string): Record<string, Json> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) malformed(`${where} must be a JSON object.`);
  return v;
}

/** Reads `@@operators_allowed_for_child_policies`: whether child policies keep `@@assign`. */
function childOperators(v: Json | undefined): boolean {
  if (v === undefined) return true;
  if (!Array.isArray(v) || v.length === 0 || v.some((o) => typeof o !== 'string' || !SETTING_OPERATORS.has(o))) {
    malformed(`${CHILD_OPERATORS} must be a list of inheritance operators.`);
  }
  return v.includes('@@all') || v.includes(ASSIGN);
}

/** Only the listed keys and the child control operator may appear in an object of the policy. */
function onlyKeys(node: Record<string, Json>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(node)) {
    if (k !== CHILD_OPERATORS && !allowed.includes(k)) malformed(`Unknown element "${k}" in ${where}.`);
  }
}

/**
 * Parses and validates an S3 policy where it is written (CreatePolicy, UpdatePolicy): the size quota
 * (ConstraintViolationException POLICY_CONTENT_LIMIT_EXCEEDED), then the syntax
 * (MalformedPolicyDocumentException).
 */
export function parseS3Policy(content: string): ParsedS3Policy {
  if (content.length > MAX_S3_POLICY_CHARS) {
    throw constraintViolation('POLICY_CONTENT_LIMIT_EXCEEDED', 'You have exceeded the maximum policy size.');
  }
  let doc: Json;
  try {
    doc = JSON.parse(content) as Json;
  } catch {
    return malformed('The policy is not valid JSON.');
  }
  const top = objectOf(doc, 'The policy');
  onlyKeys(top, ['s3_attributes'], 'the policy');
  let childrenMayAssign = childOperators(top[CHILD_OPERATORS]);
  if (top.s3_attributes === undefined) return { assign: undefined, childrenMayAssign };
  const attributes = objectOf(top.s3_attributes, 's3_attributes');
  onlyKeys(attributes, ['public_access_block_configuration'], 's3_attributes');
  childrenMayAssign &&= childOperators(attributes[CHILD_OPERATORS]);
  if (attributes.public_access_block_configuration === undefined) return { assign: undefined, childrenMayAssign };
  const setting = objectOf(attributes.public_access_block_configuration, 'public_access_block_configuration');
  onlyKeys(setting, [ASSIGN], 'public_access_block_configuration');
  childrenMayAssign &&= childOperators(setting[CHILD_OPERATORS]);
  const value = setting[ASSIGN];
  if (value !== undefined && value !== 'all' && value !== 'none') {
    malformed('public_access_block_configuration accepts "all" or "none".');
  }
  return { assign: value, childrenMayAssign };
}

/**
 * The effective value of a chain of levels (root first, then each OU, then the account), each level
 * the S3 policies attached to it in attachment order. A level's locks bind the levels below it only.
 * Deviation from AWS: AWS does not document how two S3 policies attached to the same target combine;
 * here the later one (by policy id) wins, as a later `@@assign` does.
 */
export function effectiveS3Policy(
  levels: readonly (readonly ParsedS3Policy[])[],
): S3PolicyBlockPublicAccess | undefined {
  let value: S3PolicyBlockPublicAccess | undefined;
  let locked = false;
  for (const level of levels) {
    let lockBelow: boolean = locked;
    for (const p of level) {
      if (!locked && p.assign !== undefined) value = p.assign;
      if (!p.childrenMayAssign) lockBelow = true;
    }
    locked = lockBelow;
  }
  return value;
}

/**
 * The S3 policy value in force for an account: undefined when the account is in no organization, the
 * S3 policy type is not enabled, or no policy on its path assigns a value. Reads the store (no cache:
 * the account Block Public Access loader caches the result).
 */
export async function loadAccountS3Policy(
  store: IamStore,
  accountId: string,
): Promise<S3PolicyBlockPublicAccess | undefined> {
  const org: OrganizationRow | undefined = await store.organizations.get();
  if (!org || !org.enabledPolicyTypes.includes('S3_POLICY')) return undefined;
  const account = await store.organizations.getAccount(accountId);
  if (!account) return undefined;
  const levels: ParsedS3Policy[][] = [];
  for (const target of [...(await ancestry(store, org, account.parentId)), accountId]) {
    const level: ParsedS3Policy[] = [];
    for (const id of await store.organizations.listPolicyIdsForTarget(target)) {
      const p = await store.organizations.getPolicy(id);
      // Stored policies were validated when written.
      if (p?.type === 'S3_POLICY') level.push(parseS3Policy(p.content));
    }
    levels.push(level);
  }
  return effectiveS3Policy(levels);
}
