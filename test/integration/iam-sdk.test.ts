/**
 * IAM through @aws-sdk/client-iam against the real server: shapes, pagination, limits, every error
 * code of the issue, URL-encoded documents, and credentials taking effect at once (STS).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddUserToGroupCommand, AttachUserPolicyCommand, CreateAccessKeyCommand, CreateGroupCommand, CreateLoginProfileCommand, CreatePolicyCommand,
  CreatePolicyVersionCommand, CreateUserCommand, DeleteAccessKeyCommand, DeletePolicyVersionCommand, DeleteUserCommand, DetachUserPolicyCommand,
  GetAccountPasswordPolicyCommand, GetCredentialReportCommand, GetPolicyVersionCommand, GetUserPolicyCommand, IAMServiceException, ListPolicyVersionsCommand,
  PutUserPolicyCommand, SetDefaultPolicyVersionCommand, SimulateCustomPolicyCommand, SimulatePrincipalPolicyCommand, UpdateAccessKeyCommand, paginateListUsers, type IAMClient,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { iamClient, startServer, stsClient, uniqueName, type TestServer } from './harness.js';

async function errorOf(p: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof IAMServiceException || (e as { $metadata?: unknown }).$metadata) {
      const err = e as IAMServiceException;
      return { name: err.name, status: err.$metadata.httpStatusCode };
    }
    throw e;
  }
  return { name: 'no error', status: undefined };
}

const doc = (bucket: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: `arn:aws:s3:::${bucket}*` }] });

describe('IAM with the AWS SDK v3', () => {
  let server: TestServer;
  let iam: IAMClient;
  before(async () => {
    server = await startServer();
    iam = iamClient(server);
  });
  after(async () => {
    iam?.destroy();
    await server?.stop();
  });

  test('users: create, paginate with MaxItems/Marker across pages, errors with statuses', async () => {
    const prefix = uniqueName('pg');
    for (let i = 0; i < 7; i++) await iam.send(new CreateUserCommand({ UserName: `${prefix}-${i}`, Path: '/paged/' }));
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateListUsers({ client: iam, pageSize: 3 }, { PathPrefix: '/paged/' })) {
      pages++;
      names.push(...(page.Users ?? []).map((u) => u.UserName ?? ''));
    }
    assert.equal(pages, 3);
    assert.deepEqual(names, Array.from({ length: 7 }, (_, i) => `${prefix}-${i}`));
    assert.deepEqual(await errorOf(iam.send(new CreateUserCommand({ UserName: `${prefix}-0`.toUpperCase() }))), { name: 'EntityAlreadyExistsException', status: 409 });
    assert.deepEqual(await errorOf(iam.send(new DeleteUserCommand({ UserName: 'no-such-user-here' }))), { name: 'NoSuchEntityException', status: 404 });
    assert.deepEqual(await errorOf(iam.send(new CreateUserCommand({ UserName: 'has space' }))), { name: 'ValidationError', status: 400 });
  });

  test('access keys: two at most, an inactive key is refused on the next request, a deleted one too', async () => {
    const name = uniqueName('keys');
    await iam.send(new CreateUserCommand({ UserName: name }));
    const k1 = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    const k2 = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    assert.deepEqual(await errorOf(iam.send(new CreateAccessKeyCommand({ UserName: name }))), { name: 'LimitExceededException', status: 409 });
    const sts1 = stsClient(server, { accessKeyId: k1.AccessKeyId!, secretAccessKey: k1.SecretAccessKey! });
    const me = await sts1.send(new GetCallerIdentityCommand({}));
    assert.equal(me.Arn, `arn:aws:iam::${me.Account}:user/${name}`);
    assert.match(me.UserId ?? '', /^AIDA[A-Z2-7]{17}$/);
    await iam.send(new UpdateAccessKeyCommand({ UserName: name, AccessKeyId: k1.AccessKeyId, Status: 'Inactive' }));
    assert.equal((await errorOf(sts1.send(new GetCallerIdentityCommand({})))).name, 'InvalidClientTokenId');
    await iam.send(new UpdateAccessKeyCommand({ UserName: name, AccessKeyId: k1.AccessKeyId, Status: 'Active' }));
    assert.ok((await sts1.send(new GetCallerIdentityCommand({}))).Arn);
    assert.deepEqual(await errorOf(iam.send(new DeleteUserCommand({ UserName: name }))), { name: 'DeleteConflictException', status: 409 });
    await iam.send(new DeleteAccessKeyCommand({ UserName: name, AccessKeyId: k1.AccessKeyId }));
    assert.equal((await errorOf(sts1.send(new GetCallerIdentityCommand({})))).name, 'InvalidClientTokenId');
    await iam.send(new DeleteAccessKeyCommand({ UserName: name, AccessKeyId: k2.AccessKeyId }));
    await iam.send(new DeleteUserCommand({ UserName: name }));
    sts1.destroy();
  });

  test('policy versions: limit of 5, default protected, rollback; documents URL-encoded', async () => {
    const p = (await iam.send(new CreatePolicyCommand({ PolicyName: uniqueName('pol'), PolicyDocument: doc('v1') }))).Policy!;
    for (let i = 2; i <= 5; i++) await iam.send(new CreatePolicyVersionCommand({ PolicyArn: p.Arn, PolicyDocument: doc(`v${i}`), SetAsDefault: true }));
    assert.deepEqual(await errorOf(iam.send(new CreatePolicyVersionCommand({ PolicyArn: p.Arn, PolicyDocument: doc('v6') }))), { name: 'LimitExceededException', status: 409 });
    assert.deepEqual(await errorOf(iam.send(new DeletePolicyVersionCommand({ PolicyArn: p.Arn, VersionId: 'v5' }))), { name: 'DeleteConflictException', status: 409 });
    await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: p.Arn, VersionId: 'v1' }));
    const versions = (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: p.Arn }))).Versions ?? [];
    assert.deepEqual(versions.filter((v) => v.IsDefaultVersion).map((v) => v.VersionId), ['v1']);
    const v1 = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: p.Arn, VersionId: 'v1' }))).PolicyVersion!;
    assert.ok(v1.Document?.startsWith('%7B%22Version%22'));
    assert.equal(decodeURIComponent(v1.Document ?? ''), doc('v1'));
    assert.deepEqual(await errorOf(iam.send(new CreatePolicyCommand({ PolicyName: uniqueName('bad'), PolicyDocument: '{"Statement":[{"Effect":"Allow"}]}' }))), { name: 'MalformedPolicyDocumentException', status: 400 });
  });

  test('inline and attached policies, groups, passwords, reports: remaining error codes', async () => {
    const user = uniqueName('inl');
    await iam.send(new CreateUserCommand({ UserName: user }));
    await iam.send(new PutUserPolicyCommand({ UserName: user, PolicyName: 'p', PolicyDocument: doc('x') }));
    const got = await iam.send(new GetUserPolicyCommand({ UserName: user, PolicyName: 'p' }));
    assert.equal(decodeURIComponent(got.PolicyDocument ?? ''), doc('x'));
    assert.deepEqual(await errorOf(iam.send(new DetachUserPolicyCommand({ UserName: user, PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }))), { name: 'NoSuchEntityException', status: 404 });
    await iam.send(new AttachUserPolicyCommand({ UserName: user, PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    const group = uniqueName('grp');
    await iam.send(new CreateGroupCommand({ GroupName: group }));
    await iam.send(new AddUserToGroupCommand({ GroupName: group, UserName: user }));
    assert.deepEqual(await errorOf(iam.send(new CreateLoginProfileCommand({ UserName: user, Password: 'weak' }))), { name: 'PasswordPolicyViolationException', status: 400 });
    assert.deepEqual(await errorOf(iam.send(new GetAccountPasswordPolicyCommand({}))), { name: 'NoSuchEntityException', status: 404 });
    const report = await errorOf(iam.send(new GetCredentialReportCommand({})));
    assert.equal(report.status, 410);
  });

  test('policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy shapes parse in the SDK', async () => {
    const user = uniqueName('sim');
    const created = (await iam.send(new CreateUserCommand({ UserName: user }))).User!;
    await iam.send(new PutUserPolicyCommand({ UserName: user, PolicyName: 'p', PolicyDocument: doc('new-client') }));
    const r = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: created.Arn, ActionNames: ['s3:GetObject', 'iam:CreateUser'], ResourceArns: ['arn:aws:s3:::new-client-dev/key'] }));
    assert.deepEqual(r.EvaluationResults?.map((e) => e.EvalDecision), ['allowed', 'implicitDeny']);
    assert.equal(r.EvaluationResults?.[0].MatchedStatements?.[0].SourcePolicyId, 'p');
    assert.equal(typeof r.EvaluationResults?.[0].MatchedStatements?.[0].StartPosition?.Line, 'number');
    const c = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [doc('a')], ActionNames: ['s3:PutObject'], ResourceArns: ['arn:aws:s3:::b/k'] }));
    assert.equal(c.EvaluationResults?.[0].EvalDecision, 'implicitDeny');
  });
});
