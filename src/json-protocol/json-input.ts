import { ServiceError } from '../errors/service-error.js';

/**
 * Reads the members of a JSON-protocol request through the constraints of the service model
 * (`required`, `min`/`max` length or value, `pattern`, `enum`), as AWS validates them before the
 * operation runs. A value of the wrong JSON type is a `SerializationException` (the request could not
 * be deserialized); a constraint that fails is reported through the service's `invalidInput`.
 */

export type InputReason =
  | 'INPUT_REQUIRED'
  | 'MIN_LENGTH_EXCEEDED'
  | 'MAX_LENGTH_EXCEEDED'
  | 'INVALID_PATTERN'
  | 'INVALID_ENUM'
  | 'MIN_VALUE_EXCEEDED'
  | 'MAX_VALUE_EXCEEDED';

export interface InputProblem {
  /** The member's path as written in the model: `AccountName`, `Tags.0.Key`. */
  readonly member: string;
  readonly reason: InputReason;
  readonly value: unknown;
  /** AWS's constraint text: `Member must have length less than or equal to 50`. */
  readonly constraint: string;
}

export interface StringRules {
  readonly min?: number;
  readonly max?: number;
  /** The model's pattern (a Java regex); the whole value must match. */
  readonly pattern?: string;
  readonly enum?: readonly string[];
}

export interface NumberRules {
  readonly min?: number;
  readonly max?: number;
}

type Problems = (p: InputProblem) => ServiceError;

const compiled = new Map<string, RegExp>();

function fullMatch(pattern: string, value: string): boolean {
  let re = compiled.get(pattern);
  if (re === undefined) {
    re = new RegExp(`^(?:${pattern})$`, 'u');
    compiled.set(pattern, re);
  }
  return re.test(value);
}

export function serializationError(message: string): ServiceError {
  return new ServiceError('SerializationException', message, 400);
}

/** The `ValidationException` most AWS JSON services answer for a broken constraint. */
export function validationException(p: InputProblem): ServiceError {
  const at = p.member.charAt(0).toLowerCase() + p.member.slice(1);
  const shown = p.value === undefined ? 'null' : `'${String(p.value)}'`;
  return new ServiceError(
    'ValidationException',
    `1 validation error detected: Value ${shown} at '${at}' failed to satisfy constraint: ${p.constraint}`,
    400,
  );
}

export class JsonInput {
  constructor(
    private readonly body: Readonly<Record<string, unknown>>,
    private readonly problems: Problems = validationException,
    private readonly path = '',
  ) {}

  has(member: string): boolean {
    return this.body[member] !== undefined && this.body[member] !== null;
  }

  requiredString(member: string, rules: StringRules = {}): string {
    const v = this.optionalString(member, rules);
    if (v === undefined) throw this.problem(member, 'INPUT_REQUIRED', undefined, 'Member must not be null');
    return v;
  }

  optionalString(member: string, rules: StringRules = {}): string | undefined {
    const v = this.raw(member);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw serializationError(`Expected a string for ${this.at(member)}`);
    this.checkString(member, v, rules);
    return v;
  }

