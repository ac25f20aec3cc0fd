/**
 * Bucket tagging (Put/Get/DeleteBucketTagging) and bucket ABAC (Put/GetBucketAbac) end to end: the
 * aws CLI, boto3 and the AWS SDK v3 against the real server, and `aws:ResourceTag/<key>` in identity
 * and bucket policies, which S3 evaluates only while the bucket's ABAC is Enabled
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging.html).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketAbacCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  PutUserPolicyCommand,
  type IAMClient,
  type Tag,
} from '@aws-sdk/client-iam';
import { rawRequest } from '../../src/s3/testing/raw-request.js';
import { awsCli, iamClient, python, s3Client, startServer, uniqueName, type TestServer } from './harness.js';

let server: TestServer;
let iam: IAMClient;
let root: S3Client;
const clients: S3Client[] = [];

/** The error code of a failed aws CLI call ("An error occurred (Code) when calling ..."). */
function cliError(r: { code: number | null; stderr: string }): string {
  assert.notEqual(r.code, 0, 'expected the command to fail');
  return /An error occurred \(([^)]+)\)/.exec(r.stderr)?.[1] ?? r.stderr;
}

async function cliJson(args: string[]): Promise<unknown> {
  const r = await awsCli(server, args);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim() === '' ? undefined : JSON.parse(r.stdout);
}

/** 'allowed', or the S3 error code the request failed with. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof S3ServiceException, String(e));
    return e.name;
  }
  return 'allowed';
}

async function newBucket(tags: Record<string, string>): Promise<string> {
  const bucket = uniqueName('abac');
  await root.send(new CreateBucketCommand({ Bucket: bucket }));
  await root.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'data' }));
  await tag(bucket, tags);
  return bucket;
}

async function tag(bucket: string, tags: Record<string, string>): Promise<void> {
  const TagSet = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  await root.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet } }));
}

async function abac(bucket: string, status: 'Enabled' | 'Disabled'): Promise<void> {
  await root.send(new PutBucketAbacCommand({ Bucket: bucket, AbacStatus: { Status: status } }));
}

/** A user with `tags` whose only permissions are `statements`, and an S3 client with its key. */
async function userWith(tags: Tag[], statements: Record<string, unknown>[]): Promise<{ arn: string; s3: S3Client }> {
  const name = uniqueName('abac-user');
  const user = (await iam.send(new CreateUserCommand({ UserName: name, Tags: tags }))).User;
  assert.ok(user?.Arn);
  if (statements.length > 0) {
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: statements });
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'abac', PolicyDocument: doc }));
  }
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey;
  assert.ok(key?.AccessKeyId && key.SecretAccessKey);
  const s3 = s3Client(server, { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey });
  clients.push(s3);
  return { arn: user.Arn, s3 };
}

