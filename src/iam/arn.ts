/** IAM ARNs. Paths always start and end with `/` (`/` alone by default). */
export function userArn(accountId: string, path: string, userName: string): string {
  return `arn:aws:iam::${accountId}:user${path}${userName}`;
}

export function groupArn(accountId: string, path: string, groupName: string): string {
  return `arn:aws:iam::${accountId}:group${path}${groupName}`;
}

export function policyArn(accountId: string, path: string, policyName: string): string {
  return `arn:aws:iam::${accountId}:policy${path}${policyName}`;
}

export function roleArn(accountId: string, path: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role${path}${roleName}`;
}

export function instanceProfileArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:instance-profile${path}${name}`;
}

export function rootArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`;
}

export const AWS_MANAGED_POLICY_PREFIX = 'arn:aws:iam::aws:policy/';

export interface ParsedPolicyArn {
  /** `aws` for AWS managed policies, else the 12-digit account. */
  readonly owner: string;
  readonly path: string;
  readonly name: string;
}

/** `arn:aws:iam::<acct|aws>:policy<path><name>` → parts; undefined when it is not a policy ARN. */
export function parsePolicyArn(arn: string): ParsedPolicyArn | undefined {
  const m = /^arn:aws:iam::(\d{12}|aws):policy(\/(?:[^/]+\/)*)([^/]+)$/.exec(arn);
  return m ? { owner: m[1], path: m[2], name: m[3] } : undefined;
}
