/**
 * Describing IAM, KMS and Organizations resources from the real stores (SQLite in memory), changed
 * through the real protocols; each change's event is mapped to its resources, described, and diffed
 * against the previous description, as the history's job does.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { Sealer, sealingKey } from '../../crypto/sealer.js';
import { bootstrapManagementAccount } from '../../iam/bootstrap.js';
import { createIamProtocol } from '../../iam/iam-protocol.js';
import { openMemoryIamStore } from '../../iam/store/memory-store.js';
import type { IamStore } from '../../iam/store/types.js';
import type { RootCaller } from '../../identity/caller.js';
import { KeyDirectory } from '../../kms/key-directory.js';
import { createKmsProtocol, KMS_TARGET_PREFIX } from '../../kms/kms-protocol.js';
import { createSqliteKeyStore } from '../../kms/sqlite-key-store.js';
import {
  createOrganizationsProtocol,
  ORGANIZATIONS_TARGET_PREFIX,
} from '../../organizations/organizations-protocol.js';
import { loadAccountPublicAccessBlock } from '../../s3control/account-public-access-blocks.js';
import type { ProtocolAdapter } from '../../server/protocol.js';
import { configurationStateHash, diffConfiguration, type ConfigurationChange } from './configuration-diff.js';
import { CONFIG_RESOURCE_TYPES as T, type ResourceDescription } from './configuration-types.js';
import { describeResource, type DescribeResourceDeps } from './describe-resource.js';
import { resourcesOfEvent } from './resources-of-event.js';
import { jsonCallEvent, queryCallEvent } from './testing/recorded-call.js';
import type { CloudTrailEvent } from '../../audit/cloudtrail-event.js';

const policy = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const READ = policy([{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
const TRUST = (service: string) =>
  policy([{ Sid: 'Trust', Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }]);

/** The history job in miniature: the last description per resource, and the changes of each event. */
class History {
  private readonly last = new Map<string, ResourceDescription | undefined>();
  constructor(private readonly deps: DescribeResourceDeps) {}

  /** The changes the event made, per resource (`type name`); resources it left as they were are absent. */
  async record(event: CloudTrailEvent): Promise<Map<string, ConfigurationChange[]>> {
    const out = new Map<string, ConfigurationChange[]>();
    for (const ref of resourcesOfEvent(event)) {
      const key = `${ref.resourceType} ${ref.name}`;
      const now = await describeResource(this.deps, ref);
      const before = this.last.get(key);
      const same =
        before === undefined || now === undefined
          ? before === now
          : configurationStateHash(before) === configurationStateHash(now);
      if (same) continue;
      out.set(key, diffConfiguration(before, now));
      this.last.set(key, now);
    }
    return out;
  }

  current(key: string): ResourceDescription | undefined {
    return this.last.get(key);
  }
}

function depsOf(
  store: IamStore,
  kms?: (id: string) => ReturnType<DescribeResourceDeps['kmsKey']>,
): DescribeResourceDeps {
  return {
    buckets: { getBucket: async () => undefined },
    iam: store,
    kmsKey: kms ?? (async () => undefined),
    accountPublicAccessBlock: async (accountId) => (await loadAccountPublicAccessBlock(store, accountId)).effective,
    region: 'eu-west-1',
  };
}

const at = (changes: ConfigurationChange[] | undefined, path: string) => changes?.find((c) => c.path === path);

