/**
 * The text of `strongbox --help` and `strongbox server --help`, and what an unknown option or command is
 * answered. The options' part is derived from the option table in src/config.ts (one declaration per
 * option: flag, variable, value, default, help), so the help cannot drift from what the parser reads.
 */
import { ENVIRONMENT_ONLY, serverOptionDocs, type ServerOptionDoc } from '../config.js';

const SUBCOMMANDS = ['server', 'workload-token', 'validate-logs', 'audit'] as const;

export function mainUsage(version: string): string {
  return `strongbox ${version}: a self-hosted S3-compatible object store whose IAM behaves like AWS's

usage: strongbox server [OPTION]...        serve S3, IAM, STS, Organizations, KMS, CloudTrail and
                                           IAM Access Analyzer's policy checks
                                           (strongbox server --help: every option)
       strongbox workload-token create|list|revoke ...   (strongbox workload-token --help)
       strongbox validate-logs --trail-arn ARN --start-time TIME ...   (strongbox validate-logs --help)
       strongbox audit check validate|no-new-access|access-not-granted|no-public-access ... FILE
                                           (strongbox audit --help)
       strongbox --version
`;
}

export function serverUsage(): string {
  const lines = [
    'usage: strongbox server [OPTION]...',
    '',
    'Serves S3, IAM, STS, Organizations, KMS, CloudTrail and IAM Access Analyzer on one endpoint. Every',
    'option can be given by its environment variable instead; a flag wins over its variable. SIGTERM or',
    'SIGINT stop the server gracefully (in-flight requests finish).',
    '',
    'Options:',
  ];
  for (const option of serverOptionDocs()) lines.push(...describeOption(option));
  lines.push('  -h, --help', '      this help', '  --version', '      the version of strongbox', '');
  lines.push('Environment only (secrets: a command line shows in ps):');
  for (const v of ENVIRONMENT_ONLY) lines.push(`  ${v.env}`, `      ${v.help}`);
  return `${lines.join('\n')}\n`;
}

function describeOption(o: ServerOptionDoc): string[] {
  const value = o.value === undefined ? '' : ` ${o.value}`;
  const repeat = o.kind === 'list' ? ' (repeatable)' : '';
  const variable = o.kind === 'switch' ? `${o.env}=1` : o.env;
  const origin = o.default === undefined ? `env ${variable}` : `env ${variable}, default ${o.default}`;
  return [`  ${o.flag}${value}${repeat}`, ...(o.help === undefined ? [] : [`      ${o.help}`]), `      ${origin}`];
}

/** What `strongbox server` says of an argument that is not one of its options. */
export function unknownOptionMessage(arg: string): string {
  const name = arg.startsWith('--') && arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
  const hint = "Run 'strongbox server --help' for every option.";
  if (!name.startsWith('-')) return `unexpected argument ${JSON.stringify(arg)}: options start with --. ${hint}`;
  const near = nearest(name, serverOptionDocs().map((o) => o.flag));
  return `unknown option ${name}${near === undefined ? '' : ` (did you mean ${near}?)`}. ${hint}`;
}

/** What `strongbox` says of a command (or an option before any command) it does not know. */
export function unknownCommandMessage(command: string): string {
  const hint = "Run 'strongbox --help' for the commands.";
  if (command.startsWith('-')) {
    const near = nearest(command, ['--help', '--version']);
    return `unknown option ${command}${near === undefined ? '' : ` (did you mean ${near}?)`}. ${hint}`;
  }
  const near = nearest(command, SUBCOMMANDS);
  const meant = near === undefined ? '' : ` (did you mean strongbox ${near}?)`;
  return `unknown command ${JSON.stringify(command)}${meant}. ${hint}`;
}

/** The candidate nearest to `given` by edit distance, when near enough to be a typo (or a prefix of it). */
function nearest(given: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = given.length >= 4 && name.startsWith(given) ? 1 : editDistance(given, name);
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  const tolerance = Math.max(2, Math.floor(given.length / 4));
  return best !== undefined && best.distance <= tolerance ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(previous[j] + 1, row[j - 1] + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length];
}
