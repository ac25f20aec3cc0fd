import { ServiceError } from '../errors/service-error.js';

/**
 * Reader over the flat key/value parameters of an AWS Query request. Lists are flattened AWS-style:
 * `Tags.member.1.Key=k&Tags.member.1.Value=v`, `PolicyInputList.member.1=...`,
 * `ContextEntries.member.1.ContextKeyValues.member.1=...`. Values that fail validation raise
 * `ValidationError` with AWS's message form ("1 validation error detected: Value 'x' at 'userName'
 * failed to satisfy constraint: ...").
 */
export class QueryParams {
  constructor(
    private readonly values: ReadonlyMap<string, string>,
    /** Prefix of a nested structure, e.g. `Tags.member.2.` */
    private readonly prefix = '',
  ) {}

  static fromEntries(entries: Iterable<readonly [string, string]>): QueryParams {
    const m = new Map<string, string>();
    for (const [k, v] of entries) if (!m.has(k)) m.set(k, v);
    return new QueryParams(m);
  }

  /** Every parameter of this reader's structure, names relative to it. */
  *entries(): IterableIterator<readonly [string, string]> {
    for (const [k, v] of this.values) if (k.startsWith(this.prefix)) yield [k.slice(this.prefix.length), v];
  }

  /** Raw value or undefined. An empty string is a value (AWS distinguishes `Path=` from no Path). */
  get(name: string): string | undefined {
    return this.values.get(this.prefix + name);
  }

  has(name: string): boolean {
    return this.values.has(this.prefix + name);
  }

  /** Values of `name.member.1`, `name.member.2`, ... in index order; stops at the first gap. */
  list(name: string): string[] | undefined {
    const out: string[] = [];
    for (let i = 1; ; i++) {
      const v = this.values.get(`${this.prefix}${name}.member.${i}`);
      if (v === undefined) break;
      out.push(v);
    }
    if (out.length === 0 && !this.values.has(`${this.prefix}${name}`)) return undefined;
    return out;
  }

  /** Structures of `name.member.N.*`, each as a nested reader. */
  structList(name: string): QueryParams[] | undefined {
    const base = `${this.prefix}${name}.member.`;
    const indexes = new Set<number>();
    for (const k of this.values.keys()) {
      if (!k.startsWith(base)) continue;
      const n = Number(k.slice(base.length).split('.')[0]);
      if (Number.isInteger(n) && n > 0) indexes.add(n);
    }
    if (indexes.size === 0) return this.values.has(`${this.prefix}${name}`) ? [] : undefined;
    return [...indexes].sort((a, b) => a - b).map((n) => new QueryParams(this.values, `${base}${n}.`));
  }

  /** camelCase member path for messages: `UserName` → `userName`, nested `tags.1.member.key`. */
  memberPath(name: string): string {
    const lc = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
    const parts = (this.prefix + name).split('.').filter((p) => p !== 'member');
    return parts.map(lc).join('.');
  }
}

export function validationError(message: string): ServiceError {
  return new ServiceError('ValidationError', message, 400);
}

export function constraintError(value: string | undefined, path: string, constraint: string): ServiceError {
  const shown = value === undefined ? 'null' : `'${value}'`;
  return validationError(`1 validation error detected: Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
}

export interface StringRule {
  readonly min?: number;
  readonly max?: number;
  /** Pattern as in the service model (anchored here: the whole value must match). */
  readonly pattern?: string;
}

/** Validates a string member against the model's min/max/pattern. */
export function checkString(p: QueryParams, name: string, value: string, rule: StringRule): string {
  const path = p.memberPath(name);
  if (rule.min !== undefined && value.length < rule.min) throw constraintError(value, path, `Member must have length greater than or equal to ${rule.min}`);
  if (rule.max !== undefined && value.length > rule.max) throw constraintError(value, path, `Member must have length less than or equal to ${rule.max}`);
  if (rule.pattern !== undefined && !new RegExp(`^(?:${rule.pattern})$`, 'u').test(value)) {
    throw constraintError(value, path, `Member must satisfy regular expression pattern: ${rule.pattern}`);
  }
  return value;
}

export function requiredString(p: QueryParams, name: string, rule: StringRule = {}): string {
  const v = p.get(name);
  if (v === undefined) throw constraintError(undefined, p.memberPath(name), 'Member must not be null');
  return checkString(p, name, v, rule);
}

export function optionalString(p: QueryParams, name: string, rule: StringRule = {}): string | undefined {
  const v = p.get(name);
  return v === undefined ? undefined : checkString(p, name, v, rule);
}

export function optionalInt(p: QueryParams, name: string, range: { min?: number; max?: number } = {}): number | undefined {
  const v = p.get(name);
  if (v === undefined) return undefined;
  const path = p.memberPath(name);
  if (!/^-?\d+$/.test(v.trim())) throw validationError(`Invalid value for parameter ${path}, value: ${v}, type: class java.lang.String, expected type: integer`);
  const n = Number(v);
  if (range.min !== undefined && n < range.min) throw constraintError(v, path, `Member must have value greater than or equal to ${range.min}`);
  if (range.max !== undefined && n > range.max) throw constraintError(v, path, `Member must have value less than or equal to ${range.max}`);
  return n;
}

export function optionalBool(p: QueryParams, name: string): boolean | undefined {
  const v = p.get(name);
  if (v === undefined) return undefined;
  const lc = v.toLowerCase();
  if (lc === 'true') return true;
  if (lc === 'false') return false;
  throw validationError(`Invalid value for parameter ${p.memberPath(name)}, value: ${v}, type: class java.lang.String, expected type: boolean`);
}

export function optionalEnum<T extends string>(p: QueryParams, name: string, allowed: readonly T[]): T | undefined {
  const v = p.get(name);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw constraintError(v, p.memberPath(name), `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  return v as T;
}
