import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AWS_MANAGED_POLICY_PREFIX } from '../arn.js';

/**
 * AWS managed policies (`arn:aws:iam::aws:policy/...`), kept as JSON data files in
 * `src/iam/aws-managed/policies/` with their real ids, paths, dates and default-version documents.
 * Deviation from AWS: only the default version of each is shipped (ListPolicyVersions shows one);
 * ReadOnlyAccess carries a representative subset of the real (very long) action list. The AssumeRoot
 * task policies (`root-task/…`) are not published as documents: theirs follow the actions the IAM
 * User Guide lists for each task ("Perform a privileged task on an AWS Organizations member account").
 */
export interface AwsManagedPolicy {
  readonly arn: string;
  readonly policyName: string;
  readonly policyId: string;
  readonly path: string;
  readonly defaultVersionId: string;
  readonly createDate: Date;
  readonly updateDate: Date;
  readonly description: string;
  /** Pretty-printed JSON text as GetPolicyVersion returns it (before URL encoding). */
  readonly document: string;
}

interface PolicyFile {
  PolicyName: string;
  PolicyId: string;
  Path: string;
  DefaultVersionId: string;
  CreateDate: string;
  UpdateDate: string;
  Description: string;
  Document: unknown;
}

export class AwsManagedPolicyCatalog {
  private readonly byArn: ReadonlyMap<string, AwsManagedPolicy>;

  constructor(policies: readonly AwsManagedPolicy[]) {
    this.byArn = new Map(policies.map((p) => [p.arn, p]));
  }

  get(arn: string): AwsManagedPolicy | undefined {
    return this.byArn.get(arn);
  }

  list(): AwsManagedPolicy[] {
    return [...this.byArn.values()];
  }
}

/**
 * The build is plain `tsc`, which does not copy JSON: the files are read from the source tree
 * (`dist/src/iam/aws-managed/` → `src/iam/aws-managed/policies/`), or from next to this module
 * when run from source or when a packager copied them.
 */
export function defaultPolicyDirectory(): string {
  const candidates = [new URL('./policies/', import.meta.url), new URL('../../../../src/iam/aws-managed/policies/', import.meta.url)].map((u) => fileURLToPath(u));
  const found = candidates.find((d) => existsSync(d) && readdirSync(d).some((f) => f.endsWith('.json')));
  if (found === undefined) throw new Error(`AWS managed policy files not found in ${candidates.join(' or ')}`);
  return found;
}

export function loadAwsManagedPolicies(dir: string = defaultPolicyDirectory()): AwsManagedPolicyCatalog {
  const policies = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const p = JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as PolicyFile;
      return {
        arn: `${AWS_MANAGED_POLICY_PREFIX}${p.Path.slice(1)}${p.PolicyName}`,
        policyName: p.PolicyName,
        policyId: p.PolicyId,
        path: p.Path,
        defaultVersionId: p.DefaultVersionId,
        createDate: new Date(p.CreateDate),
        updateDate: new Date(p.UpdateDate),
        description: p.Description,
        document: JSON.stringify(p.Document, null, 4),
      };
    });
  return new AwsManagedPolicyCatalog(policies);
}