describe('IAM users, policies and roles: describe, change, describe, diff', () => {
  let store: IamStore;
  let iam: ProtocolAdapter;
  let root: RootCaller;
  let account = '';
  let history: History;
  const call = async (params: Record<string, string>) => {
    const event = await queryCallEvent(iam, root, params);
    assert.equal(event.errorCode, undefined, `${params.Action}: ${event.errorCode}`);
    return history.record(event);
  };

  before(async () => {
    store = openMemoryIamStore();
    const b = await bootstrapManagementAccount(store);
    account = b.accountId;
    root = { kind: 'Root', accountId: account, arn: `arn:aws:iam::${account}:root`, accessKeyId: b.rootAccessKeyId };
    iam = createIamProtocol({ store });
    history = new History(depsOf(store));
  });

  it('records a new user in the shape of AWS Config', async () => {
    const changes = await call({
      Action: 'CreateUser',
      UserName: 'alice',
      Path: '/staff/',
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'red',
    });
    assert.deepEqual(at(changes.get(`${T.user} alice`), 'resourceName'), {
      path: 'resourceName',
      changeType: 'CREATE',
      updatedValue: 'alice',
    });
    const d = history.current(`${T.user} alice`)!;
    assert.match(d.resourceId, /^AIDA/);
    assert.equal(d.arn, `arn:aws:iam::${account}:user/staff/alice`);
    assert.equal(d.awsRegion, 'global');
    assert.deepEqual(d.tags, { team: 'red' });
    assert.deepEqual(
      { ...d.configuration, userId: undefined, createDate: undefined },
      {
        path: '/staff/',
        userName: 'alice',
        userId: undefined,
        arn: d.arn,
        createDate: undefined,
        userPolicyList: [],
        groupList: [],
        attachedManagedPolicies: [],
        permissionsBoundary: null,
        tags: [{ key: 'team', value: 'red' }],
        accessKeys: [],
        mfaDevices: [],
        loginProfile: null,
      },
    );
  });

  it('shows an attachment on user and policy, a new key without its secret, an inline policy parsed', async () => {
    await call({ Action: 'CreatePolicy', PolicyName: 'read', PolicyDocument: READ });
    const arn = `arn:aws:iam::${account}:policy/read`;
    const attached = await call({ Action: 'AttachUserPolicy', UserName: 'alice', PolicyArn: arn });
    assert.deepEqual(at(attached.get(`${T.user} alice`), `configuration.attachedManagedPolicies[policyArn=${arn}]`), {
      path: `configuration.attachedManagedPolicies[policyArn=${arn}]`,
      changeType: 'CREATE',
      updatedValue: { policyName: 'read', policyArn: arn },
    });
    assert.deepEqual(at(attached.get(`${T.policy} ${arn}`), 'configuration.attachmentCount'), {
      path: 'configuration.attachmentCount',
      changeType: 'UPDATE',
      previousValue: 0,
      updatedValue: 1,
    });

    const keyed = await call({ Action: 'CreateAccessKey', UserName: 'alice' });
    const [key] = await store.accessKeys.listForUser(account, (await store.users.getByName(account, 'alice'))!.userId);
    const secret = (await store.accessKeys.getWithSecret(key!.accessKeyId))!.secretAccessKey;
    const created = at(keyed.get(`${T.user} alice`), `configuration.accessKeys[accessKeyId=${key!.accessKeyId}]`);
    assert.equal(created?.changeType, 'CREATE');
    assert.deepEqual(Object.keys(created!.updatedValue as object), ['accessKeyId', 'status', 'createDate']);
    assert.ok(!JSON.stringify(history.current(`${T.user} alice`)).includes(secret), 'the secret is never described');

    const deactivated = await call({
      Action: 'UpdateAccessKey',
      UserName: 'alice',
      AccessKeyId: key!.accessKeyId,
      Status: 'Inactive',
    });
    assert.deepEqual(deactivated.get(`${T.user} alice`), [
      {
        path: `configuration.accessKeys[accessKeyId=${key!.accessKeyId}].status`,
        changeType: 'UPDATE',
        previousValue: 'Active',
        updatedValue: 'Inactive',
      },
    ]);

    const inline = await call({
      Action: 'PutUserPolicy',
      UserName: 'alice',
      PolicyName: 'inline',
      PolicyDocument: READ,
    });
    const put = at(inline.get(`${T.user} alice`), 'configuration.userPolicyList[policyName=inline]');
    assert.deepEqual(put?.updatedValue, { policyName: 'inline', policyDocument: JSON.parse(READ) });
  });

  it('shows a login profile and an MFA device by their presence, never the password hash or the seed', async () => {
    const login = await call({
      Action: 'CreateLoginProfile',
      UserName: 'alice',
      Password: 'Correct-Horse-9',
      PasswordResetRequired: 'true',
    });
    const profile = at(login.get(`${T.user} alice`), 'configuration.loginProfile');
    assert.deepEqual(Object.keys(profile?.updatedValue as object), ['createDate', 'passwordResetRequired']);
    const userId = (await store.users.getByName(account, 'alice'))!.userId;
    const serial = `arn:aws:iam::${account}:mfa/alice-phone`;
    const seed = randomBytes(20);
    await store.mfaDevices.createVirtual({
      accountId: account,
      serialNumber: serial,
      deviceName: 'alice-phone',
      path: '/',
      seed,
    });
    await store.mfaDevices.enable(serial, { kind: 'user', userId }, 1);
    const enabled = await history.record(
      await queryCallEvent(iam, root, {
        Action: 'TagUser',
        UserName: 'alice',
        'Tags.member.1.Key': 'mfa',
        'Tags.member.1.Value': 'yes',
      }),
    );
    const device = at(enabled.get(`${T.user} alice`), `configuration.mfaDevices[serialNumber=${serial}]`);
    assert.equal(device?.changeType, 'CREATE');
    assert.deepEqual(Object.keys(device?.updatedValue as object), ['serialNumber', 'enableDate']);
    const text = JSON.stringify(history.current(`${T.user} alice`));
    const hash = (await store.loginProfiles.get(userId))!.passwordHash;
    assert.ok(!text.includes(hash) && !text.includes(seed.toString('base64')) && !text.includes(seed.toString('hex')));
  });

  it("diffs a policy's new default version statement by statement", async () => {
    const arn = `arn:aws:iam::${account}:policy/read`;
    const wider = policy([
      { Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' },
      { Sid: 'Write', Effect: 'Allow', Action: 's3:PutObject', Resource: '*' },
    ]);
    const changes = (
      await call({ Action: 'CreatePolicyVersion', PolicyArn: arn, PolicyDocument: wider, SetAsDefault: 'true' })
    ).get(`${T.policy} ${arn}`);
    assert.deepEqual(at(changes, 'configuration.defaultVersionId'), {
      path: 'configuration.defaultVersionId',
      changeType: 'UPDATE',
      previousValue: 'v1',
      updatedValue: 'v2',
    });
    assert.equal(at(changes, 'configuration.policyVersionList[versionId=v2]')?.changeType, 'CREATE');
    assert.deepEqual(
      at(changes, 'configuration.policyVersionList[versionId=v1].isDefaultVersion')?.updatedValue,
      false,
    );
    const version = history.current(`${T.policy} ${arn}`)!.configuration.policyVersionList as {
      document: { Statement: unknown[] };
    }[];
    assert.equal(version[1]!.document.Statement.length, 2, 'documents are parsed JSON');
  });

  it("diffs a role's trust policy by path, and records a deleted user as the deletion of every field", async () => {
    await call({ Action: 'CreateRole', RoleName: 'app', AssumeRolePolicyDocument: TRUST('ec2.amazonaws.com') });
    const trust = (
      await call({ Action: 'UpdateAssumeRolePolicy', RoleName: 'app', PolicyDocument: TRUST('lambda.amazonaws.com') })
    ).get(`${T.role} app`);
    assert.deepEqual(trust, [
      {
        path: 'configuration.assumeRolePolicyDocument.Statement[Sid=Trust].Principal.Service',
        changeType: 'UPDATE',
        previousValue: 'ec2.amazonaws.com',
        updatedValue: 'lambda.amazonaws.com',
      },
    ]);

    await call({ Action: 'CreateUser', UserName: 'bob' });
    const deleted = (await call({ Action: 'DeleteUser', UserName: 'bob' })).get(`${T.user} bob`)!;
    assert.ok(deleted.length > 5 && deleted.every((c) => c.changeType === 'DELETE' && c.updatedValue === undefined));
    assert.equal(
      await describeResource(depsOf(store), { resourceType: T.user, accountId: account, name: 'bob' }),
      undefined,
    );
  });

  it('describes the same state to the same JSON and hash, and a resource of another account as absent', async () => {
    const deps = depsOf(store);
    // IAM names match case-insensitively.
    const ref = { resourceType: T.user, accountId: account, name: 'ALICE' } as const;
    const [a, b] = [await describeResource(deps, ref), await describeResource(deps, ref)];
    assert.equal(JSON.stringify(a), JSON.stringify(b));
    assert.equal(configurationStateHash(a!), configurationStateHash(b!));
    assert.match(configurationStateHash(a!), /^[0-9a-f]{64}$/);
    assert.equal(await describeResource(deps, { ...ref, accountId: '999988887777' }), undefined);
    const awsManaged = {
      resourceType: T.policy,
      accountId: account,
      name: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    } as const;
    assert.equal(await describeResource(deps, awsManaged), undefined);
  });

  it("describes an account's Block Public Access, and its removal", async () => {
    const deps = depsOf(store);
    const ref = { resourceType: T.accountPublicAccessBlock, accountId: account, name: account } as const;
    assert.equal(await describeResource(deps, ref), undefined);
    const settings = {
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: false,
      restrictPublicBuckets: false,
    };
    await store.settings.putPublicAccessBlock(account, settings);
    const d = await describeResource(deps, ref);
    assert.deepEqual(
      { id: d?.resourceId, region: d?.awsRegion, configuration: d?.configuration },
      { id: account, region: 'eu-west-1', configuration: settings },
    );
  });
});

describe('KMS keys and the organization: describe, change, describe, diff', () => {
  it("diffs a key's policy and its scheduled deletion", async () => {
    const keys = createSqliteKeyStore({ path: ':memory:', sealer: new Sealer(sealingKey(randomBytes(32))) });
    const kms = createKmsProtocol({
      directory: new KeyDirectory(keys, 'us-east-1', () => new Date()),
      principalExists: async () => true,
    });
    const account = '111122223333';
    const root: RootCaller = {
      kind: 'Root',
      accountId: account,
      arn: `arn:aws:iam::${account}:root`,
      accessKeyId: 'AKIAROOT',
    };
    const history = new History(depsOf(openMemoryIamStore(), async (id) => (await keys.getKey(id))?.record));
    const call = async (op: string, input: Record<string, unknown>) =>
      history.record(await jsonCallEvent(kms, root, `${KMS_TARGET_PREFIX}.${op}`, input));
    const created = await call('CreateKey', { Description: 'backups' });
    const [key] = [...created.keys()];
    const keyId = key!.split(' ')[1]!;
    const d = history.current(key!)!;
    assert.equal(d.arn, `arn:aws:kms:us-east-1:${account}:key/${keyId}`);
    assert.equal(d.supplementaryConfiguration.KeyRotationStatus, false);
    const keyPolicy = policy([
      {
        Sid: 'Admins',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ]);
    const put = (await call('PutKeyPolicy', { KeyId: keyId, PolicyName: 'default', Policy: keyPolicy })).get(key!)!;
    assert.ok(put.some((c) => c.path.startsWith('supplementaryConfiguration.KeyPolicy.Statement[')));
    const scheduled = (await call('ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: 7 })).get(key!)!;
    assert.deepEqual(at(scheduled, 'configuration.keyState'), {
      path: 'configuration.keyState',
      changeType: 'UPDATE',
      previousValue: 'Enabled',
      updatedValue: 'PendingDeletion',
    });
    assert.equal(at(scheduled, 'configuration.pendingDeletionWindowInDays')?.updatedValue, 7);
  });

  it("records the organization's policy types and an SCP's targets", async () => {
    const store = openMemoryIamStore();
    const b = await bootstrapManagementAccount(store);
    const root: RootCaller = {
      kind: 'Root',
      accountId: b.accountId,
      arn: `arn:aws:iam::${b.accountId}:root`,
      accessKeyId: b.rootAccessKeyId,
    };
    const orgs = createOrganizationsProtocol({ store });
    const history = new History(depsOf(store));
    const call = async (op: string, input: Record<string, unknown> = {}) => {
      const event = await jsonCallEvent(orgs, root, `${ORGANIZATIONS_TARGET_PREFIX}.${op}`, input);
      return { event, changes: await history.record(event) };
    };
    await call('CreateOrganization', { FeatureSet: 'ALL' });
    const org = (await store.organizations.get())!;
    const orgKey = `${T.organization} ${b.accountId}`;
    assert.deepEqual(history.current(orgKey)?.configuration.AccountIds, [b.accountId]);
    const enabled = await call('EnablePolicyType', { RootId: org.rootId, PolicyType: 'SERVICE_CONTROL_POLICY' });
    assert.deepEqual(at(enabled.changes.get(orgKey), 'configuration.EnabledPolicyTypes[0]'), {
      path: 'configuration.EnabledPolicyTypes[0]',
      changeType: 'CREATE',
      updatedValue: 'SERVICE_CONTROL_POLICY',
    });
    assert.deepEqual(
      history.current(`${T.organizationPolicy} p-FullAWSAccess`)?.configuration.TargetIds,
      [b.accountId, org.rootId].sort(),
    );
    const { event } = await call('CreatePolicy', {
      Name: 'no-leave',
      Description: 'd',
      Type: 'SERVICE_CONTROL_POLICY',
      Content: READ,
    });
    const [scp] = resourcesOfEvent(event);
    const attached = (await call('AttachPolicy', { PolicyId: scp!.name, TargetId: org.rootId })).changes.get(
      `${T.organizationPolicy} ${scp!.name}`,
    );
    assert.deepEqual(attached, [
      { path: 'configuration.TargetIds[0]', changeType: 'CREATE', updatedValue: org.rootId },
    ]);
  });
});
