/**
 * The security-posture analysis over the real stores: an in-memory SQLite IAM store changed through
 * the IAM protocol (iamTestBed), and the embedded SQLite bucket store in a temporary directory.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { iamTestBed, type IamTestBed } from '../../iam/api/test-setup.js';
import { loadAwsManagedPolicies } from '../../iam/aws-managed/catalog.js';
import { loadAccountPublicAccessBlock } from '../../s3control/account-public-access-blocks.js';
import { openEmbeddedStorage, type EmbeddedStorage } from '../../storage/embedded.js';
import { newBucketRecord } from '../../storage/new-bucket.js';
import type { PostureFinding, PostureFindings } from './posture-types.js';
import { analyzeSecurityPosture, type SecurityPostureDeps, type SecurityPostureInput } from './security-posture.js';

const DAY = 86_400_000;
const AWS = 'arn:aws:iam::aws:policy/';
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const TRUST = doc([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]);

describe('analyzeSecurityPosture', { timeout: 20_000 }, () => {
  let bed: IamTestBed;
  let storage: EmbeddedStorage;
  let dir = '';
  let deps: SecurityPostureDeps;
  let account = '';
  const awsManaged = loadAwsManagedPolicies();

  before(async () => {
    bed = await iamTestBed({ awsManaged });
    account = bed.root.accountId;
    dir = await mkdtemp(join(tmpdir(), 'strongbox-posture-'));
    storage = await openEmbeddedStorage({ dataDir: dir });
    deps = {
      iam: bed.store,
      buckets: storage.buckets,
      awsManaged,
      accountPublicAccessBlock: async (id) => (await loadAccountPublicAccessBlock(bed.store, id)).effective,
    };
  });
  after(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  const analyze = (input: Partial<SecurityPostureInput> = {}) =>
    analyzeSecurityPosture(deps, { accountId: account, now: new Date(), dayMs: DAY, securityTeam: [], ...input });
  const entry = (all: readonly PostureFindings[], resource: string) => {
    const e = all.find((x) => x.resource === resource);
    assert.ok(e, `no entry for ${resource}`);
    return e;
  };
  const user = (name: string) => `arn:aws:iam::${account}:user/${name}`;
  const findingsOf = async (resource: string, input: Partial<SecurityPostureInput> = {}) =>
    entry(await analyze(input), resource).found;
  const ofType = (found: readonly PostureFinding[], type: string) => found.filter((f) => f.findingType === type);
  const dangerous = async (resource: string, input: Partial<SecurityPostureInput> = {}) =>
    ofType(await findingsOf(resource, input), 'DangerousPermission');
  const newUser = async (name: string, params: Record<string, string> = {}) => {
    await bed.ok('CreateUser', { UserName: name, ...params });
  };

  it('AmazonS3FullAccess is s3:* and the S3 ACL and policy writes, from the AWS managed policy', async () => {
    await newUser('s3admin');
    await bed.ok('AttachUserPolicy', { UserName: 's3admin', PolicyArn: `${AWS}AmazonS3FullAccess` });
    const [f, ...rest] = await dangerous(user('s3admin'));
    assert.equal(rest.length, 0);
    assert.equal(f.key, 'dangerous');
    assert.equal(f.resourceType, 'AWS::IAM::User');
    assert.equal(f.resourceOwnerAccount, account);
    assert.deepEqual(f.details.principal, { AWS: user('s3admin') });
    assert.deepEqual(f.details.action, ['s3:*', 's3:PutBucketAcl', 's3:PutBucketPolicy', 's3:PutObjectAcl']);
    assert.deepEqual(f.details.statements, [{ policy: `${AWS}AmazonS3FullAccess`, index: 0 }]);
    assert.equal(f.details.severity, 'HIGH');
    assert.equal(f.details.escalation, undefined);
    assert.match(
      f.details.fix,
      /aws iam detach-user-policy --user-name s3admin --policy-arn arn:aws:iam::aws:policy\/AmazonS3FullAccess/,
    );
  });

  it('exempts the security team: a user named in it, or a member of a group named in it', async () => {
    assert.deepEqual(await dangerous(user('s3admin'), { securityTeam: [user('s3admin')] }), []);
    await bed.ok('CreateGroup', { GroupName: 'secops', Path: '/security/' });
    await bed.ok('AddUserToGroup', { GroupName: 'secops', UserName: 's3admin' });
    // By name: the team entry need not repeat the group's path.
    assert.deepEqual(await dangerous(user('s3admin'), { securityTeam: [`arn:aws:iam::${account}:group/secops`] }), []);
    assert.equal(
      (await dangerous(user('s3admin'), { securityTeam: [`arn:aws:iam::${account}:group/other`] })).length,
      1,
    );
  });

  it('finds nothing in a user allowed s3:GetObject only, or s3:* on some buckets only', async () => {
    await newUser('reader');
    await bed.ok('PutUserPolicy', {
      UserName: 'reader',
      PolicyName: 'read',
      PolicyDocument: doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]),
    });
    await bed.ok('PutUserPolicy', {
      UserName: 'reader',
      PolicyName: 'own-buckets',
      PolicyDocument: doc([
        { Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::team-*', 'arn:aws:s3:::team-*/*'] },
      ]),
    });
    assert.deepEqual(await findingsOf(user('reader')), []);
  });

  it('a permissions boundary without s3:* takes the finding away', async () => {
    await newUser('bounded');
    await bed.ok('AttachUserPolicy', { UserName: 'bounded', PolicyArn: `${AWS}AmazonS3FullAccess` });
    assert.equal((await dangerous(user('bounded'))).length, 1);
    await bed.ok('PutUserPermissionsBoundary', {
      UserName: 'bounded',
      PermissionsBoundary: `${AWS}AmazonS3ReadOnlyAccess`,
    });
    assert.deepEqual(await dangerous(user('bounded')), []);
  });

  it('iam:CreatePolicyVersion is a privilege escalation, cited by policy, Sid and statement', async () => {
    await newUser('versioner');
    await bed.ok('CreatePolicy', {
      PolicyName: 'versions',
      PolicyDocument: doc([
        { Sid: 'Read', Effect: 'Allow', Action: 'iam:Get*', Resource: '*' },
        { Sid: 'Versions', Effect: 'Allow', Action: 'iam:CreatePolicyVersion', Resource: '*' },
      ]),
    });
    const policyArn = `arn:aws:iam::${account}:policy/versions`;
    await bed.ok('AttachUserPolicy', { UserName: 'versioner', PolicyArn: policyArn });
    const [f] = await dangerous(user('versioner'));
    assert.deepEqual(f.details.action, ['iam:CreatePolicyVersion']);
    assert.equal(f.details.severity, 'CRITICAL');
    assert.deepEqual(f.details.statements, [{ policy: policyArn, sid: 'Versions', index: 1 }]);
    const [method] = f.details.escalation as { method: number; actions: string[] }[];
    assert.equal(method.method, 1);
    assert.deepEqual(method.actions, ['iam:CreatePolicyVersion']);
  });

  it('self-service on the own user is no escalation; iam:CreateAccessKey on every user is', async () => {
    await newUser('selfservice');
    await bed.ok('PutUserPolicy', {
      UserName: 'selfservice',
      PolicyName: 'own-keys',
      PolicyDocument: doc([
        {
          Effect: 'Allow',
          Action: ['iam:CreateAccessKey', 'iam:UpdateLoginProfile'],
          Resource: `arn:aws:iam::${account}:user/\${aws:username}`,
        },
      ]),
    });
    assert.deepEqual(await dangerous(user('selfservice')), []);
    await bed.ok('PutUserPolicy', {
      UserName: 'selfservice',
      PolicyName: 'all-keys',
      PolicyDocument: doc([{ Effect: 'Allow', Action: 'iam:CreateAccessKey', Resource: `arn:aws:iam::*:user/*` }]),
    });
    const [f] = await dangerous(user('selfservice'));
    assert.deepEqual(f.details.action, ['iam:CreateAccessKey']);
    assert.deepEqual(f.details.statements, [{ policy: 'inline:all-keys', index: 0 }]);
    assert.match(f.details.fix, /aws iam delete-user-policy --user-name selfservice --policy-name all-keys/);
  });

  it('combinations count only when whole: iam:PassRole with ec2:RunInstances completes method 3, on AWS', async () => {
    await newUser('launcher');
    const put = (name: string, action: string) =>
      bed.ok('PutUserPolicy', {
        UserName: 'launcher',
        PolicyName: name,
        PolicyDocument: doc([{ Effect: 'Allow', Action: action, Resource: '*' }]),
      });
    await put('run', 'ec2:RunInstances');
    assert.deepEqual(await dangerous(user('launcher')), [], 'ec2:RunInstances alone is not dangerous');
    await put('pass', 'iam:PassRole');
    const [f] = await dangerous(user('launcher'));
    assert.deepEqual(f.details.action, ['ec2:RunInstances', 'iam:PassRole']);
    assert.deepEqual(
      (f.details.escalation as { method: number; servedHere: boolean }[]).map((m) => [m.method, m.servedHere]),
      [[3, false]],
    );
    // Strongbox runs no EC2 instance: HIGH (for iam:PassRole, and the method on AWS), not CRITICAL.
    assert.equal(f.details.severity, 'HIGH');
  });

  it('a grant under a condition is reported as such, a severity lower; an unconditional Deny removes it', async () => {
    await newUser('mfaadmin');
    await bed.ok('PutUserPolicy', {
      UserName: 'mfaadmin',
      PolicyName: 'admin-with-mfa',
      PolicyDocument: doc([
        { Effect: 'Allow', Action: '*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
      ]),
    });
    const [f] = await dangerous(user('mfaadmin'));
    assert.ok((f.details.action as string[]).includes('*:*'));
    assert.deepEqual(f.details.onlyWithCondition, f.details.action);
    assert.equal(f.details.severity, 'HIGH');
    await bed.ok('PutUserPolicy', {
      UserName: 'mfaadmin',
      PolicyName: 'no-admin',
      PolicyDocument: doc([{ Effect: 'Deny', Action: '*', Resource: '*' }]),
    });
    assert.deepEqual(await dangerous(user('mfaadmin')), []);
  });

  it("a group's inline policy is cited with the group, and its fix deletes it from the group", async () => {
    await bed.ok('CreateGroup', { GroupName: 'ops' });
    await bed.ok('PutGroupPolicy', {
      GroupName: 'ops',
      PolicyName: 'acl-writer',
      PolicyDocument: doc([{ Sid: 'Acl', Effect: 'Allow', Action: 's3:PutObjectAcl', Resource: 'arn:aws:s3:::*/*' }]),
    });
    await newUser('operator');
    await bed.ok('AddUserToGroup', { GroupName: 'ops', UserName: 'operator' });
    const [f] = await dangerous(user('operator'));
    assert.deepEqual(f.details.action, ['s3:PutObjectAcl']);
    assert.deepEqual(f.details.statements, [{ policy: 'inline:acl-writer', sid: 'Acl', index: 0, via: ['group/ops'] }]);
    assert.match(f.details.fix, /aws iam delete-group-policy --group-name ops --policy-name acl-writer/);
  });

  it('audits roles: AdministratorAccess is *:* and every escalation; a role in the team is exempt', async () => {
    await bed.ok('CreateRole', { RoleName: 'ci', AssumeRolePolicyDocument: TRUST });
    await bed.ok('AttachRolePolicy', { RoleName: 'ci', PolicyArn: `${AWS}AdministratorAccess` });
    const ci = `arn:aws:iam::${account}:role/ci`;
    const [f] = await dangerous(ci);
    assert.equal(f.resourceType, 'AWS::IAM::Role');
    const actions = f.details.action as string[];
    for (const a of ['*:*', 'iam:*', 's3:*', 'iam:PassRole', 'iam:AttachRolePolicy']) assert.ok(actions.includes(a), a);
    assert.deepEqual(actions, [...actions].sort());
    assert.equal((f.details.escalation as unknown[]).length, 21, "every one of Rhino's methods");
    assert.equal(f.details.severity, 'CRITICAL');
    assert.match(
      f.details.fix,
      /aws iam detach-role-policy --role-name ci --policy-arn arn:aws:iam::aws:policy\/AdministratorAccess/,
    );
    assert.deepEqual(await dangerous(ci, { securityTeam: [ci] }), []);
  });

  it("RootAccessKey: the bootstrap's root key, until it is deactivated", async () => {
    const root = `arn:aws:iam::${account}:root`;
    const [f, ...rest] = ofType(await findingsOf(root), 'RootAccessKey');
    assert.equal(rest.length, 0);
    assert.equal(f.key, `root-key:${bed.root.accessKeyId}`);
    assert.equal(f.resourceType, 'AWS::::Account');
    assert.equal(f.details.severity, 'HIGH');
    assert.equal(f.details.used, false);
    assert.match(
      f.details.fix,
      new RegExp(`update-access-key --access-key-id ${bed.root.accessKeyId} --status Inactive`),
    );
    await bed.ok('UpdateAccessKey', { AccessKeyId: bed.root.accessKeyId, Status: 'Inactive' });
    assert.deepEqual(ofType(await findingsOf(root), 'RootAccessKey'), []);
    await bed.ok('UpdateAccessKey', { AccessKeyId: bed.root.accessKeyId, Status: 'Active' });
  });

  it('UserWithoutMfa: a console password without an enabled MFA device', async () => {
    await newUser('console');
    assert.deepEqual(await findingsOf(user('console')), [], 'no password, no finding');
    await bed.ok('CreateLoginProfile', { UserName: 'console', Password: 'Str0ng-Passw0rd!' });
    const [f] = ofType(await findingsOf(user('console')), 'UserWithoutMfa');
    assert.equal(f.key, 'mfa');
    assert.equal(f.details.severity, 'MEDIUM');
    assert.match(f.details.fix, /aws iam enable-mfa-device --user-name console/);
    const u = (await bed.store.users.getByName(account, 'console'))!;
    const serialNumber = `arn:aws:iam::${account}:mfa/console`;
    await bed.store.mfaDevices.createVirtual({
      accountId: account,
      serialNumber,
      deviceName: 'console',
      path: '/',
      seed: randomBytes(20),
    });
    await bed.store.mfaDevices.enable(serialNumber, { kind: 'user', userId: u.userId }, 1);
    assert.deepEqual(ofType(await findingsOf(user('console')), 'UserWithoutMfa'), []);
  });

  it('OldAccessKey: an active key older than the rotation age', async () => {
    await newUser('keyholder');
    const created = (await bed.ok('CreateAccessKey', { UserName: 'keyholder' })).AccessKey as { AccessKeyId: string };
    const later = (days: number) => new Date(Date.now() + days * DAY);
    assert.deepEqual(await findingsOf(user('keyholder'), { now: later(89) }), []);
    const [f] = await findingsOf(user('keyholder'), { now: later(91) });
    assert.equal(f.findingType, 'OldAccessKey');
    assert.equal(f.key, `old-key:${created.AccessKeyId}`);
    assert.equal(f.details.maxAgeDays, 90);
    assert.match(f.details.fix, /aws iam create-access-key --user-name keyholder/);
    assert.equal((await findingsOf(user('keyholder'), { now: later(31), accessKeyMaxAgeDays: 30 })).length, 1);
    await bed.ok('UpdateAccessKey', { UserName: 'keyholder', AccessKeyId: created.AccessKeyId, Status: 'Inactive' });
    assert.deepEqual(await findingsOf(user('keyholder'), { now: later(91) }), []);
  });

  it("checks buckets against today's defaults, and Block Public Access with the account's", async () => {
    const bucket = (name: string) => `arn:aws:s3:::${name}`;
    const types = async (name: string) => (await findingsOf(bucket(name))).map((f) => f.findingType).sort();
    const createdAt = new Date();
    await storage.buckets.createBucket(
      newBucketRecord({ name: 'photos', ownerAccountId: account, region: 'us-east-1', createdAt }),
    );
    assert.deepEqual(await types('photos'), ['BucketNotLogged', 'BucketNotVersioned']);
    const logging = { targetBucket: 'logs', targetPrefix: 'photos/', targetGrants: [] };
    assert.ok(await storage.buckets.updateBucketConfig('photos', { versioning: 'Enabled', logging }));
    assert.deepEqual(await types('photos'), []);
    await storage.buckets.updateBucketConfig('photos', { versioning: 'Suspended', encryption: null });
    assert.deepEqual(await types('photos'), ['BucketNotEncrypted', 'BucketNotVersioned']);
    await storage.buckets.updateBucketConfig('photos', { versioning: 'Enabled', publicAccessBlock: null });
    // No bucket-level setting: the account's (none yet) decide.
    const [bpa] = await findingsOf(bucket('photos')).then((f) => ofType(f, 'BucketPublicAccessBlockOff'));
    assert.equal(bpa.details.severity, 'HIGH');
    assert.deepEqual(bpa.details.off, [
      'BlockPublicAcls',
      'IgnorePublicAcls',
      'BlockPublicPolicy',
      'RestrictPublicBuckets',
    ]);
    const root = `arn:aws:iam::${account}:root`;
    assert.equal(ofType(await findingsOf(root), 'AccountPublicAccessBlockOff').length, 1);
    const on = { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true };
    await bed.store.settings.putPublicAccessBlock(account, on);
    assert.deepEqual(
      ofType(await findingsOf(bucket('photos')), 'BucketPublicAccessBlockOff'),
      [],
      "the account's settings cover the bucket",
    );
    assert.deepEqual(ofType(await findingsOf(root), 'AccountPublicAccessBlockOff'), []);
  });

  it('returns every user, role, bucket and the account, findings or not', async () => {
    const all = await analyze();
    const users = await bed.store.users.list(account);
    const roles = await bed.store.roles.list(account);
    assert.equal(all.filter((e) => e.resourceType === 'AWS::IAM::User').length, users.length);
    assert.equal(all.filter((e) => e.resourceType === 'AWS::IAM::Role').length, roles.length);
    assert.deepEqual(
      all.filter((e) => e.resourceType === 'AWS::::Account').map((e) => e.resource),
      [`arn:aws:iam::${account}:root`],
    );
    assert.ok(all.some((e) => e.resource === 'arn:aws:s3:::photos'));
    for (const e of all) for (const f of e.found) assert.ok(f.details.fix.length > 20 && f.details.severity);
  });
});
