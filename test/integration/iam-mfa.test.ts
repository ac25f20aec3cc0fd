/**
 * Virtual MFA devices and OpenID Connect providers with the real `aws` CLI against the real server:
 * the seed and the QR code written by `--outfile` / `--bootstrap-method`, enabling with two codes a
 * person would read off an authenticator app (computed here from the seed), listing, deactivating and
 * deleting; and an OIDC provider's whole life.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { base32Decode, stepOf, totpCode } from '../../src/crypto/totp.js';
import { decodeQrPng, readPng } from '../../src/iam/mfa/testing/read-png.js';
import { awsCli, startServer, uniqueName, type TestServer } from './harness.js';

async function json(server: TestServer, args: string[]): Promise<Record<string, unknown>> {
  const r = await awsCli(server, [...args, '--output', 'json']);
  assert.equal(r.code, 0, `aws ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim() === '' ? {} : (JSON.parse(r.stdout) as Record<string, unknown>);
}

async function cliError(server: TestServer, args: string[]): Promise<string> {
  const r = await awsCli(server, args);
  assert.notEqual(r.code, 0, `expected aws ${args.join(' ')} to fail`);
  const m = /An error occurred \(([A-Za-z]+)\)/.exec(r.stderr);
  return m ? m[1] : r.stderr;
}

/** The two codes an authenticator shows one after the other, the second being the current one. */
function twoCodes(seed: Buffer): string[] {
  const step = stepOf(new Date());
  return ['--authentication-code1', totpCode(seed, step - 1), '--authentication-code2', totpCode(seed, step)];
}