  optionalInt(member: string, rules: NumberRules = {}): number | undefined {
    const v = this.raw(member);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v))
      throw serializationError(`Expected an integer for ${this.at(member)}`);
    if (rules.min !== undefined && v < rules.min) {
      throw this.problem(
        member,
        'MIN_VALUE_EXCEEDED',
        v,
        `Member must have value greater than or equal to ${rules.min}`,
      );
    }
    if (rules.max !== undefined && v > rules.max) {
      throw this.problem(member, 'MAX_VALUE_EXCEEDED', v, `Member must have value less than or equal to ${rules.max}`);
    }
    return v;
  }

  /** A timestamp: epoch seconds (the JSON protocol's default, fractions allowed), as SDKs send it. */
  optionalTimestamp(member: string): Date | undefined {
    const v = this.raw(member);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw serializationError(`Expected a timestamp for ${this.at(member)}`);
    return new Date(Math.round(v * 1000));
  }

  optionalBoolean(member: string): boolean | undefined {
    const v = this.raw(member);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw serializationError(`Expected a boolean for ${this.at(member)}`);
    return v;
  }

  /** A list of strings, each checked against `rules`. */
  optionalStringList(member: string, rules: StringRules = {}): string[] | undefined {
    const list = this.list(member);
    if (list === undefined) return undefined;
    return list.map((v, i) => {
      if (typeof v !== 'string') throw serializationError(`Expected a string for ${this.at(member)}.${i}`);
      this.checkString(`${member}.${i}`, v, rules);
      return v;
    });
  }

  /** A map of strings to strings (KMS EncryptionContext); each key and value checked against `rules`. */
  optionalStringMap(member: string, rules: StringRules = {}): Record<string, string> | undefined {
    const v = this.raw(member);
    if (v === undefined) return undefined;
    if (!isObject(v)) throw serializationError(`Expected a map for ${this.at(member)}`);
    for (const [k, value] of Object.entries(v)) {
      if (typeof value !== 'string') throw serializationError(`Expected a string for ${this.at(member)}.${k}`);
      this.checkString(`${member}.${k}`, value, rules);
    }
    return v as Record<string, string>;
  }

  /** A list of structures, each read through its own JsonInput. */
  optionalStructureList(member: string): JsonInput[] | undefined {
    const list = this.list(member);
    if (list === undefined) return undefined;
    return list.map((v, i) => {
      if (!isObject(v)) throw serializationError(`Expected a structure for ${this.at(member)}.${i}`);
      return new JsonInput(v, this.problems, `${this.at(member)}.${i}.`);
    });
  }

  /** A structure member, read through its own JsonInput. */
  optionalStructure(member: string): JsonInput | undefined {
    const v = this.raw(member);
    if (v === undefined) return undefined;
    if (!isObject(v)) throw serializationError(`Expected a structure for ${this.at(member)}`);
    return new JsonInput(v, this.problems, `${this.at(member)}.`);
  }

  /** A map of strings to structures (Access Analyzer's FilterCriteriaMap), each read through its own JsonInput. */
  optionalStructureMap(member: string): Record<string, JsonInput> | undefined {
    const v = this.raw(member);
    if (v === undefined) return undefined;
    if (!isObject(v)) throw serializationError(`Expected a map for ${this.at(member)}`);
    const out: Record<string, JsonInput> = {};
    for (const [k, value] of Object.entries(v)) {
      if (!isObject(value)) throw serializationError(`Expected a structure for ${this.at(member)}.${k}`);
      out[k] = new JsonInput(value, this.problems, `${this.at(member)}.${k}.`);
    }
    return out;
  }

  /** A problem with `member` in the service's terms (for checks the model cannot express). */
  problem(member: string, reason: InputReason, value: unknown, constraint: string): ServiceError {
    return this.problems({ member: this.at(member), reason, value, constraint });
  }

  private list(member: string): unknown[] | undefined {
    const v = this.raw(member);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw serializationError(`Expected a list for ${this.at(member)}`);
    return v;
  }

  private checkString(member: string, v: string, rules: StringRules): void {
    if (rules.enum !== undefined && !rules.enum.includes(v)) {
      throw this.problem(member, 'INVALID_ENUM', v, `Member must satisfy enum value set: [${rules.enum.join(', ')}]`);
    }
    if (rules.min !== undefined && v.length < rules.min) {
      throw this.problem(
        member,
        'MIN_LENGTH_EXCEEDED',
        v,
        `Member must have length greater than or equal to ${rules.min}`,
      );
    }
    if (rules.max !== undefined && v.length > rules.max) {
      throw this.problem(
        member,
        'MAX_LENGTH_EXCEEDED',
        v,
        `Member must have length less than or equal to ${rules.max}`,
      );
    }
    if (rules.pattern !== undefined && !fullMatch(rules.pattern, v)) {
      throw this.problem(
        member,
        'INVALID_PATTERN',
        v,
        `Member must satisfy regular expression pattern: ${rules.pattern}`,
      );
    }
  }

  private raw(member: string): unknown {
    const v = this.body[member];
    return v === null ? undefined : v;
  }

  private at(member: string): string {
    return this.path + member;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
