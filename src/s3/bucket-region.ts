/**
 * Buckets in regions (issue #17). One server serves many regions on one endpoint; each bucket lives in
 * one, chosen at CreateBucket, and a request signed for another region gets S3's answer for a request
 * sent to the wrong region — the answer the AWS CLI and SDKs read to retry in the bucket's region.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 */
import type { AuthenticationResult } from '../auth/types.js';
import type { ServiceError } from '../errors/service-error.js';
import { s3Error } from './errors.js';

const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * The region a new bucket gets, from the region the request was signed for and the body's
 * LocationConstraint:
 * - signed for us-east-1 (S3's global endpoint), any served region may be named; none is us-east-1,
 *   and naming us-east-1 explicitly is InvalidLocationConstraint, as S3 answers;
 * - signed for another region, the constraint must name that region
 *   (IllegalLocationConstraintException otherwise, with S3's message);
 * - `EU` is the legacy name of eu-west-1; a name this server does not serve is InvalidLocationConstraint.
 */
export function newBucketRegion(input: {
  readonly requestRegion: string;
  readonly constraint: string | undefined;
  readonly served: readonly string[];
}): string {
  const given = input.constraint === undefined || input.constraint === '' ? undefined : input.constraint;
  const c = given === 'EU' ? 'eu-west-1' : given;
  if (c !== undefined && (!REGION_NAME.test(c) || !input.served.includes(c))) {
    throw s3Error('InvalidLocationConstraint', { fields: { LocationConstraint: given as string } });
  }
  if (input.requestRegion === 'us-east-1') {
    if (c === undefined) return 'us-east-1';
    if (c === 'us-east-1') throw s3Error('InvalidLocationConstraint', { fields: { LocationConstraint: c } });
    return c;
  }
  if (c === input.requestRegion) return c;
  throw s3Error('IllegalLocationConstraintException', {
    message: `The ${given ?? 'unspecified'} location constraint is incompatible for the region specific endpoint this request was sent to.`,
  });
}

/**
 * The answer to a signed request for a bucket of another region, as an S3 regional endpoint gives it:
 * `301 PermanentRedirect` with the `x-amz-bucket-region` header (and, but for a HEAD, the error body
 * naming the endpoint and the bucket). Both the AWS CLI / boto3 and the SDK v3 (with
 * `followRegionRedirects`) read the header and retry signed for that region. Undefined when the request
 * is unsigned or in the bucket's region. GetBucketLocation is answered from any region, as S3 answers
 * it (it is how clients find a bucket's region).
 * Deviation from AWS: every region shares this one endpoint, so `Endpoint` names the endpoint the
 * request came to (the Host header), not `s3.<region>.amazonaws.com`; and an unsigned request is served
 * whatever region its bucket is in.
 */
export function wrongRegionError(
  input: { readonly auth: AuthenticationResult; readonly bucket: string; readonly bucketRegion: string; readonly operation: string; readonly host: string | undefined },
): ServiceError | undefined {
  const { auth, bucketRegion } = input;
  if (auth.region === undefined || auth.region === bucketRegion || input.operation === 'GetBucketLocation') return undefined;
  return s3Error('PermanentRedirect', {
    fields: { Endpoint: input.host ?? '', Bucket: input.bucket },
    headers: { 'x-amz-bucket-region': bucketRegion },
  });
}
