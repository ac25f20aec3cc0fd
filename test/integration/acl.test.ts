/**
 * S3 ACLs and Object Ownership with the real `aws` CLI and boto3 against the real server: a new
 * bucket's ACL and ownership controls, ACLs refused while disabled, the ownership-controls round
 * trip, a legacy application that sends `x-amz-acl: public-read` to an ObjectWriter bucket (read
 * anonymously afterwards), object grants by header, and the s3:PutObjectAcl permission an ACL on
 * a write needs, decided by the real policy engine.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { awsCli, iamClient, python, startServer, uniqueName, type Credentials, type TestServer } from './harness.js';

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';

interface Grant {
  readonly Grantee: { readonly Type: string; readonly ID?: string; readonly URI?: string };
  readonly Permission: string;
}

describe('S3 ACLs and Object Ownership', () => {
  let server: TestServer;

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  async function json(args: readonly string[], creds?: Credentials): Promise<Record<string, unknown>> {
    const r = await awsCli(server, [...args, '--output', 'json'], { creds });
    assert.equal(r.code, 0, `aws ${args.join(' ')}\n${r.stderr}`);
    return r.stdout.trim() === '' ? {} : (JSON.parse(r.stdout) as Record<string, unknown>);
  }
  async function fails(args: readonly string[], creds?: Credentials): Promise<string> {
    const r = await awsCli(server, args, { creds });
    assert.notEqual(r.code, 0, `expected aws ${args.join(' ')} to fail`);
    return /An error occurred \(([^)]+)\)/.exec(r.stderr)?.[1] ?? r.stderr;
  }
  const grantsOf = (acl: Record<string, unknown>) =>
    ((acl.Grants ?? []) as Grant[]).map((g) => `${g.Grantee.ID ?? g.Grantee.URI} ${g.Permission}`).sort();

  test('get-bucket-acl on a new bucket: the owner, FULL_CONTROL, the canonical id list-buckets shows', async () => {
    const b = uniqueName('acl-new');
    await json(['s3api', 'create-bucket', '--bucket', b]);
    const acl = await json(['s3api', 'get-bucket-acl', '--bucket', b]);
    const ownerId = (acl.Owner as { ID: string }).ID;
    assert.match(ownerId, /^[0-9a-f]{64}$/);
    assert.deepEqual(grantsOf(acl), [`${ownerId} FULL_CONTROL`]);
    assert.equal(((await json(['s3api', 'list-buckets'])).Owner as { ID: string }).ID, ownerId);
    const controls = await json(['s3api', 'get-bucket-ownership-controls', '--bucket', b]);
    assert.deepEqual(controls, { OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } });
  });

  test('ACLs disabled: put-bucket-acl --acl public-read is AccessControlListNotSupported', async () => {
    const b = uniqueName('acl-off');
    await json(['s3api', 'create-bucket', '--bucket', b]);
    const notSupported = 'AccessControlListNotSupported';
    assert.equal(await fails(['s3api', 'put-bucket-acl', '--bucket', b, '--acl', 'public-read']), notSupported);
    assert.equal(await fails(['s3api', 'put-object', '--bucket', b, '--key', 'k', '--acl', 'public-read']), notSupported);
    await json(['s3api', 'put-object', '--bucket', b, '--key', 'k', '--acl', 'bucket-owner-full-control']);
    const create = ['s3api', 'create-bucket', '--bucket', uniqueName('acl-off'), '--acl', 'public-read'];
    assert.equal(await fails(create), 'InvalidBucketAclWithObjectOwnership');
  });

  test('ownership controls round trip: put, get, delete, OwnershipControlsNotFoundError', async () => {
    const b = uniqueName('acl-own');
    await json(['s3api', 'create-bucket', '--bucket', b]);
    const put = (o: string) =>
      json(['s3api', 'put-bucket-ownership-controls', '--bucket', b, '--ownership-controls', `Rules=[{ObjectOwnership=${o}}]`]);
    await put('BucketOwnerPreferred');
    const got = await json(['s3api', 'get-bucket-ownership-controls', '--bucket', b]);
    assert.deepEqual(got, { OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] } });
    await json(['s3api', 'delete-bucket-ownership-controls', '--bucket', b]);
    assert.equal(await fails(['s3api', 'get-bucket-ownership-controls', '--bucket', b]), 'OwnershipControlsNotFoundError');
    await put('BucketOwnerEnforced');
  });

  test('a legacy app sends x-amz-acl: public-read to an ObjectWriter bucket (boto3); anyone may read it', async () => {
    const b = uniqueName('acl-legacy');
    const script = `
import os, sys, boto3, urllib.request
s3 = boto3.client("s3", endpoint_url=os.environ["STRONGBOX_ENDPOINT"])
b = sys.argv[1]
s3.create_bucket(Bucket=b, ObjectOwnership="ObjectWriter")
s3.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={
    "BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
s3.put_object(Bucket=b, Key="logo.png", Body=b"png bytes", ACL="public-read")
grants = s3.get_object_acl(Bucket=b, Key="logo.png")["Grants"]
print(sorted(g["Grantee"].get("URI", "owner") + " " + g["Permission"] for g in grants))
print(urllib.request.urlopen(os.environ["STRONGBOX_ENDPOINT"] + "/" + b + "/logo.png").read().decode())
`;
    const r = await python(server, script, { args: [b] });
    assert.equal(r.code, 0, r.stderr);
    const [grants, body] = r.stdout.trim().split('\n');
    assert.equal(grants, `['${ALL_USERS} READ', 'owner FULL_CONTROL']`);
    assert.equal(body, 'png bytes');
  });

  test('put-object-acl --grant-read uri=AllUsers, shown by get-object-acl', async () => {
    const b = uniqueName('acl-grant');
    await json(['s3api', 'create-bucket', '--bucket', b, '--object-ownership', 'ObjectWriter']);
    const publicAcls = 'BlockPublicAcls=false,IgnorePublicAcls=false,BlockPublicPolicy=true,RestrictPublicBuckets=true';
    await json(['s3api', 'put-public-access-block', '--bucket', b, '--public-access-block-configuration', publicAcls]);
    await json(['s3api', 'put-object', '--bucket', b, '--key', 'doc.txt']);
    await json(['s3api', 'put-object-acl', '--bucket', b, '--key', 'doc.txt', '--grant-read', `uri=${ALL_USERS}`]);
    const acl = await json(['s3api', 'get-object-acl', '--bucket', b, '--key', 'doc.txt']);
    assert.deepEqual(grantsOf(acl), [`${ALL_USERS} READ`]);
    assert.equal((acl.Grants as Grant[])[0].Grantee.Type, 'Group');
    const byEmail = ['s3api', 'put-object-acl', '--bucket', b, '--key', 'doc.txt', '--grant-read', 'emailaddress=someone@example.com'];
    assert.equal(await fails(byEmail), 'UnresolvableGrantByEmailAddress');
  });

  test('an ACL on a write needs s3:PutObjectAcl too; Block Public Access refuses a public one', async () => {
    const b = uniqueName('acl-perm');
    await json(['s3api', 'create-bucket', '--bucket', b, '--object-ownership', 'ObjectWriter']);
    const iam = iamClient(server);
    const user = uniqueName('writer');
    await iam.send(new CreateUserCommand({ UserName: user }));
    const allow = (Action: string[]) => {
      const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource: `arn:aws:s3:::${b}/*` }] };
      return iam.send(new PutUserPolicyCommand({ UserName: user, PolicyName: 'put', PolicyDocument: JSON.stringify(doc) }));
    };
    await allow(['s3:PutObject']);
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey!;
    const creds = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    await json(['s3api', 'put-object', '--bucket', b, '--key', 'plain'], creds);
    const sharedPut = ['s3api', 'put-object', '--bucket', b, '--key', 'shared', '--acl', 'authenticated-read'];
    assert.equal(await fails(sharedPut, creds), 'AccessDenied');
    await allow(['s3:PutObject', 's3:PutObjectAcl']);
    // The new bucket's Block Public Access is on: a public ACL is refused whoever asks.
    assert.equal(await fails(sharedPut, creds), 'AccessDenied');
    await json(['s3api', 'put-object', '--bucket', b, '--key', 'shared', '--acl', 'bucket-owner-read'], creds);
    // The writer's account owns the bucket too: bucket-owner-read adds nothing to its FULL_CONTROL.
    const ownerId = ((await json(['s3api', 'get-bucket-acl', '--bucket', b])).Owner as { ID: string }).ID;
    const acl = await json(['s3api', 'get-object-acl', '--bucket', b, '--key', 'shared']);
    assert.deepEqual(grantsOf(acl), [`${ownerId} FULL_CONTROL`]);
  });
});
