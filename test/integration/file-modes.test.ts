/**
 * Local users (#17): every file and directory the server creates in its data directory is private
 * (no group or other permission bits), whatever the mode of a data directory that already existed
 * (`mkdir data` gives 0755, so does many a container volume) and with the common umask 022; the server
 * warns at start when the data directory itself is open to other users.
 */
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { python, startServer, type TestServer } from './harness.js';

/** Every entry under `dir` (itself excluded) whose mode grants anything to group or others. */
function openEntries(dir: string): string[] {
  const open: string[] = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const st = lstatSync(join(dir, name));
    if (st.isSymbolicLink()) continue; // a link's own mode means nothing
    if ((st.mode & 0o077) !== 0) open.push(`${name} ${(st.mode & 0o777).toString(8)}`);
  }
  return open;
}

function entryCount(dir: string): number {
  return readdirSync(dir, { recursive: true }).length;
}

/** A data directory made beforehand as `mkdir` makes it: mode 0755 (set explicitly, whatever the umask). */
function precreatedDataDir(parent: string, mode: number): string {
  const dir = join(parent, 'data');
  mkdirSync(dir);
  chmodSync(dir, mode);
  return dir;
}

const WARNING = /"level":40,[^\n]*"mode":"0755"[^\n]*"msg":"the data directory is open to other local users/;

/**
 * An object inline in the metadata and one in a blob file, a multipart upload (temp files), an
 * SSE-KMS object with a new KMS key, a user with a password and an access key, a trail that delivers a
 * log file: every store of the server has written something.
 */
const WORKLOAD = `
import boto3, os, time
from botocore.config import Config
E = os.environ["STRONGBOX_ENDPOINT"]
s3 = boto3.client("s3", endpoint_url=E, config=Config(s3={"addressing_style": "path"}))
iam = boto3.client("iam", endpoint_url=E)
kms = boto3.client("kms", endpoint_url=E)
ct = boto3.client("cloudtrail", endpoint_url=E)
account = boto3.client("sts", endpoint_url=E).get_caller_identity()["Account"]
s3.create_bucket(Bucket="modes")
s3.put_object(Bucket="modes", Key="small", Body=b"x" * 100)
s3.put_object(Bucket="modes", Key="large", Body=os.urandom(1024 * 1024))
up = s3.create_multipart_upload(Bucket="modes", Key="parts")
p1 = s3.upload_part(Bucket="modes", Key="parts", UploadId=up["UploadId"], PartNumber=1, Body=b"a" * (5 * 1024 * 1024))
p2 = s3.upload_part(Bucket="modes", Key="parts", UploadId=up["UploadId"], PartNumber=2, Body=b"b" * 1000)
s3.complete_multipart_upload(Bucket="modes", Key="parts", UploadId=up["UploadId"], MultipartUpload={"Parts": [
    {"PartNumber": 1, "ETag": p1["ETag"]}, {"PartNumber": 2, "ETag": p2["ETag"]}]})
key = kms.create_key(Description="modes")["KeyMetadata"]["KeyId"]
s3.put_object(Bucket="modes", Key="kms", Body=b"secret", ServerSideEncryption="aws:kms", SSEKMSKeyId=key)
iam.create_user(UserName="alice")
iam.create_login_profile(UserName="alice", Password="Correct-Horse-9-Battery")
iam.create_access_key(UserName="alice")
s3.create_bucket(Bucket="modes-trail")
s3.put_bucket_policy(Bucket="modes-trail", Policy="""{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl",
   "Resource":"arn:aws:s3:::modes-trail"},
  {"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject",
   "Resource":"arn:aws:s3:::modes-trail/AWSLogs/%s/*",
   "Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}]}""" % account)
ct.create_trail(Name="modes", S3BucketName="modes-trail", EnableLogFileValidation=True)
ct.start_logging(Name="modes")
iam.create_user(UserName="bob")
# Delivery runs every 200 ms here: wait (bounded only to end a broken run) for the first log file.
for _ in range(600):
    if s3.list_objects_v2(Bucket="modes-trail", Prefix="AWSLogs/").get("KeyCount", 0) > 0:
        break
    time.sleep(0.1)
else:
    raise SystemExit("the trail delivered no log file")
`;

describe('file modes in a pre-created 0755 data directory', () => {
  let parent: string;
  let server: TestServer | undefined;
  let previousUmask: number;

  before(() => {
    // The umask most systems give: without the server's own care, new files would be 0644.
    previousUmask = process.umask(0o022);
    parent = mkdtempSync(join(tmpdir(), 'strongbox-modes-'));
  });

  after(async () => {
    await server?.stop();
    process.umask(previousUmask);
    rmSync(parent, { recursive: true, force: true });
  });

  test('no file or directory the server creates is readable by group or others; the server warns', async () => {
    const dataDir = precreatedDataDir(parent, 0o755);
    server = await startServer({ dataDir, extraArgs: ['--trail-delivery-ms', '200'] });
    const r = await python(server, WORKLOAD, { timeoutMs: 180_000 });
    assert.equal(r.code, 0, r.stderr);
    // While serving (the SQLite -wal and -shm files exist now), and once stopped.
    assert.deepEqual(openEntries(dataDir), []);
    assert.match(server.logs(), WARNING);
    await server.stop();
    server = undefined;
    assert.deepEqual(openEntries(dataDir), []);
    assert.ok(entryCount(dataDir) >= 10, `the server created only ${entryCount(dataDir)} entries`);
    // The directory itself is the operator's: the server warns about it but leaves it as it was.
    assert.equal(lstatSync(dataDir).mode & 0o777, 0o755);
  });

  test('with worker processes too; a private data directory gets no warning', async () => {
    const dataDir = join(parent, 'private');
    mkdirSync(dataDir, { mode: 0o700 });
    server = await startServer({ dataDir, extraArgs: ['--workers', '2'] });
    const r = await python(server, `
import boto3, os
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=os.environ["STRONGBOX_ENDPOINT"], config=Config(s3={"addressing_style": "path"}))
s3.create_bucket(Bucket="workers")
for i in range(4):
    s3.put_object(Bucket="workers", Key=f"k{i}", Body=os.urandom(200 * 1024))
boto3.client("iam", endpoint_url=os.environ["STRONGBOX_ENDPOINT"]).create_user(UserName="carol")
`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(openEntries(dataDir), []);
    assert.doesNotMatch(server.logs(), /the data directory is open to other local users/);
    await server.stop();
    server = undefined;
    assert.deepEqual(openEntries(dataDir), []);
  });
});
