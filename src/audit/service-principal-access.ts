/**
 * Whether an AWS service principal may act on a customer's bucket: what S3 server access log delivery
 * (`logging.s3.amazonaws.com`) and CloudTrail (`cloudtrail.amazonaws.com`) ask before they write into
 * a bucket. A service has no identity side: only the bucket's policy naming the service (or, where
 * the brief of a service allows it, a legacy ACL group grant) lets it in, and a Deny statement of the
 * policy still refuses it. Evaluated with the pure policy engine (src/policy), as any request is.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 *
 * Block Public Access does not stand in the way: RestrictPublicBuckets limits a public policy to
 * "AWS service principals and authorized users within the bucket owner's account", and a policy
 * that names a service principal is not public. RCPs do not apply to service principals either.
 */
import { authorize, parseAndCompilePolicy, type CompiledPolicy, type Decision } from '../policy/index.js';
import { defaultAcl } from '../s3/acl-access.js';
import type { AclPermission, BucketRecord } from '../storage/ports.js';

export interface ServicePrincipalRequest {
  /** The bucket acted on, as the store has it now (its policy and ACL decide). */
  readonly bucket: BucketRecord;
  /** The service principal: `logging.s3.amazonaws.com`, `cloudtrail.amazonaws.com`. */
  readonly service: string;
  /** `s3:PutObject`, `s3:GetBucketAcl`. */
  readonly action: string;
  /** The bucket or object ARN. */
  readonly resource: string;
  /** Condition keys the service sends: `aws:SourceArn`, `aws:SourceAccount`, `s3:x-amz-acl`, ... */
  readonly context?: Readonly<Record<string, string>>;
  readonly now: Date;
  /**
   * A legacy ACL grant that also lets the service in where the bucket's ACLs are enabled: a grant of
   * `permission` (or FULL_CONTROL) to the group `groupUri` (S3 log delivery: WRITE for
   * `http://acs.amazonaws.com/groups/s3/LogDelivery`). Absent: the bucket policy alone decides.
   */
  readonly aclGroupGrant?: { readonly groupUri: string; readonly permission: AclPermission };
}

/** Compiled bucket policies kept (one per bucket policy revision); past this the cache starts over. */
const MAX_COMPILED = 1024;

/**
 * Decides service principal requests. Holds compiled bucket policies by bucket and policy revision, so a
 * delivery pass that checks the same bucket again does not parse its policy again.
 */
export class ServicePrincipalAccess {
  private readonly compiled = new Map<string, CompiledPolicy>();

  decide(request: ServicePrincipalRequest): Decision {
    const { bucket } = request;
    const resourcePolicy = this.policyOf(bucket);
    const aclAdmits = request.aclGroupGrant !== undefined && aclGrantsGroup(bucket, request.aclGroupGrant);
    const result = authorize({
      principal: { kind: 'Service', service: request.service },
      action: request.action,
      resource: request.resource,
      resourceAccount: bucket.ownerAccountId,
      context: serviceContext(request),
      policies: {
        ...(resourcePolicy ? { resourcePolicy, resourcePolicyType: 'Resource' as const } : {}),
        // The engine's grant "covers the requester like Principal *": the group grant names the service.
        ...(aclAdmits ? { aclGrant: 'Everyone' as const } : {}),
      },
    });
    return result.decision;
  }

  private policyOf(bucket: BucketRecord): CompiledPolicy | undefined {
    const policy = bucket.policy;
    if (policy === undefined) return undefined;
    // The id resource-side.ts gives the same policy on the request path.
    const id = `bucket:${bucket.name}#${policy.revision}`;
    const hit = this.compiled.get(id);
    if (hit) return hit;
    const parsed = parseAndCompilePolicy(policy.document, { kind: 'resource', id });
    // A stored policy was validated when written; one that no longer parses must not let a service in.
    if (!parsed.ok) throw new Error(`stored policy of bucket ${bucket.name} does not compile: ${parsed.error.message}`);
    if (this.compiled.size >= MAX_COMPILED) this.compiled.clear();
    this.compiled.set(id, parsed.policy);
    return parsed.policy;
  }
}

/**
 * The keys a service's request carries: the ones it names (aws:SourceArn, aws:SourceAccount), the
 * service-principal keys AWS sets for every service principal, the time, and TLS (services call S3
 * over TLS, so a policy denying `aws:SecureTransport: false` does not refuse them).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 */
function serviceContext(request: ServicePrincipalRequest): Record<string, string> {
  return {
    'aws:PrincipalIsAWSService': 'true',
    'aws:PrincipalServiceName': request.service,
    'aws:CurrentTime': request.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(request.now.getTime() / 1000)),
    'aws:SecureTransport': 'true',
    ...request.context,
  };
}

/** ACLs count only where they are enabled (not BucketOwnerEnforced). */
function aclGrantsGroup(bucket: BucketRecord, grant: NonNullable<ServicePrincipalRequest['aclGroupGrant']>): boolean {
  if (bucket.ownership === 'BucketOwnerEnforced') return false;
  const acl = bucket.acl ?? defaultAcl(bucket.ownerAccountId);
  return acl.some(
    (g) =>
      g.grantee.type === 'Group' &&
      g.grantee.uri === grant.groupUri &&
      (g.permission === grant.permission || g.permission === 'FULL_CONTROL'),
  );
}
