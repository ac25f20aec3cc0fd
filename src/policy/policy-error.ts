import { ServiceError } from '../errors/service-error.js';
import type { PolicyKind } from './policy-document.js';

/**
 * Why a policy document was refused, as the owning AWS service reports it. The engine returns this
 * as data; the protocol layer throws `toServiceError(e)`.
 *
 * The code depends on which API receives the document:
 * - IAM (identity, boundary, trust) and STS (session): `MalformedPolicyDocument`, 400
 * - S3 PutBucketPolicy (resource): `MalformedPolicy`, 400
 * - Organizations (scp, rcp): `MalformedPolicyDocumentException`, 400
 * - size quotas: IAM `LimitExceeded` (409), see size-limits.ts
 */
export interface PolicyError {
  readonly code: string;
  readonly message: string;
  readonly httpStatus: number;
}

export function malformedCode(kind: PolicyKind): string {
  switch (kind) {
    case 'resource':
      return 'MalformedPolicy';
    case 'scp':
    case 'rcp':
      return 'MalformedPolicyDocumentException';
    default:
      return 'MalformedPolicyDocument';
  }
}

export function malformed(kind: PolicyKind, message: string): PolicyError {
  return { code: malformedCode(kind), message, httpStatus: 400 };
}

export function toServiceError(e: PolicyError): ServiceError {
  return new ServiceError(e.code, e.message, e.httpStatus);
}

/** Thrown only inside the validator to unwind; never escapes the module. */
export class PolicyRejection extends Error {
  constructor(readonly error: PolicyError) {
    super(error.message);
  }
}
