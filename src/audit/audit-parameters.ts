/**
 * CloudTrail's requestParameters and responseElements from what the Query and JSON protocols parse and
 * render: member names in lowerCamelCase (`UserName` → `userName`), Query lists (`Tags.member.1.Key`)
 * as arrays of structures, XML `member` wrappers unwrapped, timestamps as ISO 8601. One generic mapping
 * instead of a table per operation; secrets are removed later, where the event is built
 * (cloudtrail-redaction.ts).
 * Deviation from AWS: IAM events render timestamps as `Dec 7, 2026, 5:00:00 AM`; ISO 8601 here.
 */

/** `UserName` → `userName`; names that start lower-case stay as they are. */
export function lowerCamel(name: string): string {
  const first = name.charCodeAt(0);
  return first >= 65 && first <= 90 ? name.charAt(0).toLowerCase() + name.slice(1) : name;
}

type Tree = { [name: string]: Tree | string };

/** `Action` and `Version` are the protocol's, not the operation's. */
const QUERY_PROTOCOL_PARAMETERS: ReadonlySet<string> = new Set(['Action', 'Version']);

/** The Query request's parameters as CloudTrail shows them. */
export function queryRequestParameters(entries: Iterable<readonly [string, string]>): Record<string, unknown> | undefined {
  const root: Tree = {};
  let any = false;
  for (const [name, value] of entries) {
    if (QUERY_PROTOCOL_PARAMETERS.has(name)) continue;
    any = true;
    const path = name.split('.');
    let node = root;
    for (let i = 0; i < path.length - 1; i++) {
      const child = node[path[i]!];
      node = typeof child === 'object' ? child : (node[path[i]!] = {});
    }
    node[path[path.length - 1]!] = value;
  }
  return any ? (structured(root) as Record<string, unknown>) : undefined;
}

/** A rendered result (an XML node or a JSON structure) as CloudTrail's elements. */
export function structuredElements(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null || typeof value !== 'object') return undefined;
  return structured(value) as Record<string, unknown>;
}

function structured(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(structured);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  // A Query list (`member` holding `1`, `2`, ...) or an XML list (`{ member: [...] }`) is an array.
  if (entries.length === 1 && entries[0]![0] === 'member') return listOf(entries[0]![1]);
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) out[lowerCamel(k)] = structured(v);
  return out;
}

function listOf(member: unknown): unknown[] {
  if (Array.isArray(member)) return member.map(structured);
  if (member !== null && typeof member === 'object' && !(member instanceof Date)) {
    const indexed = Object.entries(member as Record<string, unknown>).filter(([k]) => /^\d+$/.test(k));
    if (indexed.length > 0) return indexed.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => structured(v));
  }
  return [structured(member)];
}