describe('virtual MFA devices and OIDC providers with the aws CLI', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  test('create (Base32 seed and QR code PNG), enable with two codes, list, deactivate, delete', async () => {
    const user = uniqueName('mfa-user');
    await json(server, ['iam', 'create-user', '--user-name', user]);
    const seedFile = join(server.dataDir, '..', `${user}.seed`);
    const created = (await json(server, [
      'iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', user, '--outfile', seedFile, '--bootstrap-method', 'Base32StringSeed',
    ])).VirtualMFADevice as Record<string, string>;
    const serial = created.SerialNumber;
    const accountId = /^arn:aws:iam::(\d{12}):mfa\/(.+)$/.exec(serial)?.[1];
    assert.ok(accountId, serial);
    const base32 = readFileSync(seedFile, 'ascii');
    assert.match(base32, /^[A-Z2-7]{64}$/);
    const seed = base32Decode(base32);

    const spare = uniqueName('spare');
    const pngFile = join(server.dataDir, '..', `${spare}.png`);
    const spareSerial = ((await json(server, [
      'iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', spare, '--outfile', pngFile, '--bootstrap-method', 'QRCodePNG',
    ])).VirtualMFADevice as Record<string, string>).SerialNumber;
    const png = readFileSync(pngFile);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.toString('ascii', 12, 16), 'IHDR');
    const ihdr = readPng(png);
    assert.equal(ihdr.width, ihdr.height);
    assert.ok(ihdr.width >= 100, `a scannable size, got ${ihdr.width}`);
    assert.deepEqual([ihdr.bitDepth, ihdr.colourType], [1, 0]);
    assert.match(decodeQrPng(png) ?? '', new RegExp(`^otpauth://totp/Amazon%20Web%20Services:${spare}@${accountId}\\?secret=[A-Z2-7]{64}&`));

    assert.equal(await cliError(server, [
      'iam', 'enable-mfa-device', '--user-name', user, '--serial-number', serial, '--authentication-code1', '123456', '--authentication-code2', '654321',
    ]), 'InvalidAuthenticationCode');
    await json(server, ['iam', 'enable-mfa-device', '--user-name', user, '--serial-number', serial, ...twoCodes(seed)]);
    assert.equal(await cliError(server, ['iam', 'enable-mfa-device', '--user-name', user, '--serial-number', serial, ...twoCodes(seed)]), 'EntityAlreadyExists');

    const devices = (await json(server, ['iam', 'list-mfa-devices', '--user-name', user])).MFADevices as Array<Record<string, string>>;
    assert.deepEqual(devices.map((d) => [d.UserName, d.SerialNumber]), [[user, serial]]);
    assert.ok(devices[0].EnableDate);
    const assigned = (await json(server, ['iam', 'list-virtual-mfa-devices', '--assignment-status', 'Assigned'])).VirtualMFADevices as Array<Record<string, unknown>>;
    const mine = assigned.find((d) => d.SerialNumber === serial);
    assert.equal((mine?.User as Record<string, string> | undefined)?.UserName, user);
    const unassigned = (await json(server, ['iam', 'list-virtual-mfa-devices', '--assignment-status', 'Unassigned'])).VirtualMFADevices as Array<Record<string, unknown>>;
    assert.deepEqual(unassigned.map((d) => d.SerialNumber), [spareSerial]);
    const summary = (await json(server, ['iam', 'get-account-summary'])).SummaryMap as Record<string, number>;
    assert.deepEqual([summary.MFADevices, summary.MFADevicesInUse, summary.AccountMFAEnabled], [2, 1, 0]);

    assert.equal(await cliError(server, ['iam', 'delete-virtual-mfa-device', '--serial-number', serial]), 'DeleteConflict');
    assert.equal(await cliError(server, ['iam', 'delete-user', '--user-name', user]), 'DeleteConflict');
    await json(server, ['iam', 'deactivate-mfa-device', '--user-name', user, '--serial-number', serial]);
    assert.deepEqual((await json(server, ['iam', 'list-mfa-devices', '--user-name', user])).MFADevices, []);
    await json(server, ['iam', 'delete-virtual-mfa-device', '--serial-number', serial]);
    await json(server, ['iam', 'delete-virtual-mfa-device', '--serial-number', spareSerial]);
    assert.equal(await cliError(server, ['iam', 'delete-virtual-mfa-device', '--serial-number', serial]), 'NoSuchEntity');
    assert.deepEqual((await json(server, ['iam', 'list-virtual-mfa-devices'])).VirtualMFADevices, []);
    await json(server, ['iam', 'delete-user', '--user-name', user]);
  });

  test('OpenID Connect provider: create, get, list, client ids, thumbprints, tags, delete', async () => {
    const host = `${uniqueName('oidc')}.example.com`;
    const print1 = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280';
    const print2 = 'a'.repeat(40);
    const arn = String((await json(server, [
      'iam', 'create-open-id-connect-provider', '--url', `https://${host}/tenant`, '--client-id-list', 'app-1', 'app-2',
      '--thumbprint-list', print1, '--tags', 'Key=env,Value=dev',
    ])).OpenIDConnectProviderArn);
    assert.match(arn, new RegExp(`^arn:aws:iam::\\d{12}:oidc-provider/${host}/tenant$`));
    assert.equal(await cliError(server, ['iam', 'create-open-id-connect-provider', '--url', `https://${host}/tenant`]), 'EntityAlreadyExists');
    assert.equal(await cliError(server, ['iam', 'create-open-id-connect-provider', '--url', `http://${host}`]), 'InvalidInput');

    const got = await json(server, ['iam', 'get-open-id-connect-provider', '--open-id-connect-provider-arn', arn]);
    assert.equal(got.Url, `${host}/tenant`);
    assert.deepEqual(got.ClientIDList, ['app-1', 'app-2']);
    assert.deepEqual(got.ThumbprintList, [print1]);
    assert.deepEqual(got.Tags, [{ Key: 'env', Value: 'dev' }]);
    const listed = (await json(server, ['iam', 'list-open-id-connect-providers'])).OpenIDConnectProviderList as Array<Record<string, string>>;
    assert.ok(listed.some((p) => p.Arn === arn));

    await json(server, ['iam', 'add-client-id-to-open-id-connect-provider', '--open-id-connect-provider-arn', arn, '--client-id', 'app-3']);
    await json(server, ['iam', 'remove-client-id-from-open-id-connect-provider', '--open-id-connect-provider-arn', arn, '--client-id', 'app-1']);
    await json(server, ['iam', 'update-open-id-connect-provider-thumbprint', '--open-id-connect-provider-arn', arn, '--thumbprint-list', print1, print2]);
    await json(server, ['iam', 'tag-open-id-connect-provider', '--open-id-connect-provider-arn', arn, '--tags', 'Key=team,Value=red']);
    await json(server, ['iam', 'untag-open-id-connect-provider', '--open-id-connect-provider-arn', arn, '--tag-keys', 'env']);
    const after = await json(server, ['iam', 'get-open-id-connect-provider', '--open-id-connect-provider-arn', arn]);
    assert.deepEqual(after.ClientIDList, ['app-2', 'app-3']);
    assert.deepEqual(after.ThumbprintList, [print1, print2]);
    const tags = (await json(server, ['iam', 'list-open-id-connect-provider-tags', '--open-id-connect-provider-arn', arn])).Tags;
    assert.deepEqual(tags, [{ Key: 'team', Value: 'red' }]);

    // Deviation from AWS: a loopback issuer may be plain http (tests run their own issuer).
    const loopback = String((await json(server, ['iam', 'create-open-id-connect-provider', '--url', 'http://127.0.0.1:8999', '--client-id-list', 'sts.amazonaws.com']))
      .OpenIDConnectProviderArn);
    assert.match(loopback, /:oidc-provider\/127\.0\.0\.1:8999$/);

    await json(server, ['iam', 'delete-open-id-connect-provider', '--open-id-connect-provider-arn', arn]);
    await json(server, ['iam', 'delete-open-id-connect-provider', '--open-id-connect-provider-arn', loopback]);
    assert.equal(await cliError(server, ['iam', 'get-open-id-connect-provider', '--open-id-connect-provider-arn', arn]), 'NoSuchEntity');
  });
});
