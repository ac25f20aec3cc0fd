/** The arguments of `strongbox audit ...`: `--option VALUE` (repeatable), `--json`, and files. */

export class UsageError extends Error {}

export interface Parsed {
  readonly options: ReadonlyMap<string, readonly string[]>;
  readonly files: readonly string[];
  readonly json: boolean;
}

export function parseArgs(argv: readonly string[], valueOptions: ReadonlySet<string>): Parsed {
  const options = new Map<string, string[]>();
  const files: string[] = [];
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (valueOptions.has(a)) {
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`${a} needs a value`);
      options.set(a, [...(options.get(a) ?? []), value]);
    } else if (a.startsWith('--')) throw new UsageError(`unknown option '${a}'`);
    else files.push(a);
  }
  return { options, files, json };
}

export function required(args: Parsed, option: string): string {
  const v = optional(args, option);
  if (v === undefined) throw new UsageError(`${option} is required`);
  return v;
}

export function optional(args: Parsed, option: string): string | undefined {
  const values = args.options.get(option);
  if (values !== undefined && values.length > 1) throw new UsageError(`${option} given twice`);
  return values?.[0];
}

export function oneOf<T extends string>(value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`'${value}' is not one of ${allowed.join(', ')}`);
  return value as T;
}

export function optionalOneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  return value === undefined ? undefined : oneOf(value, allowed);
}

export function one(files: readonly string[], what: string): string {
  if (files.length !== 1) throw new UsageError(`one ${what} expected`);
  return files[0]!;
}
