/**
 * S3 with python boto3 (default checksum settings) against the real server. The scenarios live in
 * test/integration/s3/boto3_s3.py: they assert as they go and print a JSON summary of error codes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT, python, startServer, uniqueName, type TestServer } from './harness.js';

const SCRIPT = readFileSync(join(REPO_ROOT, 'test/integration/s3/boto3_s3.py'), 'utf8');

describe('S3 with boto3', { concurrency: 3 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  async function scenario(name: string): Promise<Record<string, string | number>> {
    const r = await python(server, SCRIPT, { args: [name, uniqueName('py')], timeoutMs: 120_000 });
    assert.equal(r.code, 0, `${name}:\n${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, string | number>;
  }

  test('objects, paginators, copy, tagging, multi-delete, error codes', async () => {
    assert.deepEqual(await scenario('basics'), {
      missing_key: 'NoSuchKey',
      missing_bucket: 'NoSuchBucket',
      bad_name: 'InvalidBucketName',
      not_empty: 'BucketNotEmpty',
      if_none_match: 'PreconditionFailed',
      bad_range: 'InvalidRange',
      too_many_tags: 'BadRequest',
    });
  });

  test('managed multipart transfers and low-level multipart with SHA256', async () => {
    assert.deepEqual(await scenario('multipart'), { too_small: 'EntityTooSmall', bad_part_number: 'InvalidArgument', aborted: 'NoSuchUpload' });
  });

  test('presigned URLs used with urllib', async () => {
    assert.deepEqual(await scenario('presigned'), { expired_status: 403, expired_code: 'AccessDenied' });
  });
});
