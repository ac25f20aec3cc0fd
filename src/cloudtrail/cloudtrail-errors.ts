import { errorFactory, type ErrorSpec } from '../errors/service-error.js';
import type { InputProblem } from '../json-protocol/json-input.js';

/**
 * The CloudTrail error catalogue (codes from the botocore model `cloudtrail/2013-11-01`; every client
 * error is HTTP 400). The model has no ValidationException: CloudTrail reports a bad parameter with
 * its own code, `InvalidParameterException` when no narrower one applies. Messages follow CloudTrail's
 * wording where it is known; tests assert codes only.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/CommonErrors.html
 */
export const CLOUDTRAIL_ERRORS = {
  CloudTrailARNInvalidException: { status: 400, message: 'The ARN is not valid.' },
  CloudWatchLogsDeliveryUnavailableException: { status: 400, message: 'CloudWatch Logs delivery is not available.' },
  InsufficientS3BucketPolicyException: { status: 400, message: 'Incorrect S3 bucket policy is detected for bucket: ' },
  InsufficientSnsTopicPolicyException: { status: 400, message: 'SNS Topic does not exist or the topic policy is incorrect!' },
  InvalidEventCategoryException: { status: 400, message: 'The event category is not valid.' },
  InvalidEventSelectorsException: { status: 400, message: 'The event selectors are not valid.' },
  InvalidLookupAttributesException: { status: 400, message: 'The lookup attributes are not valid.' },
  InvalidMaxResultsException: { status: 400, message: 'MaxResults must be between 1 and 50.' },
  InvalidNextTokenException: { status: 400, message: 'Invalid NextToken.' },
  InvalidParameterCombinationException: { status: 400, message: 'The combination of parameters is not valid.' },
  InvalidParameterException: { status: 400, message: 'A parameter is not valid.' },
  InvalidS3BucketNameException: { status: 400, message: 'The S3 bucket name is not valid.' },
  InvalidS3PrefixException: { status: 400, message: 'The S3 key prefix is not valid.' },
  InvalidTagParameterException: { status: 400, message: 'The tags are not valid.' },
  InvalidTimeRangeException: { status: 400, message: 'Start time must be before end time.' },
  InvalidTrailNameException: { status: 400, message: 'Trail name is not valid.' },
  MaximumNumberOfTrailsExceededException: { status: 400, message: 'User already has 5 trails in this region.' },
  S3BucketDoesNotExistException: { status: 400, message: 'S3 bucket does not exist: ' },
  TagsLimitExceededException: { status: 400, message: 'The number of tags per trail has exceeded the permitted amount.' },
  TrailAlreadyExistsException: { status: 400, message: 'Trail already exists.' },
  TrailNotFoundException: { status: 400, message: 'Unknown trail.' },
  UnsupportedOperationException: { status: 400, message: 'This operation is not supported.' },
} as const satisfies Record<string, ErrorSpec>;

export type CloudTrailErrorCode = keyof typeof CLOUDTRAIL_ERRORS;

export const cloudTrailError = errorFactory(CLOUDTRAIL_ERRORS);

/** A member that breaks the model's constraints (type, required): `InvalidParameterException`. */
export function cloudTrailInvalidInput(p: InputProblem) {
  return cloudTrailError('InvalidParameterException', { message: `${p.member}: ${p.constraint}` });
}

export function trailNotFound(arn: string) {
  return cloudTrailError('TrailNotFoundException', { message: `Unknown trail: ${arn} for the user: ${arn.split(':')[4]}` });
}
