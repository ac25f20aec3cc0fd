/**
 * The S3 section's routes:
 * - `#/s3/buckets` — the bucket list;
 * - `#/s3/buckets/<bucket>` and `#/s3/buckets/<bucket>/<prefix>` — a bucket (tabs Objects, Properties,
 *   Permissions), the Objects tab inside the folder `<prefix>` (one route part, `/` encoded);
 * - `#/s3/object/<bucket>/<key>` — one object (the key one route part).
 */
import type { SectionProps } from '../main.js';
import { BucketsPage } from './s3-buckets.js';
import { BucketPage } from './s3-bucket.js';
import { ObjectPage } from './s3-object.js';

export default function Section({ route, session }: SectionProps) {
  const [page, bucket] = route;
  const rest = route.slice(2).join('/');
  if (page === 'buckets' && bucket) {
    const prefix = rest === '' || rest.endsWith('/') ? rest : `${rest}/`;
    return <BucketPage key={bucket} bucket={bucket} prefix={prefix} session={session} />;
  }
  if (page === 'object' && bucket && rest !== '')
    return <ObjectPage key={`${bucket}/${rest}`} bucket={bucket} objectKey={rest} />;
  return <BucketsPage session={session} />;
}
