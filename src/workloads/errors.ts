import { errorFactory } from '../errors/service-error.js';

/**
 * Errors of the workloads API (a Strongbox extension, not an AWS API), in the AWS JSON protocol's
 * style: `{"__type":"<Code>","Message":"..."}`, HTTP 400 for client errors as Organizations and KMS
 * answer them. `AccessDeniedException` comes from the pipeline (the protocol layer renames it).
 */
export const WORKLOADS_ERRORS = {
  NoSuchEntityException: {
    status: 400,
    message: 'The request was rejected because it referenced an entity that does not exist.',
  },
  ValidationException: { status: 400, message: 'The input fails to satisfy the constraints specified by the service.' },
} as const;

export const workloadsError = errorFactory(WORKLOADS_ERRORS);
