import {
  WORKLOAD_CREDENTIALS_PATH,
  WORKLOADS_SERVICE,
  WORKLOADS_TARGET_PREFIX,
} from '../workloads/workloads-endpoints.js';
import { callJsonService, JsonServiceError, type JsonServiceTarget } from './json-service-call.js';

export const WORKLOAD_TOKEN_USAGE = `usage: strongbox workload-token create --instance-profile NAME [--description TEXT]
                                       [--output env|json]
       strongbox workload-token list
       strongbox workload-token revoke TOKEN_ID
  every command: [--endpoint-url URL]   (default: $STRONGBOX_ENDPOINT, else http://127.0.0.1:9000)
  credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; region: AWS_REGION,
  AWS_DEFAULT_REGION, else us-east-1`;

const DEFAULT_ENDPOINT = 'http://127.0.0.1:9000';

export interface CommandIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The signed call (a test replaces it). */
  readonly call?: typeof callJsonService;
}

interface Parsed {
  readonly command: string;
  readonly options: ReadonlyMap<string, string>;
  readonly positional: readonly string[];
}

class UsageError extends Error {}

const OPTIONS: Readonly<Record<string, readonly string[]>> = {
  create: ['--endpoint-url', '--instance-profile', '--description', '--output'],
  list: ['--endpoint-url'],
  revoke: ['--endpoint-url'],
};

/**
 * `strongbox workload-token create|list|revoke`: the workloads API (src/workloads) from the shell,
 * signed with SigV4 from the standard AWS environment variables. `create` prints the two variables a
 * workload needs, as `export` lines (`eval "$(strongbox workload-token create ...)"` sets them).
 * Exit status: 0 done, 1 refused or unreachable, 2 usage.
 */
export async function runWorkloadTokenCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`strongbox workload-token: ${e.message}\n${WORKLOAD_TOKEN_USAGE}\n`);
    return 2;
  }
  if (parsed.command === 'help') {
    io.stdout(`${WORKLOAD_TOKEN_USAGE}\n`);
    return 0;
  }
  const target = targetFrom(parsed, io.env);
  if (typeof target === 'string') {
    io.stderr(`strongbox workload-token: ${target}\n`);
    return 2;
  }
  const call = (op: string, input: Record<string, unknown>) => (io.call ?? callJsonService)(target, op, input);
  try {
    return await run(parsed, target, call, io);
  } catch (e) {
    if (e instanceof JsonServiceError) {
      io.stderr(`strongbox workload-token: ${e.code}: ${e.message}\n`);
      return 1;
    }
    const reason = e instanceof Error ? e.message : String(e);
    io.stderr(`strongbox workload-token: cannot reach ${target.endpoint}: ${reason}\n`);
    return 1;
  }
}

type Call = (op: string, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

async function run(p: Parsed, target: JsonServiceTarget, call: Call, io: CommandIo): Promise<number> {
  switch (p.command) {
    case 'create': {
      const input = {
        InstanceProfileName: p.options.get('--instance-profile'),
        Description: p.options.get('--description'),
      };
      const out = await call('CreateWorkloadToken', input);
      if (p.options.get('--output') === 'json') io.stdout(`${json(out)}\n`);
      else io.stdout(exportLines(target.endpoint, out));
      return 0;
    }
    case 'list': {
      const tokens: unknown[] = [];
      let next: unknown;
      do {
        const page = await call('ListWorkloadTokens', next === undefined ? {} : { NextToken: next });
        tokens.push(...((page.WorkloadTokens as unknown[] | undefined) ?? []));
        next = page.NextToken;
      } while (next !== undefined);
      io.stdout(`${json({ WorkloadTokens: tokens })}\n`);
      return 0;
    }
    default: {
      const out = await call('RevokeWorkloadToken', { TokenId: p.positional[0] });
      io.stdout(`${json(out)}\n`);
      return 0;
    }
  }
}

/** The lines a workload's environment needs; the token is shown this once. */
function exportLines(endpoint: string, out: Record<string, unknown>): string {
  const uri = new URL(WORKLOAD_CREDENTIALS_PATH, endpoint).toString();
  return (
    `# Workload token ${String(out.TokenId)} for ${String(out.InstanceProfileArn)} (role ${String(out.RoleArn)}).\n` +
    `# The token is shown only this once: give it to the workload as a secret.\n` +
    `export AWS_CONTAINER_CREDENTIALS_FULL_URI=${uri}\n` +
    `export AWS_CONTAINER_AUTHORIZATION_TOKEN=${String(out.Token)}\n`
  );
}

/** JSON as the aws CLI prints it, with the protocol's epoch-second timestamps as ISO 8601. */
function json(value: unknown): string {
  return JSON.stringify(
    value,
    (key, v: unknown) => (/At$/.test(key) && typeof v === 'number' ? new Date(v * 1000).toISOString() : v),
    4,
  );
}

function parseArgs(argv: readonly string[]): Parsed {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return { command: 'help', options: new Map(), positional: [] };
  }
  const allowed = OPTIONS[command];
  if (!allowed) throw new UsageError(`unknown command '${command}'`);
  const options = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (!allowed.includes(name)) throw new UsageError(`unknown option '${name}' for ${command}`);
    const value = eq < 0 ? rest[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new UsageError(`${name} needs a value`);
    options.set(name, value);
  }
  if (command === 'create' && !options.has('--instance-profile')) {
    throw new UsageError('--instance-profile is required');
  }
  if (command === 'create' && !['env', 'json', undefined].includes(options.get('--output'))) {
    throw new UsageError('--output is env or json');
  }
  const wanted = command === 'revoke' ? 1 : 0;
  if (positional.length !== wanted) {
    const problem = command === 'revoke' ? 'revoke takes one TOKEN_ID' : `unexpected argument '${positional[0]}'`;
    throw new UsageError(problem);
  }
  return { command, options, positional };
}

/** Where to call and with which credentials, or what is missing. */
function targetFrom(p: Parsed, env: NodeJS.ProcessEnv): JsonServiceTarget | string {
  const given = p.options.get('--endpoint-url') ?? (env.STRONGBOX_ENDPOINT || DEFAULT_ENDPOINT);
  const endpoint = given.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+$/.test(endpoint)) return `--endpoint-url must be http(s)://host[:port], not '${endpoint}'`;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return 'no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  return {
    endpoint,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    credentials: {
      accessKeyId,
      secretAccessKey,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    },
    service: WORKLOADS_SERVICE,
    targetPrefix: WORKLOADS_TARGET_PREFIX,
  };
}
