import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode, stepOf, totpCode } from '../../crypto/totp.js';
import { PNG_SIGNATURE } from '../mfa/qr-png.js';
import { iamTestBed, memberList } from './test-setup.js';

const NOW = new Date('2026-03-01T12:00:10Z');
const STEP = stepOf(NOW);

async function bed() {
  const t = await iamTestBed({ now: () => NOW });
  const serial = (name: string, path = '/') => `arn:aws:iam::${t.root.accountId}:mfa${path}${name}`;
  /** Creates a device and returns its seed (decoded from Base32StringSeed, as a user would). */
  const createDevice = async (name: string, extra: Record<string, string> = {}) => {
    const r = (await t.ok('CreateVirtualMFADevice', { VirtualMFADeviceName: name, ...extra })).VirtualMFADevice as Record<string, string>;
    return base32Decode(Buffer.from(r.Base32StringSeed, 'base64').toString('ascii'));
  };
  const codes = (seed: Buffer, step = STEP) => ({ AuthenticationCode1: totpCode(seed, step - 1), AuthenticationCode2: totpCode(seed, step) });
  return { t, serial, createDevice, codes };
}

test('CreateVirtualMFADevice: serial number, a 40-byte Base32 seed, a PNG QR code; names unique', async () => {
  const { t, serial } = await bed();
  const r = await t.ok('CreateVirtualMFADevice', { VirtualMFADeviceName: 'alice', Path: '/team/', 'Tags.member.1.Key': 'k', 'Tags.member.1.Value': 'v' });
  const d = r.VirtualMFADevice as Record<string, unknown>;
  assert.equal(d.SerialNumber, serial('alice', '/team/'));
  const base32 = Buffer.from(String(d.Base32StringSeed), 'base64').toString('ascii');
  assert.match(base32, /^[A-Z2-7]{64}$/);
  assert.equal(base32Decode(base32).length, 40);
  const png = Buffer.from(String(d.QRCodePNG), 'base64');
  assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
  assert.equal(png.toString('ascii', 12, 16), 'IHDR');
  assert.deepEqual(memberList(d.Tags), [{ Key: 'k', Value: 'v' }]);
  assert.equal(await t.code('CreateVirtualMFADevice', { VirtualMFADeviceName: 'alice', Path: '/team/' }), 'EntityAlreadyExists');
  assert.equal(await t.code('CreateVirtualMFADevice', { VirtualMFADeviceName: 'bad name' }), 'ValidationError');
  assert.equal(await t.code('CreateVirtualMFADevice', {}), 'ValidationError');
  const checks = (await t.call('CreateVirtualMFADevice', { VirtualMFADeviceName: 'x' })).checks;
  assert.equal(checks[0].action, 'iam:CreateVirtualMFADevice');
  assert.equal(checks[0].resource, serial('x'));
});

