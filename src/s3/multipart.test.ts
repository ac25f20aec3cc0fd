/**
 * Multipart uploads through the real pipeline with the AWS SDK v3 (default checksum settings).
 * Vectors: three 5 MiB parts of 'A', 'B', 'C' (ceph s3-tests, verified against AWS): ETag
 * b2add96cc9702bbf4efb0ccdfc6b7747-3, CRC32 FULL_OBJECT WgDhBQ==, SHA256 COMPOSITE
 * uWBwpe1dxI4Vw8Gf0X9ynOdw/SS6VBzfWm9giiv1sf4=-3.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
  type ChecksumAlgorithm,
  type ChecksumType,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { startS3TestServer, type S3TestServer } from './testing/s3-test-server.js';

const MiB = 1024 * 1024;
const PARTS = ['A', 'B', 'C'].map((c) => Buffer.alloc(5 * MiB, c));

let server: S3TestServer;
let s3: S3Client;
let bucket: string;

before(async () => {
  server = await startS3TestServer();
  s3 = server.client();
  bucket = `mpu-${randomBytes(4).toString('hex')}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
after(async () => server.close());

async function rejects(p: Promise<unknown>, code: string, status: number): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof S3ServiceException && e.name === code && e.$metadata.httpStatusCode === status);
}

async function upload(key: string, opts: { algorithm?: ChecksumAlgorithm; type?: ChecksumType; parts?: Buffer[] } = {}) {
  const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: opts.algorithm, ChecksumType: opts.type, ContentType: 'text/abc' }));
  const uploadId = created.UploadId as string;
  const done: CompletedPart[] = [];
  for (const [i, body] of (opts.parts ?? PARTS).entries()) {
    const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: i + 1, Body: body, ChecksumAlgorithm: opts.algorithm }));
    done.push({ PartNumber: i + 1, ETag: r.ETag, ChecksumCRC32: r.ChecksumCRC32, ChecksumSHA256: r.ChecksumSHA256, ChecksumCRC64NVME: r.ChecksumCRC64NVME });
  }
  return { uploadId, done };
}

test('complete: ETag, FULL_OBJECT CRC32, part-number reads', async () => {
  const { uploadId, done } = await upload('full', { algorithm: 'CRC32', type: 'FULL_OBJECT' });
  const res = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'full', UploadId: uploadId, MultipartUpload: { Parts: done } }));
  assert.equal(res.ETag, '"b2add96cc9702bbf4efb0ccdfc6b7747-3"');
  assert.equal(res.ChecksumCRC32, 'WgDhBQ==');
  assert.equal(res.ChecksumType, 'FULL_OBJECT');
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'full', ChecksumMode: 'ENABLED' }));
  assert.equal(head.ContentLength, 15 * MiB);
  assert.equal(head.ContentType, 'text/abc');
  assert.equal(head.ChecksumCRC32, 'WgDhBQ==');
  const part2 = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'full', PartNumber: 2 }));
  assert.equal(part2.PartsCount, 3);
  assert.equal(part2.ContentLength, 5 * MiB);
  const bytes = Buffer.from(await (part2.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  assert.ok(bytes.equals(PARTS[1]));
  // The whole object streams back intact (the SDK validates the FULL_OBJECT CRC32 it is sent).
  const whole = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'full', ChecksumMode: 'ENABLED' }));
  const all = Buffer.from(await (whole.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  assert.ok(all.equals(Buffer.concat(PARTS)));
  await rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'full', PartNumber: 4 })), 'InvalidPart', 400);
  // A retried Complete (lost response) answers with the object it created.
  const again = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'full', UploadId: uploadId, MultipartUpload: { Parts: done } }));
  assert.equal(again.ETag, res.ETag);
});

test('complete: COMPOSITE SHA256', async () => {
  const { uploadId, done } = await upload('composite', { algorithm: 'SHA256' });
  const res = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'composite', UploadId: uploadId, MultipartUpload: { Parts: done } }));
  assert.equal(res.ChecksumSHA256, 'uWBwpe1dxI4Vw8Gf0X9ynOdw/SS6VBzfWm9giiv1sf4=-3');
  assert.equal(res.ChecksumType, 'COMPOSITE');
});

test('complete errors: EntityTooSmall, InvalidPart, InvalidPartOrder, NoSuchUpload', async () => {
  const small = await upload('small', { parts: [Buffer.from('tiny'), Buffer.from('last')] });
  await rejects(s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'small', UploadId: small.uploadId, MultipartUpload: { Parts: small.done } })), 'EntityTooSmall', 400);
  const { uploadId, done } = await upload('errs', { parts: [PARTS[0], Buffer.from('end')] });
  await rejects(
    s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'errs', UploadId: uploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }] } })),
    'InvalidPart',
    400,
  );
  await rejects(
    s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'errs', UploadId: uploadId, MultipartUpload: { Parts: [done[1], done[0]] } })),
    'InvalidPartOrder',
    400,
  );
  await rejects(s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'errs', UploadId: 'nope', MultipartUpload: { Parts: done } })), 'NoSuchUpload', 404);
  await rejects(s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'errs', UploadId: uploadId, PartNumber: 10001, Body: 'x' })), 'InvalidArgument', 400);
  const parts = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'errs', UploadId: uploadId, MaxParts: 1 }));
  assert.equal(parts.IsTruncated, true);
  assert.equal(parts.Parts?.[0].PartNumber, 1);
  const next = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'errs', UploadId: uploadId, PartNumberMarker: parts.NextPartNumberMarker }));
  assert.deepEqual(next.Parts?.map((p) => p.PartNumber), [2]);
  const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'errs' }));
  assert.deepEqual(uploads.Uploads?.map((u) => u.UploadId), [uploadId]);
  await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'errs', UploadId: uploadId }));
  await rejects(s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'errs', UploadId: uploadId })), 'NoSuchUpload', 404);
  await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'small', UploadId: small.uploadId }));
});

test('UploadPartCopy with a source range', async () => {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'copy-src', Body: Buffer.concat([PARTS[0], Buffer.from('tail')]) }));
  const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'copied' }));
  const p1 = await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'copied', UploadId: created.UploadId, PartNumber: 1, CopySource: `${bucket}/copy-src`, CopySourceRange: `bytes=0-${5 * MiB - 1}` }));
  const p2 = await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'copied', UploadId: created.UploadId, PartNumber: 2, CopySource: `${bucket}/copy-src`, CopySourceRange: `bytes=${5 * MiB}-${5 * MiB + 3}` }));
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: 'copied',
      UploadId: created.UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.CopyPartResult?.ETag }, { PartNumber: 2, ETag: p2.CopyPartResult?.ETag }] },
    }),
  );
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copied', Range: `bytes=${5 * MiB - 1}-` }));
  assert.equal(await got.Body?.transformToString(), 'Atail');
  await rejects(
    s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'copied', UploadId: created.UploadId, PartNumber: 1, CopySource: `${bucket}/copy-src`, CopySourceRange: 'bytes=0' })),
    'NoSuchUpload',
    404,
  );
});
