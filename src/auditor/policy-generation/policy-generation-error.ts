/**
 * Why a policy generation cannot run, as data: the API layer answers the first three with
 * `ValidationException` (StartPolicyGeneration's input) and records `TrailNotFound` as the job's
 * `jobError` `RESOURCE_NOT_FOUND_ERROR` (API_JobError.html), as AWS does for a trail it cannot read.
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_StartPolicyGeneration.html
 */
export type PolicyGenerationErrorCode =
  'InvalidPrincipalArn' | 'InvalidTrailArn' | 'InvalidTimeRange' | 'TrailNotFound';

export class PolicyGenerationError extends Error {
  constructor(
    readonly code: PolicyGenerationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PolicyGenerationError';
  }
}
