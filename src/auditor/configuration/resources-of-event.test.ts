/**
 * resourcesOfEvent on the events the server records: IAM, KMS and Organizations calls run through the
 * real protocols and the real CloudTrail event builder (testing/recorded-call.ts); S3 events written
 * as S3 records them (s3/s3-audit.ts: `bucketName`, the bucket as the event's resource).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { Sealer, sealingKey } from '../../crypto/sealer.js';
import { bootstrapManagementAccount } from '../../iam/bootstrap.js';
import { createIamProtocol } from '../../iam/iam-protocol.js';
import { openMemoryIamStore } from '../../iam/store/memory-store.js';
import type { RootCaller, UserCaller } from '../../identity/caller.js';
import { KeyDirectory } from '../../kms/key-directory.js';
import { createKmsProtocol, KMS_TARGET_PREFIX } from '../../kms/kms-protocol.js';
import { createSqliteKeyStore } from '../../kms/sqlite-key-store.js';
import {
  createOrganizationsProtocol,
  ORGANIZATIONS_TARGET_PREFIX,
} from '../../organizations/organizations-protocol.js';
import type { ProtocolAdapter } from '../../server/protocol.js';
import { CONFIG_RESOURCE_TYPES as T, type ResourceRef } from './configuration-types.js';
import { resourcesOfEvent, type ConfigurationEventInput } from './resources-of-event.js';
import { jsonCallEvent, queryCallEvent } from './testing/recorded-call.js';

const OWNER = '111122223333';
const OTHER = '444455556666';
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const DOC = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
});

function s3Event(eventName: string, o: Partial<ConfigurationEventInput> = {}): ConfigurationEventInput {
  return {
    eventSource: 's3.amazonaws.com',
    eventName,
    requestParameters: { bucketName: 'photos', Host: 'photos.s3.localhost', [eventName]: '' },
    resources: [{ ARN: 'arn:aws:s3:::photos', accountId: OWNER, type: 'AWS::S3::Bucket' }],
    recipientAccountId: OWNER,
    userIdentity: { type: 'Root', accountId: OWNER },
    ...o,
  };
}

const ref = (resourceType: ResourceRef['resourceType'], accountId: string, name: string): ResourceRef => ({
  resourceType,
  accountId,
  name,
});

describe('resourcesOfEvent: S3 and S3 Control', () => {
  it('names the bucket of a bucket configuration write, with its owner as the account', () => {
    for (const name of [
      'PutBucketPolicy',
      'PutBucketAcl',
      'PutBucketVersioning',
      'DeleteBucket',
      'PutBucketLifecycleConfiguration',
    ]) {
      assert.deepEqual(resourcesOfEvent(s3Event(name)), [ref(T.bucket, OWNER, 'photos')], name);
    }
    // The caller's copy of a cross-account call: the bucket still belongs to its owner.
    assert.deepEqual(resourcesOfEvent(s3Event('PutBucketTagging', { recipientAccountId: OTHER })), [
      ref(T.bucket, OWNER, 'photos'),
    ]);
  });

  it('tells bucket-level from account-level Block Public Access by the bucket the request names', () => {
    assert.deepEqual(resourcesOfEvent(s3Event('PutPublicAccessBlock')), [ref(T.bucket, OWNER, 'photos')]);
    // S3 Control's call: no parameters, the account's own (the checks name `*`, so no resources).
    const control = s3Event('DeletePublicAccessBlock', { requestParameters: null, resources: undefined });
    assert.deepEqual(resourcesOfEvent(control), [ref(T.accountPublicAccessBlock, OWNER, OWNER)]);
    const awsName = s3Event('PutAccountPublicAccessBlock', { requestParameters: null, resources: undefined });
    assert.deepEqual(resourcesOfEvent(awsName), [ref(T.accountPublicAccessBlock, OWNER, OWNER)]);
  });

  it("names the bucket of S3 Control's TagResource from the event's resources", () => {
    const e = s3Event('TagResource', { requestParameters: null });
    assert.deepEqual(resourcesOfEvent(e), [ref(T.bucket, OWNER, 'photos')]);
  });

  it('yields nothing for a failed call, a read, an object write or an unknown source', () => {
    assert.deepEqual(resourcesOfEvent(s3Event('PutBucketPolicy', { errorCode: 'AccessDenied' })), []);
    assert.deepEqual(resourcesOfEvent(s3Event('GetBucketPolicy')), []);
    assert.deepEqual(resourcesOfEvent(s3Event('PutObject')), []);
    assert.deepEqual(resourcesOfEvent({ ...s3Event('PutBucketPolicy'), eventSource: 'sts.amazonaws.com' }), []);
  });
});

describe('resourcesOfEvent: IAM events as the server records them', () => {
  let iam: ProtocolAdapter;
  let root: RootCaller;
  let account = '';
  let policyArn = '';
  const call = (params: Record<string, string>, caller: RootCaller | UserCaller = root) =>
    queryCallEvent(iam, caller, params);
  const refs = async (params: Record<string, string>, caller?: RootCaller | UserCaller) =>
    resourcesOfEvent(await call(params, caller));

  before(async () => {
    const store = openMemoryIamStore();
    const b = await bootstrapManagementAccount(store);
    account = b.accountId;
    root = { kind: 'Root', accountId: account, arn: `arn:aws:iam::${account}:root`, accessKeyId: b.rootAccessKeyId };
    iam = createIamProtocol({ store });
  });

  it('names the user created, and the policy CreatePolicy answered with', async () => {
    assert.deepEqual(await refs({ Action: 'CreateUser', UserName: 'alice' }), [ref(T.user, account, 'alice')]);
    const created = await call({ Action: 'CreatePolicy', PolicyName: 'read', PolicyDocument: DOC, Path: '/team/' });
    policyArn = `arn:aws:iam::${account}:policy/team/read`;
    assert.deepEqual(resourcesOfEvent(created), [ref(T.policy, account, policyArn)]);
  });

  it('names both the user and the policy of an attachment; an AWS managed policy is no item', async () => {
    assert.deepEqual(await refs({ Action: 'AttachUserPolicy', UserName: 'alice', PolicyArn: policyArn }), [
      ref(T.user, account, 'alice'),
      ref(T.policy, account, policyArn),
    ]);
    const aws = await refs({
      Action: 'AttachUserPolicy',
      UserName: 'alice',
      PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    });
    assert.deepEqual(aws, [ref(T.user, account, 'alice')]);
    assert.deepEqual(
      await refs({ Action: 'CreatePolicyVersion', PolicyArn: policyArn, PolicyDocument: DOC, SetAsDefault: 'true' }),
      [ref(T.policy, account, policyArn)],
    );
  });

  it("names the user whose key it is; a user's own key without UserName is the caller's", async () => {
    assert.deepEqual(await refs({ Action: 'CreateAccessKey', UserName: 'alice' }), [ref(T.user, account, 'alice')]);
    const alice: UserCaller = {
      kind: 'User',
      accountId: account,
      arn: `arn:aws:iam::${account}:user/alice`,
      userId: 'AIDAALICE',
      userName: 'alice',
      path: '/',
      accessKeyId: 'AKIAALICE',
    };
    const own = await call({ Action: 'CreateAccessKey' }, alice);
    assert.equal(own.errorCode, undefined);
    assert.deepEqual(resourcesOfEvent(own), [ref(T.user, account, 'alice')]);
    // The root's own keys belong to no IAM user.
    assert.deepEqual(await refs({ Action: 'CreateAccessKey' }), []);
  });

  it('names the old and the new name of a renamed user; groups, roles and instance profiles by name', async () => {
    assert.deepEqual(await refs({ Action: 'UpdateUser', UserName: 'alice', NewUserName: 'alicia' }), [
      ref(T.user, account, 'alice'),
      ref(T.user, account, 'alicia'),
    ]);
    await call({ Action: 'CreateGroup', GroupName: 'admins' });
    assert.deepEqual(await refs({ Action: 'AddUserToGroup', GroupName: 'admins', UserName: 'alicia' }), [
      ref(T.user, account, 'alicia'),
    ]);
    assert.deepEqual(await refs({ Action: 'CreateRole', RoleName: 'app', AssumeRolePolicyDocument: TRUST }), [
      ref(T.role, account, 'app'),
    ]);
    await call({ Action: 'CreateInstanceProfile', InstanceProfileName: 'app-profile' });
    const added = await refs({
      Action: 'AddRoleToInstanceProfile',
      InstanceProfileName: 'app-profile',
      RoleName: 'app',
    });
    assert.deepEqual(added, [ref(T.role, account, 'app')]);
    assert.deepEqual(
      await refs({ Action: 'PutRolePermissionsBoundary', RoleName: 'app', PermissionsBoundary: policyArn }),
      [ref(T.role, account, 'app')],
    );
  });

  it('yields nothing for a call that failed', async () => {
    const failed = await call({ Action: 'DeleteGroup', GroupName: 'admins' }); // it still has a member
    assert.equal(failed.errorCode, 'DeleteConflict');
    assert.deepEqual(resourcesOfEvent(failed), []);
  });
});

describe('resourcesOfEvent: KMS and Organizations events as the server records them', () => {
  it('names a key by its id, whether the request gave the id or the ARN', async () => {
    const store = createSqliteKeyStore({ path: ':memory:', sealer: new Sealer(sealingKey(randomBytes(32))) });
    const kms = createKmsProtocol({
      directory: new KeyDirectory(store, 'us-east-1', () => new Date()),
      principalExists: async () => true,
    });
    const root: RootCaller = {
      kind: 'Root',
      accountId: OWNER,
      arn: `arn:aws:iam::${OWNER}:root`,
      accessKeyId: 'AKIAROOT',
    };
    const created = await jsonCallEvent(kms, root, `${KMS_TARGET_PREFIX}.CreateKey`, { Description: 'data' });
    const [key] = resourcesOfEvent(created);
    assert.equal(key?.resourceType, T.kmsKey);
    assert.match(key?.name ?? '', /^[0-9a-f-]{36}$/);
    const arn = `arn:aws:kms:us-east-1:${OWNER}:key/${key!.name}`;
    const rotation = await jsonCallEvent(kms, root, `${KMS_TARGET_PREFIX}.EnableKeyRotation`, { KeyId: arn });
    assert.deepEqual(resourcesOfEvent(rotation), [ref(T.kmsKey, OWNER, key!.name)]);
    const tagged = await jsonCallEvent(kms, root, `${KMS_TARGET_PREFIX}.TagResource`, {
      KeyId: key!.name,
      Tags: [{ TagKey: 'env', TagValue: 'prod' }],
    });
    assert.deepEqual(resourcesOfEvent(tagged), [ref(T.kmsKey, OWNER, key!.name)]);
  });

  it('names the organization, its default policy, a new policy and OU, and the policy of an attachment', async () => {
    const store = openMemoryIamStore();
    const b = await bootstrapManagementAccount(store);
    const mgmt = b.accountId;
    const root: RootCaller = {
      kind: 'Root',
      accountId: mgmt,
      arn: `arn:aws:iam::${mgmt}:root`,
      accessKeyId: b.rootAccessKeyId,
    };
    const orgs = createOrganizationsProtocol({ store });
    const call = (op: string, input: Record<string, unknown> = {}) =>
      jsonCallEvent(orgs, root, `${ORGANIZATIONS_TARGET_PREFIX}.${op}`, input);
    assert.deepEqual(resourcesOfEvent(await call('CreateOrganization', { FeatureSet: 'ALL' })), [
      ref(T.organization, mgmt, mgmt),
    ]);
    const org = await store.organizations.get();
    assert.deepEqual(
      resourcesOfEvent(await call('EnablePolicyType', { RootId: org!.rootId, PolicyType: 'SERVICE_CONTROL_POLICY' })),
      [ref(T.organization, mgmt, mgmt), ref(T.organizationPolicy, mgmt, 'p-FullAWSAccess')],
    );
    const scp = await call('CreatePolicy', {
      Name: 'deny-leave',
      Description: '',
      Type: 'SERVICE_CONTROL_POLICY',
      Content: DOC,
    });
    const [policy] = resourcesOfEvent(scp);
    assert.equal(policy?.resourceType, T.organizationPolicy);
    assert.match(policy?.name ?? '', /^p-[0-9a-z]{8,}$/);
    const attach = await call('AttachPolicy', { PolicyId: policy!.name, TargetId: org!.rootId });
    assert.deepEqual(resourcesOfEvent(attach), [policy]);
    const ou = resourcesOfEvent(await call('CreateOrganizationalUnit', { ParentId: org!.rootId, Name: 'prod' }));
    assert.equal(ou[0]?.resourceType, T.organizationalUnit);
    assert.match(ou[0]?.name ?? '', /^ou-/);
  });
});
