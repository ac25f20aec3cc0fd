/**
 * Small pieces every resource description is built from: policy documents as parsed JSON, tags as a
 * map, timestamps as ISO 8601, lists in a fixed order. Deterministic: the same state gives the same
 * JSON whatever order a store returned its rows in.
 */
import type { JsonObject, JsonValue } from './configuration-types.js';

/**
 * A policy document as JSON. IAM answers documents URL-encoded (GetUserPolicy, GetPolicyVersion) and
 * AWS Config keeps them so; the stores here keep the text as submitted, which is usually plain JSON.
 * Both read the same. Text that is not JSON either way (it was validated when written, so this is a
 * store fault) stays a string rather than failing the description.
 */
export function policyJson(text: string): JsonValue {
  const plain = parsedOrUndefined(text);
  if (plain !== undefined) return plain;
  try {
    return parsedOrUndefined(decodeURIComponent(text)) ?? text;
  } catch {
    return text;
  }
}

function parsedOrUndefined(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/** Tags as AWS Config's `tags` map, keys in code-point order. */
export function tagMap(tags: readonly (readonly [string, string])[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of [...tags].sort(([a], [b]) => compare(a, b))) out[k] = v;
  return out;
}

/** IAM-style tags (`{ Key, Value }`) as pairs. */
export function keyValuePairs(tags: readonly { readonly Key: string; readonly Value: string }[]): [string, string][] {
  return tags.map((t) => [t.Key, t.Value]);
}

/** A tag map as the `[{ key, value }]` list AWS Config's IAM configurations carry. */
export function tagList(tags: Readonly<Record<string, string>>): JsonObject[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

export function iso(date: Date): string {
  return date.toISOString();
}

export function isoOrNull(date: Date | undefined): string | null {
  return date === undefined ? null : date.toISOString();
}

/** A copy sorted by a string key (code-point order: locale-free, so the same everywhere). */
export function sortedBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => compare(key(a), key(b)));
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `{ a: 1, b: undefined }` → `{ a: 1 }`: JSON has no undefined, and a description is JSON. */
export function withoutUndefined(o: Readonly<Record<string, JsonValue | undefined>>): JsonObject {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * A stored record (plain data: strings, numbers, booleans, arrays, objects, dates) as JSON: members
 * that are undefined are left out, dates become ISO 8601 text.
 */
export function toJson(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => toJson(v === undefined ? null : v));
  if (typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) out[k] = toJson(v);
    return out;
  }
  return null;
}