test('EnableMFADevice: two consecutive codes; wrong codes → InvalidAuthenticationCode (403); in use → EntityAlreadyExists', async () => {
  const { t, serial, createDevice, codes } = await bed();
  await t.ok('CreateUser', { UserName: 'alice' });
  const seed = await createDevice('alice');
  const bad = await t.call('EnableMFADevice', { UserName: 'alice', SerialNumber: serial('alice'), AuthenticationCode1: '000000', AuthenticationCode2: '000001' });
  assert.equal(bad.errorCode, 'InvalidAuthenticationCode');
  assert.equal(bad.status, 403);
  const swapped = codes(seed);
  assert.equal(await t.code('EnableMFADevice', {
    UserName: 'alice', SerialNumber: serial('alice'), AuthenticationCode1: swapped.AuthenticationCode2, AuthenticationCode2: swapped.AuthenticationCode1,
  }), 'InvalidAuthenticationCode');
  assert.equal(await t.code('EnableMFADevice', { UserName: 'alice', SerialNumber: serial('alice'), ...codes(seed, STEP - 5) }), 'InvalidAuthenticationCode');
  assert.equal(await t.code('EnableMFADevice', { UserName: 'alice', SerialNumber: serial('alice'), AuthenticationCode1: '12345', AuthenticationCode2: '123456' }), 'ValidationError');
  assert.equal(await t.code('EnableMFADevice', { UserName: 'nobody', SerialNumber: serial('alice'), ...codes(seed) }), 'NoSuchEntity');
  assert.equal(await t.code('EnableMFADevice', { UserName: 'alice', SerialNumber: serial('nope'), ...codes(seed) }), 'NoSuchEntity');
  assert.equal(await t.code('EnableMFADevice', { UserName: 'alice', SerialNumber: 'arn:aws:iam::999999999999:mfa/alice', ...codes(seed) }), 'NoSuchEntity');

  const checks = (await t.call('EnableMFADevice', { UserName: 'alice', SerialNumber: serial('alice'), ...codes(seed) })).checks;
  assert.deepEqual([checks[0].action, checks[0].resource], ['iam:EnableMFADevice', `arn:aws:iam::${t.root.accountId}:user/alice`]);
  const r = await t.call('EnableMFADevice', { UserName: 'alice', SerialNumber: serial('alice'), ...codes(seed) });
  assert.equal(r.errorCode, 'EntityAlreadyExists', 'the first call (for its checks) enabled it already');

  const listed = memberList((await t.ok('ListMFADevices', { UserName: 'alice' })).MFADevices);
  assert.equal(listed.length, 1);
  assert.equal(listed[0].UserName, 'alice');
  assert.equal(listed[0].SerialNumber, serial('alice'));
  assert.match(String(listed[0].EnableDate), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(await t.code('DeleteUser', { UserName: 'alice' }), 'DeleteConflict');
});

test('EnableMFADevice: UserName is required except for the root user, who enables its own device', async () => {
  const { t, serial, createDevice, codes } = await bed();
  await t.ok('CreateUser', { UserName: 'bob' });
  const bob = await t.userCaller('bob');
  const seed = await createDevice('root-device');
  assert.equal(await t.code('EnableMFADevice', { SerialNumber: serial('root-device'), ...codes(seed) }, bob), 'ValidationError');
  await t.ok('EnableMFADevice', { SerialNumber: serial('root-device'), ...codes(seed) });
  const own = memberList((await t.ok('ListMFADevices')).MFADevices);
  assert.deepEqual(own.map((d) => d.SerialNumber), [serial('root-device')]);
  assert.equal(own[0].UserName, undefined);
  const virtual = memberList((await t.ok('ListVirtualMFADevices')).VirtualMFADevices);
  const user = virtual[0].User as Record<string, unknown>;
  assert.equal(user.Arn, `arn:aws:iam::${t.root.accountId}:root`);
  assert.equal(user.UserId, t.root.accountId);
  const summary = Object.fromEntries(memberEntries((await t.ok('GetAccountSummary')).SummaryMap));
  assert.equal(summary.AccountMFAEnabled, '1');
  assert.equal(summary.MFADevices, '1');
  assert.equal(summary.MFADevicesInUse, '1');
});

function memberEntries(v: unknown): Array<[string, string]> {
  return (v as { entry: Array<{ key: string; value: string }> }).entry.map((e) => [e.key, String(e.value)]);
}

test('ListVirtualMFADevices: AssignmentStatus filter, User element for assigned devices, pagination', async () => {
  const { t, serial, createDevice, codes } = await bed();
  await t.ok('CreateUser', { UserName: 'carol', Path: '/ops/' });
  const seed = await createDevice('b-carol');
  await createDevice('a-spare');
  await createDevice('c-spare');
  await t.ok('EnableMFADevice', { UserName: 'carol', SerialNumber: serial('b-carol'), ...codes(seed) });
  const serials = async (status?: string) =>
    memberList((await t.ok('ListVirtualMFADevices', status ? { AssignmentStatus: status } : {})).VirtualMFADevices).map((d) => d.SerialNumber);
  assert.deepEqual(await serials(), [serial('a-spare'), serial('b-carol'), serial('c-spare')]);
  assert.deepEqual(await serials('Any'), await serials());
  assert.deepEqual(await serials('Assigned'), [serial('b-carol')]);
  assert.deepEqual(await serials('Unassigned'), [serial('a-spare'), serial('c-spare')]);
  assert.equal(await t.code('ListVirtualMFADevices', { AssignmentStatus: 'Some' }), 'ValidationError');
  const assigned = memberList((await t.ok('ListVirtualMFADevices', { AssignmentStatus: 'Assigned' })).VirtualMFADevices)[0];
  const user = assigned.User as Record<string, unknown>;
  assert.equal(user.UserName, 'carol');
  assert.equal(user.Path, '/ops/');
  assert.equal(user.Arn, `arn:aws:iam::${t.root.accountId}:user/ops/carol`);
  assert.ok(assigned.EnableDate);
  const page1 = await t.ok('ListVirtualMFADevices', { MaxItems: '2' });
  assert.equal(page1.IsTruncated, 'true');
  const page2 = await t.ok('ListVirtualMFADevices', { MaxItems: '2', Marker: String(page1.Marker) });
  assert.deepEqual(memberList(page2.VirtualMFADevices).map((d) => d.SerialNumber), [serial('c-spare')]);
  const checks = (await t.call('ListVirtualMFADevices')).checks;
  assert.deepEqual([checks[0].action, checks[0].resource], ['iam:ListVirtualMFADevices', '*']);
});

test('Deactivate, Delete, Resync, GetMFADevice; a user lists and deactivates its own devices', async () => {
  const { t, serial, createDevice, codes } = await bed();
  await t.ok('CreateUser', { UserName: 'dave' });
  const dave = await t.userCaller('dave');
  const seed = await createDevice('dave');
  await t.ok('EnableMFADevice', { UserName: 'dave', SerialNumber: serial('dave'), ...codes(seed, STEP - 1) });
  assert.equal(await t.code('DeleteVirtualMFADevice', { SerialNumber: serial('dave') }), 'DeleteConflict');
  assert.equal(await t.code('ResyncMFADevice', { UserName: 'dave', SerialNumber: serial('dave'), ...codes(seed, STEP - 5) }), 'InvalidAuthenticationCode');
  await t.ok('ResyncMFADevice', { UserName: 'dave', SerialNumber: serial('dave'), ...codes(seed, STEP + 1) });
  const got = await t.ok('GetMFADevice', { SerialNumber: serial('dave') }, dave);
  assert.equal(got.UserName, 'dave');
  assert.equal(got.SerialNumber, serial('dave'));
  assert.equal(await t.code('GetMFADevice', { SerialNumber: serial('dave') }), 'NoSuchEntity', 'not the root user\'s');
  assert.equal(memberList((await t.ok('ListMFADevices', {}, dave)).MFADevices).length, 1);
  assert.equal(await t.code('DeactivateMFADevice', { SerialNumber: serial('dave') }), 'NoSuchEntity', 'root has no such device');
  const checks = (await t.call('DeactivateMFADevice', { SerialNumber: serial('dave') }, dave)).checks;
  assert.deepEqual([checks[0].action, checks[0].resource], ['iam:DeactivateMFADevice', `arn:aws:iam::${t.root.accountId}:user/dave`]);
  assert.equal(memberList((await t.ok('ListMFADevices', { UserName: 'dave' })).MFADevices).length, 0);
  assert.equal(await t.code('ListMFADevices', { UserName: 'nobody' }), 'NoSuchEntity');
  // Codes used before deactivation stay used: enabling again needs fresh ones.
  assert.equal(await t.code('EnableMFADevice', { UserName: 'dave', SerialNumber: serial('dave'), ...codes(seed, STEP + 1) }), 'InvalidAuthenticationCode');
  const delChecks = (await t.call('DeleteVirtualMFADevice', { SerialNumber: serial('dave') })).checks;
  assert.deepEqual([delChecks[0].action, delChecks[0].resource], ['iam:DeleteVirtualMFADevice', serial('dave')]);
  assert.equal(await t.code('DeleteVirtualMFADevice', { SerialNumber: serial('dave') }), 'NoSuchEntity');
  await t.ok('DeleteUser', { UserName: 'dave' });
});

test('Tag/Untag/ListMFADeviceTags; the tags become aws:ResourceTag keys of device operations', async () => {
  const { t, serial, createDevice } = await bed();
  await createDevice('tagged');
  await t.ok('TagMFADevice', { SerialNumber: serial('tagged'), 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'red' });
  assert.deepEqual(memberList((await t.ok('ListMFADeviceTags', { SerialNumber: serial('tagged') })).Tags), [{ Key: 'team', Value: 'red' }]);
  const checks = (await t.call('DeleteVirtualMFADevice', { SerialNumber: serial('nope') })).checks;
  assert.deepEqual(checks[0].context, {});
  const tagged = (await t.call('ListMFADeviceTags', { SerialNumber: serial('tagged') })).checks;
  assert.equal(tagged[0].context['aws:ResourceTag/team'], 'red');
  await t.ok('UntagMFADevice', { SerialNumber: serial('tagged'), 'TagKeys.member.1': 'team' });
  assert.deepEqual(memberList((await t.ok('ListMFADeviceTags', { SerialNumber: serial('tagged') })).Tags), []);
  assert.equal(await t.code('TagMFADevice', { SerialNumber: serial('nope'), 'Tags.member.1.Key': 'a', 'Tags.member.1.Value': 'b' }), 'NoSuchEntity');
});

test('credential report: mfa_active for users and the root row', async () => {
  const { t, serial, createDevice, codes } = await bed();
  await t.ok('CreateUser', { UserName: 'erin' });
  await t.ok('CreateUser', { UserName: 'frank' });
  const seed = await createDevice('erin');
  await t.ok('EnableMFADevice', { UserName: 'erin', SerialNumber: serial('erin'), ...codes(seed) });
  await t.ok('GenerateCredentialReport');
  const csv = Buffer.from(String((await t.ok('GetCredentialReport')).Content), 'base64').toString('utf8').split('\n');
  const column = csv[0].split(',').indexOf('mfa_active');
  const rows = Object.fromEntries(csv.slice(1).map((line) => line.split(',')).map((cells) => [cells[0], cells[column]]));
  assert.deepEqual(rows, { '<root_account>': 'false', erin: 'true', frank: 'false' });
});
