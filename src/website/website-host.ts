/**
 * Which bucket a website request is for, from its Host header.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html
 *
 * AWS's website endpoints are `<bucket>.s3-website-<region>.amazonaws.com` and
 * `<bucket>.s3-website.<region>.amazonaws.com`; Strongbox also accepts `<bucket>.s3-website.<domain>`
 * (no region: the bucket's own). On the website listener (`--website-address`), a Host that is none of
 * these names the bucket itself, as a CNAME to a website endpoint does on AWS ("the bucket name must
 * match the domain name", website-hosting-custom-domain-walkthrough.html), or else by its first label.
 * Deviation from AWS: the region-less form and the first-label bucket are Strongbox's (a server has no
 * DNS of its own: `<bucket>.localhost` reaches the website listener with no configuration).
 */

/** A website request's bucket and the region its host name says, when it says one. */
export interface WebsiteHost {
  /** Bucket names to look up, in order; the first existing one serves the request. */
  readonly buckets: readonly string[];
  /** `us-west-2` of `site.s3-website-us-west-2.<domain>` or `site.s3-website.us-west-2.<domain>`. */
  readonly region?: string;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const LABEL = 's3-website';

/**
 * The website host `host` names under `baseDomain`, or undefined when it is no website host (the
 * request is then the S3 API's). Case-insensitive, port and a trailing dot ignored.
 */
export function websiteHostOf(host: string | undefined, baseDomain: string | undefined): WebsiteHost | undefined {
  if (host === undefined || baseDomain === undefined || baseDomain === '') return undefined;
  const name = hostName(host);
  const suffix = '.' + baseDomain.toLowerCase().replace(/\.$/, '');
  if (!name.endsWith(suffix)) return undefined;
  const labels = name.slice(0, -suffix.length).split('.');
  const last = labels[labels.length - 1];
  let bucketLabels: string[];
  let region: string | undefined;
  if (last === LABEL) {
    bucketLabels = labels.slice(0, -1);
  } else if (last.startsWith(LABEL + '-') && REGION.test(last.slice(LABEL.length + 1))) {
    bucketLabels = labels.slice(0, -1);
    region = last.slice(LABEL.length + 1);
  } else if (labels.length >= 3 && labels[labels.length - 2] === LABEL && REGION.test(last)) {
    bucketLabels = labels.slice(0, -2);
    region = last;
  } else {
    return undefined;
  }
  const bucket = bucketLabels.join('.');
  if (bucket === '') return undefined;
  return region === undefined ? { buckets: [bucket] } : { buckets: [bucket], region };
}

/**
 * On the website listener every request is a website request: a website host name as above, else the
 * whole host name as the bucket, then its first label (`www.example.com`, then `www`).
 */
export function listenerHostOf(host: string | undefined, baseDomain: string | undefined): WebsiteHost {
  const named = websiteHostOf(host, baseDomain);
  if (named !== undefined) return named;
  const name = host === undefined ? '' : hostName(host);
  const first = name.split('.')[0];
  return { buckets: first === name ? [name] : [name, first] };
}

/** The host name of a Host header: lower-case, without port or trailing dot. */
function hostName(host: string): string {
  let name = host;
  if (name.startsWith('[')) name = name.slice(0, name.indexOf(']') + 1);
  else if (name.lastIndexOf(':') !== -1) name = name.slice(0, name.lastIndexOf(':'));
  return name.toLowerCase().replace(/\.$/, '');
}
