/**
 * Versioning with the real clients against the real server: with `aws s3api`, a versioned overwrite,
 * a delete (marker), restoring a version (copying it over, or deleting the marker), listing versions
 * with markers and pagination, DeleteObjects with versions, BucketNotEmpty, and a bucket whose only
 * content is an unfinished upload; with boto3 (test/integration/s3/boto3_versioning.py) the suspended
 * bucket's null version, the version and delete-marker headers, tagging and GetObjectAttributes of
 * versions; the version actions enforced for an IAM user; MFA Delete with the root's virtual device.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateAccessKeyCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { base32Decode, stepOf, totpCode } from '../../src/crypto/totp.js';
import { REPO_ROOT, awsCli, iamClient, python, startServer, uniqueName, type Credentials, type TestServer } from './harness.js';

const SCRIPT = readFileSync(join(REPO_ROOT, 'test/integration/s3/boto3_versioning.py'), 'utf8');

type Json = Record<string, unknown>;
interface Listed {
  Key: string;
  VersionId: string;
  IsLatest: boolean;
}

describe('Versioning and MFA Delete with the aws CLI and boto3', () => {
  let server: TestServer;
  const work = mkdtempSync(join(tmpdir(), 'strongbox-versioning-'));
  const file = (name: string, content: string): string => {
    const path = join(work, name);
    writeFileSync(path, content);
    return path;
  };

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  async function json(args: readonly string[], creds?: Credentials): Promise<Json> {
    const r = await awsCli(server, [...args, '--output', 'json'], { creds });
    assert.equal(r.code, 0, `aws ${args.join(' ')}\n${r.stderr}`);
    return r.stdout.trim() === '' ? {} : (JSON.parse(r.stdout) as Json);
  }
  async function fails(args: readonly string[], creds?: Credentials): Promise<string> {
    const r = await awsCli(server, args, { creds });
    assert.notEqual(r.code, 0, `expected aws ${args.join(' ')} to fail`);
    return /An error occurred \(([^)]+)\)/.exec(r.stderr)?.[1] ?? r.stderr;
  }
  async function body(bucket: string, key: string, versionId?: string): Promise<string> {
    const out = join(work, `out-${uniqueName('o')}`);
    await json(['s3api', 'get-object', '--bucket', bucket, '--key', key, ...(versionId ? ['--version-id', versionId] : []), out]);
    return readFileSync(out, 'utf8');
  }
  async function versions(bucket: string): Promise<{ versions: Listed[]; markers: Listed[] }> {
    const r = await json(['s3api', 'list-object-versions', '--bucket', bucket]);
    return { versions: (r.Versions ?? []) as Listed[], markers: (r.DeleteMarkers ?? []) as Listed[] };
  }
  const put = async (bucket: string, key: string, content: string) =>
    (await json(['s3api', 'put-object', '--bucket', bucket, '--key', key, '--body', file(uniqueName('f'), content)])).VersionId as string | undefined;

  test('versioned overwrite, delete marker, restore by copy and by deleting the marker', async () => {
    const b = uniqueName('ver');
    await json(['s3api', 'create-bucket', '--bucket', b]);
    assert.deepEqual(await json(['s3api', 'get-bucket-versioning', '--bucket', b]), {});
    assert.equal(await put(b, 'doc', 'before versioning'), undefined);
    await json(['s3api', 'put-bucket-versioning', '--bucket', b, '--versioning-configuration', 'Status=Enabled']);
    assert.deepEqual(await json(['s3api', 'get-bucket-versioning', '--bucket', b]), { Status: 'Enabled', MFADelete: 'Disabled' });
    const v1 = await put(b, 'doc', 'first');
    const v2 = await put(b, 'doc', 'second');
    assert.ok(v1 && v2 && v1 !== v2 && v1.length === 32);
    assert.equal(await body(b, 'doc'), 'second');
    assert.equal(await body(b, 'doc', v1), 'first');
    assert.equal(await body(b, 'doc', 'null'), 'before versioning');
    // Delete: a marker on top; the object is gone for plain reads, its versions are not.
    const del = await json(['s3api', 'delete-object', '--bucket', b, '--key', 'doc']);
    assert.equal(del.DeleteMarker, true);
    const marker = del.VersionId as string;
    assert.equal(await fails(['s3api', 'get-object', '--bucket', b, '--key', 'doc', join(work, 'x')]), 'NoSuchKey');
    assert.equal(await fails(['s3api', 'get-object', '--bucket', b, '--key', 'doc', '--version-id', marker, join(work, 'x')]), 'MethodNotAllowed');
    assert.deepEqual((await json(['s3api', 'list-objects-v2', '--bucket', b])).Contents, undefined);
    let h = await versions(b);
    assert.deepEqual(h.markers.map((m) => [m.VersionId, m.IsLatest]), [[marker, true]]);
    assert.deepEqual(h.versions.map((v) => [v.VersionId, v.IsLatest]), [[v2, false], [v1, false], ['null', false]]);
    // Restore v1 by copying it over the key: a new current version with v1's bytes.
    const copy = await json(['s3api', 'copy-object', '--bucket', b, '--key', 'doc', '--copy-source', `${b}/doc?versionId=${v1}`]);
    assert.equal(copy.CopySourceVersionId, v1);
    assert.equal(await body(b, 'doc'), 'first');
    // Restore by deleting the delete marker: the version under it is current again.
    const other = await put(b, 'other', 'keep me');
    const otherMarker = (await json(['s3api', 'delete-object', '--bucket', b, '--key', 'other'])).VersionId as string;
    const undone = await json(['s3api', 'delete-object', '--bucket', b, '--key', 'other', '--version-id', otherMarker]);
    assert.deepEqual([undone.DeleteMarker, undone.VersionId], [true, otherMarker]);
    assert.equal(await body(b, 'other'), 'keep me');
    h = await versions(b);
    assert.deepEqual(h.versions.filter((v) => v.Key === 'other').map((v) => [v.VersionId, v.IsLatest]), [[other, true]]);
    // Deleting the current version by id makes the previous one current.
    await json(['s3api', 'delete-object', '--bucket', b, '--key', 'doc', '--version-id', copy.VersionId as string]);
    assert.equal(await fails(['s3api', 'get-object', '--bucket', b, '--key', 'doc', join(work, 'x')]), 'NoSuchKey'); // the marker is on top again
    assert.equal(await fails(['s3api', 'delete-bucket', '--bucket', b]), 'BucketNotEmpty');
  });

  test('list-object-versions: markers, prefix, delimiter and pagination', async () => {
    const b = uniqueName('list');
    await json(['s3api', 'create-bucket', '--bucket', b]);
    await json(['s3api', 'put-bucket-versioning', '--bucket', b, '--versioning-configuration', 'Status=Enabled']);
    for (const key of ['a', 'a', 'dir/x', 'dir/y', 'a', 'z']) await put(b, key, key);
    await json(['s3api', 'delete-object', '--bucket', b, '--key', 'dir/x']);
    const all = await versions(b);
    assert.equal(all.versions.length + all.markers.length, 7);
    const seen: string[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await json(['s3api', 'list-object-versions', '--bucket', b, '--no-paginate', '--max-keys', '2',
        ...(keyMarker ? ['--key-marker', keyMarker] : []), ...(versionIdMarker ? ['--version-id-marker', versionIdMarker] : [])]);
      const items = [...((r.Versions ?? []) as Listed[]), ...((r.DeleteMarkers ?? []) as Listed[])];
      assert.ok(items.length <= 2);
      seen.push(...items.map((i) => `${i.Key}@${i.VersionId}`));
      if (r.IsTruncated !== true) break;
      keyMarker = r.NextKeyMarker as string;
      versionIdMarker = r.NextVersionIdMarker as string;
    }
    const expected = [...all.versions, ...all.markers].map((i) => `${i.Key}@${i.VersionId}`);
    assert.deepEqual([...seen].sort(), [...expected].sort());
    assert.equal(new Set(seen).size, 7);
    const rolled = await json(['s3api', 'list-object-versions', '--bucket', b, '--delimiter', '/']);
    assert.deepEqual((rolled.CommonPrefixes as { Prefix: string }[]).map((p) => p.Prefix), ['dir/']);
    assert.deepEqual(((rolled.Versions ?? []) as Listed[]).map((v) => v.Key), ['a', 'a', 'a', 'z']);
    const inDir = await json(['s3api', 'list-object-versions', '--bucket', b, '--prefix', 'dir/']);
    assert.deepEqual(((inDir.DeleteMarkers ?? []) as Listed[]).map((m) => [m.Key, m.IsLatest]), [['dir/x', true]]);
    assert.equal(await fails(['s3api', 'list-object-versions', '--bucket', b, '--version-id-marker', 'null']), 'InvalidArgument');
  });

  test('DeleteObjects with versions empties a bucket; an unfinished upload does not keep it', async () => {
    const b = uniqueName('empty');
    await json(['s3api', 'create-bucket', '--bucket', b]);
    await json(['s3api', 'put-bucket-versioning', '--bucket', b, '--versioning-configuration', 'Status=Enabled']);
    await put(b, 'k', 'one');
    await put(b, 'k', 'two');
    await json(['s3api', 'delete-object', '--bucket', b, '--key', 'k']);
    const h = await versions(b);
    const objects = [...h.versions, ...h.markers].map((v) => ({ Key: v.Key, VersionId: v.VersionId }));
    const spec = file('delete.json', JSON.stringify({ Objects: objects }));
    const r = await json(['s3api', 'delete-objects', '--bucket', b, '--delete', `file://${spec}`]);
    assert.equal((r.Deleted as unknown[]).length, 3);
    assert.equal(((r.Deleted as Json[]).filter((d) => d.DeleteMarker === true)).length, 1);
    await json(['s3api', 'create-multipart-upload', '--bucket', b, '--key', 'unfinished']);
    await json(['s3api', 'delete-bucket', '--bucket', b]);
    assert.equal(await fails(['s3api', 'head-bucket', '--bucket', b]), '404');
  });

  test('suspended versioning: the null version is replaced, versioned ones stay (boto3)', async () => {
    const r = await python(server, SCRIPT, { args: ['suspended', uniqueName('susp')], timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop() as string), { versions: 3 });
  });

  test('version and delete-marker headers, tags and attributes of versions, conditional deletes (boto3)', async () => {
    const r = await python(server, SCRIPT, { args: ['headers', uniqueName('hdr')], timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
  });

  test('the version actions are their own: s3:GetObjectVersion, s3:DeleteObjectVersion, s3:ListBucketVersions', async () => {
    const b = uniqueName('authz');
    await json(['s3api', 'create-bucket', '--bucket', b]);
    await json(['s3api', 'put-bucket-versioning', '--bucket', b, '--versioning-configuration', 'Status=Enabled']);
    const v1 = (await put(b, 'k', 'one')) as string;
    await put(b, 'k', 'two');
    const user = await userWith([
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:DeleteObject', 's3:ListBucket', 's3:PutObject'], Resource: [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`] },
    ]);
    const out = join(work, 'authz-out');
    assert.equal((await awsCli(server, ['s3api', 'get-object', '--bucket', b, '--key', 'k', out], { creds: user })).code, 0);
    assert.equal(await fails(['s3api', 'get-object', '--bucket', b, '--key', 'k', '--version-id', v1, out], user), 'AccessDenied');
    assert.equal(await fails(['s3api', 'list-object-versions', '--bucket', b], user), 'AccessDenied');
    assert.equal(await fails(['s3api', 'delete-object', '--bucket', b, '--key', 'k', '--version-id', v1], user), 'AccessDenied');
    assert.equal((await json(['s3api', 'delete-object', '--bucket', b, '--key', 'k'], user)).DeleteMarker, true);
    assert.equal(await fails(['s3api', 'put-bucket-versioning', '--bucket', b, '--versioning-configuration', 'Status=Suspended'], user), 'AccessDenied');
    assert.equal(await body(b, 'k', v1), 'one');
  });

  test('MFA Delete: only the root with its device changes versioning or deletes versions', async () => {
    const iam = iamClient(server);
    const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: uniqueName('root-phone') }));
    const serial = device.VirtualMFADevice!.SerialNumber!;
    const seed = base32Decode(Buffer.from(device.VirtualMFADevice!.Base32StringSeed!).toString('utf8'));
    const enabledAt = stepOf(new Date());
    // The root user enables its own device: no UserName.
    await iam.send(new EnableMFADeviceCommand({ SerialNumber: serial, AuthenticationCode1: totpCode(seed, enabledAt - 3), AuthenticationCode2: totpCode(seed, enabledAt - 2) } as never));
    let lastStep = enabledAt - 2;
    /** A code never used before, within the ±1 step window (each step's code is accepted once). */
    const nextCode = async (): Promise<string> => {
      for (;;) {
        const step = Math.max(lastStep + 1, stepOf(new Date()) - 1);
        if (step <= stepOf(new Date()) + 1) {
          lastStep = step;
          return `${serial} ${totpCode(seed, step)}`;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    };
    const b = uniqueName('mfa');
    await json(['s3api', 'create-bucket', '--bucket', b]);
    const enable = ['s3api', 'put-bucket-versioning', '--bucket', b, '--versioning-configuration', 'Status=Enabled,MFADelete=Enabled'];
    assert.equal(await fails(enable), 'AccessDenied');
    assert.equal(await fails([...enable, '--mfa', `${serial} 000000`]), 'AccessDenied');
    await json([...enable, '--mfa', await nextCode()]);
    assert.deepEqual(await json(['s3api', 'get-bucket-versioning', '--bucket', b]), { Status: 'Enabled', MFADelete: 'Enabled' });
    const v1 = (await put(b, 'k', 'protected')) as string;
    await put(b, 'k', 'newer');
    // A plain delete only adds a marker: no MFA needed.
    assert.equal((await json(['s3api', 'delete-object', '--bucket', b, '--key', 'k'])).DeleteMarker, true);
    const deleteV1 = ['s3api', 'delete-object', '--bucket', b, '--key', 'k', '--version-id', v1];
    assert.equal(await fails(deleteV1), 'AccessDenied');
    assert.equal(await fails(['s3api', 'put-bucket-versioning', '--bucket', b, '--versioning-configuration', 'Status=Suspended']), 'AccessDenied');
    const spec = file('mfa-delete.json', JSON.stringify({ Objects: [{ Key: 'k', VersionId: v1 }] }));
    assert.equal(await fails(['s3api', 'delete-objects', '--bucket', b, '--delete', `file://${spec}`]), 'AccessDenied');
    // An IAM user allowed everything still may not: MFA Delete is the root's alone.
    const admin = await userWith([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]);
    assert.equal(await fails([...deleteV1, '--mfa', `${serial} ${totpCode(seed, stepOf(new Date()))}`], admin), 'AccessDenied');
    const code = await nextCode();
    await json([...deleteV1, '--mfa', code]);
    assert.equal(await fails([...deleteV1, '--mfa', code]), 'AccessDenied', 'a code is accepted once');
    const left = await versions(b);
    assert.equal(left.versions.some((v) => v.VersionId === v1), false);
    assert.equal(left.versions.length + left.markers.length, 2);
  });

  async function userWith(statements: readonly Json[]): Promise<Credentials> {
    const iam = iamClient(server);
    const name = uniqueName('user');
    await iam.send(new CreateUserCommand({ UserName: name }));
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    return { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
  }
});
