/**
 * `x-amz-website-redirect-location`: an object's own page redirect. PutObject, CopyObject and
 * CreateMultipartUpload take it as a header, PostObject as a form field, the object keeps it (ObjectRecord.websiteRedirectLocation),
 * GetObject and HeadObject answer with it, and the website endpoint answers a request for the object
 * with a 301 to it (src/website/website-protocol.ts).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-to-page-redirect.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html (WebsiteRedirectLocation)
 */
import type { ObjectRecord } from '../storage/ports.js';
import { s3Error } from './errors.js';

export const WEBSITE_REDIRECT_HEADER = 'x-amz-website-redirect-location';

/** "The length of the value is limited to 2 KB." (RESTObjectPOST.html, x-amz-website-redirect-location) */
export const MAX_WEBSITE_REDIRECT_BYTES = 2048;

/** "The value must be prefixed by /, http://, or https://." (RESTObjectPOST.html); compared as written there. */
const PREFIXES = ['/', 'http://', 'https://'] as const;

/** The part of a new object's record the header sets: nothing when absent, so records compare as stored. */
export type WebsiteRedirectField = Pick<ObjectRecord, 'websiteRedirectLocation'>;

/**
 * The header's value as the new object keeps it. A value without one of the prefixes is S3's 400
 * InvalidRedirectLocation. An empty value is no redirect (as an absent header).
 * AWS does not document its answer to a value past 2 KB; ours is InvalidRedirectLocation as well.
 */
export function websiteRedirectField(value: string | undefined): WebsiteRedirectField {
  if (value === undefined || value === '') return {};
  if (!PREFIXES.some((p) => value.startsWith(p))) throw s3Error('InvalidRedirectLocation');
  // Node hands header values over as latin1, one char per byte: the length is the byte count.
  if (value.length > MAX_WEBSITE_REDIRECT_BYTES) {
    throw s3Error('InvalidRedirectLocation', {
      message: `The website redirect location must be at most ${MAX_WEBSITE_REDIRECT_BYTES} bytes long.`,
    });
  }
  return { websiteRedirectLocation: value };
}
