import type { ContextKeys, RequestPrincipal } from './authorization-types.js';
import type { ConditionContext } from './condition/evaluate-condition.js';
import type { VariableSource } from './template.js';

type ContextValue = string | readonly string[];

/**
 * The request context as the evaluator reads it: keys are case-insensitive; principal keys
 * (`aws:username`, `aws:userid`, `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`,
 * `aws:PrincipalTag/*`) fall back to the request's principal when the caller did not supply them.
 * One per authorize() call; a plain record is lower-cased only when a condition first reads it.
 */
export class EvaluationContext implements ConditionContext {
  readonly vars: VariableSource;
  private missing: string[] | undefined;
  private lowered: ReadonlyMap<string, ContextValue> | undefined;

  constructor(
    private readonly principal: RequestPrincipal,
    private readonly input: ContextKeys | undefined,
  ) {
    this.vars = (k) => this.get(k);
  }

  get(lowerKey: string): ContextValue | undefined {
    const v = this.lookup(lowerKey);
    if (v !== undefined) return v;
    return lowerKey.startsWith('aws:') ? principalKey(this.principal, lowerKey) : undefined;
  }

  noteMissing(rawKey: string): void {
    const list = (this.missing ??= []);
    if (!list.some((k) => k.toLowerCase() === rawKey.toLowerCase())) list.push(rawKey);
  }

  missingKeys(): readonly string[] {
    return this.missing ?? [];
  }

  private lookup(lowerKey: string): ContextValue | undefined {
    const input = this.input;
    if (input === undefined) return undefined;
    if (isMap(input)) return input.get(lowerKey);
    if (this.lowered === undefined) {
      const m = new Map<string, ContextValue>();
      for (const k of Object.keys(input)) m.set(k.toLowerCase(), input[k]);
      this.lowered = m;
    }
    return this.lowered.get(lowerKey);
  }
}

function isMap(c: ContextKeys): c is ReadonlyMap<string, ContextValue> {
  return c instanceof Map;
}

/** `aws:PrincipalType` values. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html */
export function principalType(p: RequestPrincipal): string | undefined {
  switch (p.kind) {
    case 'Root':
      return 'Account';
    case 'User':
      return 'User';
    case 'AssumedRole':
      return 'AssumedRole';
    case 'FederatedUser':
      return 'FederatedUser';
    case 'Anonymous':
      return 'Anonymous';
    default:
      return undefined;
  }
}

/** `aws:PrincipalArn`: the role ARN (not the session ARN) for a role session. */
export function principalArn(p: RequestPrincipal): string | undefined {
  return p.kind === 'AssumedRole' ? p.roleArn : p.arn;
}

function principalKey(p: RequestPrincipal, key: string): string | undefined {
  switch (key) {
    case 'aws:username':
      return p.kind === 'User' ? p.username : undefined;
    case 'aws:userid':
      return p.userId ?? (p.kind === 'Anonymous' ? 'anonymous' : p.kind === 'Root' ? p.accountId : undefined);
    case 'aws:principalarn':
      return principalArn(p);
    case 'aws:principalaccount':
      return p.accountId;
    case 'aws:principaltype':
      return principalType(p);
    case 'aws:principalservicename':
      return p.kind === 'Service' ? p.service : undefined;
    default:
      break;
  }
  if (key.startsWith('aws:principaltag/') && p.tags) {
    const tag = key.slice('aws:principaltag/'.length);
    for (const k of Object.keys(p.tags)) if (k.toLowerCase() === tag) return p.tags[k];
  }
  return undefined;
}
