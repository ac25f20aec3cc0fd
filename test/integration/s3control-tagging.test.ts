/**
 * S3 Control's TagResource, UntagResource and ListTagsForResource on general purpose buckets with the
 * aws CLI against the real server (through it as HTTP proxy, as `<account>.<host>` does not resolve:
 * public-access-block.test.ts): the tags of an ABAC-enabled bucket, which PutBucketTagging may no
 * longer change, are the ones GetBucketTagging reads; `aws:ResourceTag/team` in a policy sees a new tag
 * at once; `aws:RequestTag` and `aws:TagKeys` govern who may tag; a bucket policy grants the actions.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging-enable-abac.html
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, PutObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { iamClient, s3Client, s3ControlCli, startServer, uniqueName } from './harness.js';
import type { Credentials, ProcessResult, TestServer } from './harness.js';

const OTHER_ACCOUNT = '999988887777';

describe('S3 Control bucket tagging: TagResource, UntagResource, ListTagsForResource', () => {
  let server: TestServer;
  let iam: IAMClient;
  let root: S3Client;
  const clients: S3Client[] = [];
  let account = '';

  before(async () => {
    server = await startServer();
    account = /"accountId":"(\d{12})"/.exec(server.logs())![1];
    iam = iamClient(server);
    root = s3Client(server);
  });
  after(async () => {
    for (const c of [...clients, root]) c?.destroy();
    iam?.destroy();
    await server?.stop();
  });

  const { aws, json, fails } = s3ControlCli(() => server);
  const arnOf = (bucket: string) => `arn:aws:s3:::${bucket}`;
  const control = (op: string, bucket: string, ...args: string[]) =>
    ['s3control', op, '--account-id', account, '--resource-arn', arnOf(bucket), ...args];
  /** `--tags` in the CLI's shorthand, one `Key=k,Value=v` per tag. */
  const tagArgs = (tags: Record<string, string>) =>
    ['--tags', ...Object.entries(tags).map(([k, v]) => `Key=${k},Value=${v}`)];
  const tagResource = (bucket: string, tags: Record<string, string>, creds?: Credentials) =>
    json(control('tag-resource', bucket, ...tagArgs(tags)), creds);
  const untagResource = (bucket: string, keys: string[], creds?: Credentials) =>
    json(control('untag-resource', bucket, '--tag-keys', ...keys), creds);
  const listTags = async (bucket: string, creds?: Credentials) =>
    (await json(control('list-tags-for-resource', bucket), creds)).Tags;

  async function abacBucket(prefix: string): Promise<string> {
    const b = uniqueName(prefix);
    await json(['s3api', 'create-bucket', '--bucket', b]);
    await json(['s3api', 'put-bucket-abac', '--bucket', b, '--abac-status', 'Status=Enabled']);
    return b;
  }

  /** A user whose only permissions are `statements` (none: no identity policy), and its key. */
  async function userWith(statements: Record<string, unknown>[]): Promise<{ arn: string; creds: Credentials }> {
    const name = uniqueName('tagger');
    const user = (await iam.send(new CreateUserCommand({ UserName: name }))).User!;
    if (statements.length > 0) {
      const doc = JSON.stringify({ Version: '2012-10-17', Statement: statements });
      await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'tags', PolicyDocument: doc }));
    }
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { arn: user.Arn!, creds: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } };
  }

  test('an ABAC bucket: tag, list, untag with aws s3control; the same tags as GetBucketTagging; errors', async () => {
    const b = await abacBucket('ctl-tags');
    assert.deepEqual(await listTags(b), []);
    assert.deepEqual(await tagResource(b, { team: 'blue' }), {});
    assert.deepEqual(await listTags(b), [{ Key: 'team', Value: 'blue' }]);
    const getBucketTagging = () => json(['s3api', 'get-bucket-tagging', '--bucket', b]);
    assert.deepEqual(await getBucketTagging(), { TagSet: [{ Key: 'team', Value: 'blue' }] });
    // With ABAC Enabled, PutBucketTagging still refuses; TagResource is the way.
    const tagging = JSON.stringify({ TagSet: [{ Key: 'team', Value: 'red' }] });
    assert.equal(await fails(['s3api', 'put-bucket-tagging', '--bucket', b, '--tagging', tagging]), 'BadRequest');

    await tagResource(b, { env: 'dev', team: 'green' });
    assert.deepEqual(await listTags(b), [{ Key: 'team', Value: 'green' }, { Key: 'env', Value: 'dev' }]);
    await untagResource(b, ['team', 'not-there']);
    assert.deepEqual(await listTags(b), [{ Key: 'env', Value: 'dev' }]);
    await untagResource(b, ['env']);
    assert.deepEqual(await listTags(b), []);
    assert.equal(await fails(['s3api', 'get-bucket-tagging', '--bucket', b]), 'NoSuchTagSet');

    assert.equal(await fails(control('tag-resource', b, ...tagArgs({ 'aws:team': 'x' }))), 'InvalidTag');
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    assert.equal(await fails(control('tag-resource', b, ...tagArgs(many))), 'BadRequest');
    assert.deepEqual(await listTags(b), [], 'a refused TagResource writes nothing');
    assert.equal(await fails(control('list-tags-for-resource', uniqueName('missing'))), 'NoSuchBucket');
    const third = ['s3control', 'list-tags-for-resource', '--account-id', OTHER_ACCOUNT, '--resource-arn', arnOf(b)];
    assert.equal(await fails(third), 'AccessDenied');
  });

  test('aws:ResourceTag/team sees a new tag at once; aws:RequestTag and aws:TagKeys govern tagging', async () => {
    const b = await abacBucket('ctl-abac');
    await root.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'data' }));
    const { creds } = await userWith([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: `${arnOf(b)}/*`,
        Condition: { StringEquals: { 'aws:ResourceTag/team': 'blue' } },
      },
      {
        Effect: 'Allow',
        Action: 's3:TagResource',
        Resource: arnOf(b),
        Condition: { StringEquals: { 'aws:RequestTag/team': 'blue' } },
      },
      {
        Effect: 'Allow',
        Action: 's3:UntagResource',
        Resource: arnOf(b),
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] } },
      },
    ]);
    const s3 = s3Client(server, creds);
    clients.push(s3);
    const getObject = async (): Promise<string> => {
      try {
        await (await s3.send(new GetObjectCommand({ Bucket: b, Key: 'k' }))).Body?.transformToString();
        return 'allowed';
      } catch (e) {
        assert.ok(e instanceof S3ServiceException, String(e));
        return e.name;
      }
    };
    assert.equal(await getObject(), 'AccessDenied');
    assert.equal(await fails(control('tag-resource', b, ...tagArgs({ team: 'red' })), creds), 'AccessDenied');
    assert.equal(await fails(control('list-tags-for-resource', b), creds), 'AccessDenied');
    await tagResource(b, { team: 'blue' }, creds);
    assert.equal(await getObject(), 'allowed', 'the new tag decides the very next request');

    assert.equal(await fails(control('untag-resource', b, '--tag-keys', 'team'), creds), 'AccessDenied');
    await tagResource(b, { env: 'dev' });
    await untagResource(b, ['env'], creds);
    await untagResource(b, ['team']);
    assert.equal(await getObject(), 'AccessDenied');
  });

  test('a bucket policy alone grants s3:ListTagsForResource and s3:TagResource to a user', async () => {
    const b = await abacBucket('ctl-policy');
    const { arn, creds } = await userWith([]);
    assert.equal(await fails(control('list-tags-for-resource', b), creds), 'AccessDenied');
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: arn },
          Action: ['s3:ListTagsForResource', 's3:TagResource'],
          Resource: arnOf(b),
        },
      ],
    });
    await json(['s3api', 'put-bucket-policy', '--bucket', b, '--policy', policy]);
    await tagResource(b, { team: 'blue' }, creds);
    assert.deepEqual(await listTags(b, creds), [{ Key: 'team', Value: 'blue' }]);
    assert.equal(await fails(control('untag-resource', b, '--tag-keys', 'team'), creds), 'AccessDenied');
  });
});
