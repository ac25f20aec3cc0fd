import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Readable } from 'node:stream';
import { UNSIGNED_FACTS, type AuthenticationResult } from '../auth/types.js';
import { ANONYMOUS } from '../identity/caller.js';
import { newBucketRegion, wrongRegionError } from './bucket-region.js';

const SERVED = ['us-east-1', 'us-west-1', 'eu-west-1'];
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'none';
};

test('a request signed for us-east-1 may create a bucket in any served region; none is us-east-1', () => {
  assert.equal(newBucketRegion({ requestRegion: 'us-east-1', constraint: undefined, served: SERVED }), 'us-east-1');
  assert.equal(newBucketRegion({ requestRegion: 'us-east-1', constraint: '', served: SERVED }), 'us-east-1');
  assert.equal(newBucketRegion({ requestRegion: 'us-east-1', constraint: 'us-west-1', served: SERVED }), 'us-west-1');
  assert.equal(newBucketRegion({ requestRegion: 'us-east-1', constraint: 'EU', served: SERVED }), 'eu-west-1');
  assert.equal(code(() => newBucketRegion({ requestRegion: 'us-east-1', constraint: 'us-east-1', served: SERVED })), 'InvalidLocationConstraint');
  assert.equal(code(() => newBucketRegion({ requestRegion: 'us-east-1', constraint: 'ap-south-1', served: SERVED })), 'InvalidLocationConstraint', 'not served');
  assert.equal(code(() => newBucketRegion({ requestRegion: 'us-east-1', constraint: 'Mars', served: SERVED })), 'InvalidLocationConstraint');
});

test('a request signed for another region creates buckets in that region only', () => {
  assert.equal(newBucketRegion({ requestRegion: 'us-west-1', constraint: 'us-west-1', served: SERVED }), 'us-west-1');
  assert.equal(code(() => newBucketRegion({ requestRegion: 'us-west-1', constraint: undefined, served: SERVED })), 'IllegalLocationConstraintException');
  assert.equal(code(() => newBucketRegion({ requestRegion: 'us-west-1', constraint: 'eu-west-1', served: SERVED })), 'IllegalLocationConstraintException');
});

function signed(region: string | undefined): AuthenticationResult {
  return { caller: ANONYMOUS, service: 's3', region, facts: { ...UNSIGNED_FACTS, authType: 'REST-HEADER' }, body: Readable.from([]),
    trailers: () => ({}), decodedContentLength: 0 } as unknown as AuthenticationResult;
}

test("a signed request for another region's bucket is 301 PermanentRedirect naming the region, as a regional endpoint answers", () => {
  const input = { bucket: 'b', bucketRegion: 'us-west-1', operation: 'GetObject', host: '127.0.0.1:9000' };
  const e = wrongRegionError({ ...input, auth: signed('us-east-1') })!;
  assert.equal(e.code, 'PermanentRedirect');
  assert.equal(e.status, 301);
  assert.deepEqual(e.fields, { Endpoint: '127.0.0.1:9000', Bucket: 'b' });
  assert.equal(e.headers?.['x-amz-bucket-region'], 'us-west-1');
  assert.equal(wrongRegionError({ ...input, auth: signed('us-west-1') }), undefined);
  assert.equal(wrongRegionError({ ...input, auth: signed('us-east-1'), operation: 'GetBucketLocation' }), undefined, 'answered from any region');
  assert.equal(wrongRegionError({ ...input, auth: signed(undefined) }), undefined, 'unsigned');
});
