import type { RawRequest } from '../auth/types.js';

/**
 * Which AWS service a request is for, from its SigV4 credential scope
 * (`Credential=AKID/20150830/us-east-1/iam/aws4_request`), before authentication runs, so even an
 * authentication failure is answered in the right protocol. Unsigned requests are S3's.
 */
export function detectService(raw: RawRequest): string {
  const auth = raw.headers.authorization;
  if (typeof auth === 'string') {
    const m = /Credential=[^/,\s]+\/\d{8}\/[^/,\s]+\/([^/,\s]+)\/aws4_request/.exec(auth);
    return m ? m[1] : 's3';
  }
  if (raw.rawQuery.includes('X-Amz-Credential=')) {
    const m = /(?:^|&)X-Amz-Credential=[^&]*?(?:%2F|\/)\d{8}(?:%2F|\/)[^&%/]+(?:%2F|\/)([^&%/]+)(?:%2F|\/)aws4_request/i.exec(raw.rawQuery);
    return m ? m[1] : 's3';
  }
  return 's3';
}
