import type { Criterion, FilterCriteria, FindingRecord } from './auditor-types.js';

/**
 * Access Analyzer's filter keys and criteria, for archive rules and ListFindings: a key names a
 * member of the finding (`resource`, `resourceType`, `isPublic`, `status`, `action`) or of one of its
 * maps (`principal.AWS`, `condition.aws:SourceIp`); `eq` matches when a value of the member equals one
 * listed, `neq` when none does, `contains` when one contains a listed text, `exists` when the member is
 * present (or absent, for false). Every key must match.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-filter-keys.html
 */
export function matchesFilter(finding: FindingRecord, filter: FilterCriteria | undefined): boolean {
  if (filter === undefined) return true;
  return Object.entries(filter).every(([key, criterion]) => meets(attributeValues(finding, key), criterion));
}

function meets(values: readonly string[] | undefined, c: Criterion): boolean {
  if (c.exists !== undefined && c.exists !== (values !== undefined)) return false;
  const present = values ?? [];
  if (c.eq && !present.some((v) => c.eq!.includes(v))) return false;
  if (c.neq && present.some((v) => c.neq!.includes(v))) return false;
  if (c.contains && !present.some((v) => c.contains!.some((t) => v.includes(t)))) return false;
  return true;
}

/** The values of a filter key in a finding (undefined: the member is absent). */
export function attributeValues(f: FindingRecord, key: string): readonly string[] | undefined {
  const top: Readonly<Record<string, unknown>> = {
    ...f.details,
    id: f.id,
    resource: f.resource,
    resourceType: f.resourceType,
    resourceOwnerAccount: f.resourceOwnerAccount,
    findingType: f.findingType,
    status: f.status,
  };
  const dot = key.indexOf('.');
  const value = dot === -1 ? top[key] : member(top[key.slice(0, dot)], key.slice(dot + 1));
  return asStrings(value);
}

function member(map: unknown, name: string): unknown {
  return typeof map === 'object' && map !== null && !Array.isArray(map)
    ? (map as Record<string, unknown>)[name]
    : undefined;
}

function asStrings(v: unknown): readonly string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'object') return undefined;
  return [String(v)];
}
