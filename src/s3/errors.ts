/**
 * The S3 error catalogue: every code this protocol can answer with, its HTTP status and AWS's default
 * message (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).
 * `s3Error('NoSuchBucket', { fields: { BucketName } })` — a code not listed here does not compile.
 */
import { ServiceError, errorFactory } from '../errors/service-error.js';

export const S3_ERRORS = {
  AccessControlListNotSupported: { status: 400, message: 'The bucket does not allow ACLs' },
  /** CORS preflight refusals: S3 answers code AccessForbidden with a "CORSResponse: ..." message. */
  AccessForbidden: { status: 403, message: 'CORSResponse: CORS is not enabled for this bucket.' },
  AccessDenied: { status: 403, message: 'Access Denied' },
  BadRequest: { status: 400, message: 'Bad Request' },
  BadDigest: { status: 400, message: 'The Content-MD5 you specified did not match what we received.' },
  BucketAlreadyExists: {
    status: 409,
    message: 'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
  },
  BucketAlreadyOwnedByYou: { status: 409, message: 'Your previous request to create the named bucket succeeded and you already own it.' },
  BucketNotEmpty: { status: 409, message: 'The bucket you tried to delete is not empty' },
  ConditionalRequestConflict: { status: 409, message: 'A conflicting operation occurred. If using PutObject you can retry the request. If using multipart upload you should initiate another CreateMultipartUpload request and re-upload each part.' },
  /** PutBucketLogging with a target bucket in another Region (ErrorResponses.html#ErrorCodeList). */
  CrossLocationLoggingProhibited: { status: 403, message: 'Cross S3 location logging not allowed.' },
  EntityTooLarge: { status: 400, message: 'Your proposed upload exceeds the maximum allowed size' },
  EntityTooSmall: { status: 400, message: 'Your proposed upload is smaller than the minimum allowed object size.' },
  IllegalVersioningConfigurationException: { status: 400, message: 'The versioning configuration specified in the request is invalid.' },
  IllegalLocationConstraintException: {
    status: 400,
    message: 'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.',
  },
  IncompleteBody: { status: 400, message: 'You did not provide the number of bytes specified by the Content-Length HTTP header' },
  /** The website endpoint of another Region than the bucket's (WebsiteEndpoints.html: 400). */
  IncorrectEndpoint: { status: 400, message: 'The specified bucket exists in another region. Please direct requests to the specified endpoint.' },
  IncorrectNumberOfFilesInPostRequest: { status: 400, message: 'POST requires exactly one file upload per request.' },
  InternalError: { status: 500, message: 'We encountered an internal error. Please try again.' },
  InvalidArgument: { status: 400, message: 'Invalid Argument' },
  InvalidBucketAclWithObjectOwnership: { status: 400, message: "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting" },
  InvalidBucketAclWithBlockPublicAccessError: { status: 400, message: 'Bucket cannot have public ACLs set with BlockPublicAccess enabled' },
  InvalidBucketName: { status: 400, message: 'The specified bucket is not valid.' },
  InvalidBucketState: { status: 409, message: 'The request is not valid with the current state of the bucket.' },
  InvalidDigest: { status: 400, message: 'The Content-MD5 you specified is not valid.' },
  InvalidEncryptionAlgorithmError: { status: 400, message: 'The Encryption request you specified is not valid. Supported value: AES256.' },
  InvalidLocationConstraint: { status: 400, message: 'The specified location-constraint is not valid' },
  InvalidPart: {
    status: 400,
    message: "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
  },
  InvalidPartNumber: { status: 416, message: 'The requested partnumber is not satisfiable' },
  InvalidPartOrder: { status: 400, message: 'The list of parts was not in ascending order. Parts must be ordered by part number.' },
  InvalidRange: { status: 416, message: 'The requested range is not satisfiable' },
  InvalidRedirectLocation: { status: 400, message: "The website redirect location must have a prefix of 'http://' or 'https://' or '/'." },
  InvalidRequest: { status: 400, message: 'Invalid Request' },
  InvalidRetentionPeriod: { status: 400, message: 'Default retention period must be a positive integer value.' },
  InvalidStorageClass: { status: 400, message: 'The storage class you specified is not valid' },
  InvalidTargetBucketForLogging: {
    status: 400,
    message: 'The target bucket for logging does not exist, is not owned by you, or does not have the appropriate grants for the log-delivery group.',
  },
  InvalidTag: { status: 400, message: 'The TagKey you have provided is invalid' },
  InvalidURI: { status: 400, message: "Couldn't parse the specified URI." },
  KeyTooLongError: { status: 400, message: 'Your key is too long' },
  /** PutBucketPolicy: the engine's S3 validation message replaces this default. */
  /** A signed request for a bucket of another region (bucket-region.ts), as S3's regional endpoints answer it. */
  PermanentRedirect: {
    status: 301,
    message: 'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
  },
  MalformedPolicy: { status: 400, message: "Policies must be valid JSON and the first byte must be '{'" },
  MalformedPOSTRequest: { status: 400, message: 'The body of your POST request is not well-formed multipart/form-data.' },
  MalformedACLError: { status: 400, message: 'The XML you provided was not well-formed or did not validate against our published schema' },
  MalformedXML: { status: 400, message: 'The XML you provided was not well-formed or did not validate against our published schema' },
  MaxMessageLengthExceeded: { status: 400, message: 'Your request was too big.' },
  MaxPostPreDataLengthExceeded: { status: 400, message: 'Your POST request fields preceding the upload file were too large.' },
  MetadataTooLarge: { status: 400, message: 'Your metadata headers exceed the maximum allowed metadata size' },
  MethodNotAllowed: { status: 405, message: 'The specified method is not allowed against this resource.' },
  MissingContentLength: { status: 411, message: 'You must provide the Content-Length HTTP header.' },
  MissingRequestBodyError: { status: 400, message: 'Request Body is empty' },
  MissingSecurityHeader: { status: 400, message: 'Your request was missing a required header' },
  NoSuchBucket: { status: 404, message: 'The specified bucket does not exist' },
  NoSuchBucketPolicy: { status: 404, message: 'The bucket policy does not exist' },
  NoSuchCORSConfiguration: { status: 404, message: 'The CORS configuration does not exist' },
  NoSuchPublicAccessBlockConfiguration: { status: 404, message: 'The public access block configuration was not found' },
  NoSuchTagSet: { status: 404, message: 'The TagSet does not exist' },
  NoSuchKey: { status: 404, message: 'The specified key does not exist.' },
  NoSuchObjectLockConfiguration: { status: 404, message: 'The specified object does not have a ObjectLock configuration' },
  NoSuchLifecycleConfiguration: { status: 404, message: 'The lifecycle configuration does not exist' },
  NoSuchUpload: {
    status: 404,
    message: 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  },
  NoSuchVersion: { status: 404, message: 'The specified version does not exist.' },
  NoSuchWebsiteConfiguration: { status: 404, message: 'The specified bucket does not have a website configuration' },
  NotImplemented: { status: 501, message: 'A header you provided implies functionality that is not implemented' },
  ObjectLockConfigurationNotFoundError: { status: 404, message: 'Object Lock configuration does not exist for this bucket' },
  OwnershipControlsNotFoundError: { status: 404, message: 'The bucket ownership controls were not found' },
  PolicyTooLarge: { status: 400, message: 'Policy exceeds the maximum allowed document size.' },
  PreconditionFailed: { status: 412, message: 'At least one of the pre-conditions you specified did not hold' },
  TooManyBuckets: { status: 400, message: 'You have attempted to create more buckets than allowed' },
  UnexpectedContent: { status: 400, message: 'This request does not support content' },
  UnresolvableGrantByEmailAddress: { status: 400, message: 'The e-mail address you provided does not match any account on record.' },
} as const;

export type S3ErrorCode = keyof typeof S3_ERRORS;

export const s3Error = errorFactory(S3_ERRORS);

/** `InvalidArgument` with the `ArgumentName` / `ArgumentValue` fields AWS adds. */
export function invalidArgument(message: string, name: string, value: string | undefined) {
  const fields: Record<string, string> = { ArgumentName: name };
  if (value !== undefined) fields.ArgumentValue = value;
  return s3Error('InvalidArgument', { message, fields });
}

/**
 * An error S3 answers with a bare status and no XML body, because it rejects the request before its
 * API layer: e.g. a key whose `..` segments climb above the bucket is "400 Bad Request" with an empty
 * body (observed with the AWS CLI: "An error occurred (400) when calling the PutObject operation").
 */
export class BareHttpError extends ServiceError {
  constructor(status: number, code: string, message: string) {
    super(code, message, status);
  }
}