describe('bucket tagging and bucket ABAC', () => {
  before(async () => {
    server = await startServer();
    iam = iamClient(server);
    root = s3Client(server);
  });
  after(async () => {
    for (const c of [...clients, root]) c?.destroy();
    iam?.destroy();
    await server?.stop();
  });

  test('aws CLI: put, get and delete bucket tags; AWS error codes; tags frozen while ABAC is Enabled', async () => {
    const b = uniqueName('tags-cli');
    await cliJson(['s3api', 'create-bucket', '--bucket', b]);
    assert.equal(cliError(await awsCli(server, ['s3api', 'get-bucket-tagging', '--bucket', b])), 'NoSuchTagSet');
    const tagging = { TagSet: [{ Key: 'team', Value: 'blue' }, { Key: 'cost center', Value: '' }] };
    await cliJson(['s3api', 'put-bucket-tagging', '--bucket', b, '--tagging', JSON.stringify(tagging)]);
    assert.deepEqual(await cliJson(['s3api', 'get-bucket-tagging', '--bucket', b]), tagging);

    const put = (tags: { Key: string; Value: string }[]) =>
      awsCli(server, ['s3api', 'put-bucket-tagging', '--bucket', b, '--tagging', JSON.stringify({ TagSet: tags })]);
    assert.equal(cliError(await put([{ Key: 'aws:team', Value: 'x' }])), 'InvalidTag');
    assert.equal(cliError(await put([{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }])), 'InvalidTag');
    assert.equal(cliError(await put([{ Key: 'k'.repeat(129), Value: '1' }])), 'InvalidTag');
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    assert.equal(cliError(await put(many(51))), 'BadRequest');
    assert.equal((await put(many(50))).code, 0);
    await cliJson(['s3api', 'put-bucket-tagging', '--bucket', b, '--tagging', JSON.stringify(tagging)]);

    const getAbac = () => cliJson(['s3api', 'get-bucket-abac', '--bucket', b]);
    assert.deepEqual(await getAbac(), { AbacStatus: { Status: 'Disabled' } });
    await cliJson(['s3api', 'put-bucket-abac', '--bucket', b, '--abac-status', 'Status=Enabled']);
    assert.deepEqual(await getAbac(), { AbacStatus: { Status: 'Enabled' } });
    // With ABAC on, tags change through TagResource/UntagResource only; GetBucketTagging still reads them.
    assert.equal(cliError(await put([{ Key: 'team', Value: 'red' }])), 'BadRequest');
    assert.equal(cliError(await awsCli(server, ['s3api', 'delete-bucket-tagging', '--bucket', b])), 'BadRequest');
    assert.deepEqual(await cliJson(['s3api', 'get-bucket-tagging', '--bucket', b]), tagging);

    await cliJson(['s3api', 'put-bucket-abac', '--bucket', b, '--abac-status', 'Status=Disabled']);
    await cliJson(['s3api', 'delete-bucket-tagging', '--bucket', b]);
    assert.equal(cliError(await awsCli(server, ['s3api', 'get-bucket-tagging', '--bucket', b])), 'NoSuchTagSet');
    const missing = await awsCli(server, ['s3api', 'get-bucket-tagging', '--bucket', `${b}-none`]);
    assert.equal(cliError(missing), 'NoSuchBucket');
  });

  test('boto3: tagging round trip, replace semantics, ABAC status and error codes', async () => {
    const script = `
import json, os, sys, boto3, botocore
s3 = boto3.client("s3", endpoint_url=os.environ["STRONGBOX_ENDPOINT"])
b = sys.argv[1]
out = {}
def code(fn):
    try:
        fn()
        return "ok"
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
s3.create_bucket(Bucket=b)
tag_set = [{"Key": "team", "Value": "blue"}, {"Key": "env", "Value": "dev"}]
put = s3.put_bucket_tagging(Bucket=b, Tagging={"TagSet": tag_set})
out["put_status"] = put["ResponseMetadata"]["HTTPStatusCode"]
s3.put_bucket_tagging(Bucket=b, Tagging={"TagSet": [{"Key": "team", "Value": "green"}]})
out["tags"] = s3.get_bucket_tagging(Bucket=b)["TagSet"]
out["system_tag"] = code(lambda: s3.put_bucket_tagging(Bucket=b, Tagging={"TagSet": [{"Key": "aws:x", "Value": "1"}]}))
out["bad_chars"] = code(lambda: s3.put_bucket_tagging(Bucket=b, Tagging={"TagSet": [{"Key": "a*b", "Value": "1"}]}))
out["abac_default"] = s3.get_bucket_abac(Bucket=b)["AbacStatus"]["Status"]
s3.put_bucket_abac(Bucket=b, AbacStatus={"Status": "Enabled"})
out["abac"] = s3.get_bucket_abac(Bucket=b)["AbacStatus"]["Status"]
out["put_with_abac"] = code(lambda: s3.put_bucket_tagging(Bucket=b, Tagging={"TagSet": []}))
s3.put_bucket_abac(Bucket=b, AbacStatus={"Status": "Disabled"})
out["delete_status"] = s3.delete_bucket_tagging(Bucket=b)["ResponseMetadata"]["HTTPStatusCode"]
out["after_delete"] = code(lambda: s3.get_bucket_tagging(Bucket=b))
print(json.dumps(out))
`;
    const r = await python(server, script, { args: [uniqueName('tags-py')] });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop() as string), {
      put_status: 204,
      tags: [{ Key: 'team', Value: 'green' }],
      system_tag: 'InvalidTag',
      bad_chars: 'InvalidTag',
      abac_default: 'Disabled',
      abac: 'Enabled',
      put_with_abac: 'BadRequest',
      delete_status: 204,
      after_delete: 'NoSuchTagSet',
    });
  });

  test('PutBucketTagging needs Content-MD5 or a checksum; a malformed document is MalformedXML', async () => {
    const b = uniqueName('tags-raw');
    await root.send(new CreateBucketCommand({ Bucket: b }));
    const signed = (body: string, headers: Record<string, string> = {}) =>
      rawRequest(server.endpoint, {
        method: 'PUT',
        path: `/${b}`,
        query: 'tagging',
        body,
        headers,
        credentials: server.root,
        region: server.region,
      });
    const good = '<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>';
    assert.equal((await signed(good)).code, 'InvalidRequest');
    const md5 = (s: string) => ({ 'content-md5': createHash('md5').update(s).digest('base64') });
    assert.equal((await signed(good, md5(good))).status, 204);
    const noValue = '<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>';
    assert.equal((await signed(noValue, md5(noValue))).code, 'MalformedXML');
    assert.equal((await signed('<Tagging><TagSet>', md5('<Tagging><TagSet>'))).code, 'MalformedXML');
  });

  test('CreateBucket with Tags: stored as the bucket tags; s3:TagResource needed; aws:RequestTag enforced', async () => {
    // The SDK v3 and the aws CLI send CreateBucketConfiguration.Tags.
    const sdkBucket = uniqueName('born-tagged');
    const Tags = [{ Key: 'team', Value: 'blue' }, { Key: 'cost', Value: '42' }];
    await root.send(new CreateBucketCommand({ Bucket: sdkBucket, CreateBucketConfiguration: { Tags } }));
    assert.deepEqual((await root.send(new GetBucketTaggingCommand({ Bucket: sdkBucket }))).TagSet, Tags);
    const cliBucket = uniqueName('born-tagged-cli');
    const config = JSON.stringify({ LocationConstraint: 'eu-west-1', Tags: [{ Key: 'team', Value: 'red' }] });
    await cliJson(['s3api', 'create-bucket', '--bucket', cliBucket, '--region', 'eu-west-1', '--create-bucket-configuration', config]);
    // No region flag: the CLI follows the 301 to the bucket's region, as on AWS.
    assert.deepEqual(await cliJson(['s3api', 'get-bucket-tagging', '--bucket', cliBucket]), { TagSet: [{ Key: 'team', Value: 'red' }] });
    // Tags are validated as PutBucketTagging validates them, before anything is created.
    const reserved = uniqueName('born-reserved');
    const bad = new CreateBucketCommand({ Bucket: reserved, CreateBucketConfiguration: { Tags: [{ Key: 'aws:x', Value: '1' }] } });
    assert.equal(await outcome(root.send(bad)), 'InvalidTag');
    assert.equal(await outcome(root.send(new GetBucketTaggingCommand({ Bucket: reserved }))), 'NoSuchBucket');

    // A user allowed to create buckets only when tagged with its own team, and to tag them.
    const requireTeam = { StringEquals: { 'aws:RequestTag/team': '${aws:PrincipalTag/team}' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } };
    const onlyCreate = await userWith([{ Key: 'team', Value: 'blue' }], [{ Effect: 'Allow', Action: 's3:CreateBucket', Resource: '*' }]);
    const creator = await userWith(
      [{ Key: 'team', Value: 'blue' }],
      [{ Effect: 'Allow', Action: ['s3:CreateBucket', 's3:TagResource'], Resource: '*', Condition: requireTeam }],
    );
    const create = (s3: S3Client, tags?: { Key: string; Value: string }[]) =>
      s3.send(new CreateBucketCommand({ Bucket: uniqueName('by-user'), ...(tags ? { CreateBucketConfiguration: { Tags: tags } } : {}) }));
    assert.equal(await outcome(create(onlyCreate.s3)), 'allowed');
    assert.equal(await outcome(create(onlyCreate.s3, [{ Key: 'team', Value: 'blue' }])), 'AccessDenied'); // no s3:TagResource
    assert.equal(await outcome(create(creator.s3, [{ Key: 'team', Value: 'blue' }])), 'allowed');
    assert.equal(await outcome(create(creator.s3, [{ Key: 'team', Value: 'red' }])), 'AccessDenied');
    assert.equal(await outcome(create(creator.s3, [{ Key: 'team', Value: 'blue' }, { Key: 'x', Value: 'y' }])), 'AccessDenied');
    assert.equal(await outcome(create(creator.s3)), 'AccessDenied'); // no aws:RequestTag/team at all
  });

  test('identity policy on aws:ResourceTag/team = the principal\'s team: enforced only with ABAC Enabled', async () => {
    const blue = await newBucket({ team: 'blue' });
    const red = await newBucket({ team: 'red' });
    const sameTeam = { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } };
    const user = await userWith(
      [{ Key: 'team', Value: 'blue' }],
      [
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
          Resource: 'arn:aws:s3:::*',
          Condition: sameTeam,
        },
      ],
    );
    const get = (bucket: string) => user.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }));
    // ABAC Disabled (the default): S3 does not evaluate bucket tags, so the condition never matches.
    assert.equal(await outcome(get(blue)), 'AccessDenied');
    assert.equal(await outcome(user.s3.send(new ListObjectsV2Command({ Bucket: blue }))), 'AccessDenied');

    await abac(blue, 'Enabled');
    await abac(red, 'Enabled');
    assert.equal(await outcome(get(blue)), 'allowed');
    assert.equal(await outcome(user.s3.send(new PutObjectCommand({ Bucket: blue, Key: 'new', Body: 'x' }))), 'allowed');
    assert.equal(await outcome(user.s3.send(new ListObjectsV2Command({ Bucket: blue }))), 'allowed');
    assert.equal(await outcome(get(red)), 'AccessDenied');
    // The user may not switch ABAC itself: s3:PutBucketAbac is not in its policy.
    const switchOff = new PutBucketAbacCommand({ Bucket: red, AbacStatus: { Status: 'Disabled' } });
    assert.equal(await outcome(user.s3.send(switchOff)), 'AccessDenied');

    // Turning ABAC off again takes the tags out of the evaluation at once (no remembered allow).
    await abac(blue, 'Disabled');
    assert.equal(await outcome(get(blue)), 'AccessDenied');
  });

  test('bucket policy on aws:ResourceTag/team: allows while the tag matches and ABAC is Enabled', async () => {
    const bucket = await newBucket({ team: 'blue' });
    const user = await userWith([], []);
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: user.arn },
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${bucket}/*`,
          Condition: { StringEquals: { 'aws:ResourceTag/team': 'blue' } },
        },
      ],
    };
    await root.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
    const get = () => user.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }));
    assert.equal(await outcome(get()), 'AccessDenied');
    await abac(bucket, 'Enabled');
    assert.equal(await outcome(get()), 'allowed');
    // Retag (ABAC off, PutBucketTagging, ABAC on): the new value no longer matches.
    await abac(bucket, 'Disabled');
    await tag(bucket, { team: 'red' });
    await abac(bucket, 'Enabled');
    assert.equal(await outcome(get()), 'AccessDenied');
  });
});
