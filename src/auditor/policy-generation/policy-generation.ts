/**
 * Policy generation from the audit trail (issue #18), the engine under StartPolicyGeneration /
 * GetGeneratedPolicy: the principal's events in the named trails over the period
 * (principal-activity.ts) → the accesses they show (observed-access.ts) → the least-privilege policy
 * (generate-policy.ts).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html
 */
import type { ObservedAccess } from './event-resources.js';
import {
  generatedPolicyResult,
  type GeneratedPolicyResult,
  type GeneratedPolicyTrailProperties,
} from './generate-policy.js';
import { observedAccesses } from './observed-access.js';
import { PolicyGenerationError } from './policy-generation-error.js';
import {
  forEachPrincipalEvent,
  readsAllRegions,
  type PrincipalActivityQuery,
  type TrailSelection,
} from './principal-activity.js';

export type { GeneratedPolicyResult } from './generate-policy.js';
export type { TrailSelection } from './principal-activity.js';
export { PolicyGenerationError, type PolicyGenerationErrorCode } from './policy-generation-error.js';

/** "You can specify a time period of up to 90 days" (access-analyzer-policy-generation.html). */
export const MAX_GENERATION_PERIOD_MS = 90 * 86_400_000;

export type PolicyGenerationInput = PrincipalActivityQuery;

/**
 * Reads the audit store at `auditDbPath` (read-only) and returns the generated policy. Throws
 * PolicyGenerationError for an ARN that is not a user's or role's, a malformed trail ARN, a period that
 * is reversed or longer than 90 days, or a trail that does not exist.
 */
export function generatePolicyFromTrail(input: PolicyGenerationInput): GeneratedPolicyResult {
  checkPeriod(input.startTime, input.endTime);
  const accesses = new Map<string, ObservedAccess>();
  const scan = forEachPrincipalEvent(input, (event) => {
    for (const access of observedAccesses(event)) accesses.set(`${access.action}\n${access.resource}`, access);
  });
  return generatedPolicyResult({
    accesses: accesses.values(),
    properties: {
      isComplete: scan.isComplete,
      principalArn: input.principalArn,
      cloudTrailProperties: {
        trailProperties: input.trails.map(trailProperties),
        startTime: input.startTime,
        endTime: input.endTime,
      },
    },
  });
}

function checkPeriod(startTime: Date, endTime: Date): void {
  const start = startTime.getTime();
  const end = endTime.getTime();
  if (Number.isNaN(start) || Number.isNaN(end) || start > end) {
    throw new PolicyGenerationError('InvalidTimeRange', 'startTime must be before endTime');
  }
  if (end - start > MAX_GENERATION_PERIOD_MS) {
    throw new PolicyGenerationError(
      'InvalidTimeRange',
      'The time period between startTime and endTime cannot exceed 90 days',
    );
  }
}

/** The trail as read: its Regions when it was read in those only, else allRegions. */
function trailProperties(trail: TrailSelection): GeneratedPolicyTrailProperties {
  const all = readsAllRegions(trail);
  return all
    ? { cloudTrailArn: trail.cloudTrailArn, allRegions: true }
    : { cloudTrailArn: trail.cloudTrailArn, regions: [...(trail.regions ?? [])], allRegions: false };
}
