/**
 * S3 with the real `aws` CLI against the real server: the high-level `aws s3` commands (mb, cp with a
 * 100 MiB multipart upload and download, ls, sync both ways, rm, rb --force) and `aws s3api` calls,
 * with errors as the CLI prints them.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsCli, startServer, uniqueName, type TestServer } from './harness.js';

const MiB = 1024 * 1024;

describe('S3 with the aws CLI', { concurrency: 4 }, () => {
  let server: TestServer;
  let work: string;

  before(async () => {
    server = await startServer();
    work = mkdtempSync(join(tmpdir(), 'strongbox-s3-cli-'));
  });
  after(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function ok(args: string[], timeoutMs?: number): Promise<string> {
    const r = await awsCli(server, args, { timeoutMs });
    assert.equal(r.code, 0, `aws ${args.join(' ')}\n${r.stderr}`);
    return r.stdout;
  }
  async function json(args: string[]): Promise<Record<string, unknown>> {
    const out = await ok([...args, '--output', 'json']);
    return out.trim() === '' ? {} : (JSON.parse(out) as Record<string, unknown>);
  }
  async function fails(args: string[]): Promise<string> {
    const r = await awsCli(server, args);
    assert.notEqual(r.code, 0, `expected aws ${args.join(' ')} to fail`);
    return /An error occurred \(([^)]+)\)/.exec(r.stderr)?.[1] ?? r.stderr;
  }
  const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

  test('aws s3: mb, cp (100 MiB multipart up and down), ls, rm, rb --force', async () => {
    const b = uniqueName('cli');
    await ok(['s3', 'mb', `s3://${b}`]);
    assert.match(await ok(['s3', 'ls']), new RegExp(` ${b}\\n`));
    const big = join(work, 'big.bin');
    writeFileSync(big, randomBytes(100 * MiB));
    const small = join(work, 'small.txt');
    writeFileSync(small, 'hello from the cli\n');
    await ok(['s3', 'cp', big, `s3://${b}/data/big.bin`], 120_000);
    await ok(['s3', 'cp', small, `s3://${b}/data/small.txt`]);
    const listing = await ok(['s3', 'ls', `s3://${b}/data/`]);
    assert.match(listing, /104857600 big\.bin/);
    assert.match(listing, /19 small\.txt/);
    assert.match(await ok(['s3', 'ls', `s3://${b}`]), /PRE data\//);
    const head = await json(['s3api', 'head-object', '--bucket', b, '--key', 'data/big.bin']);
    assert.match(String(head.ETag), /^"[0-9a-f]{32}-\d+"$/, 'a 100 MiB cp is a multipart upload');
    const back = join(work, 'big.back');
    await ok(['s3', 'cp', `s3://${b}/data/big.bin`, back], 120_000);
    assert.equal(sha256(back), sha256(big));
    await ok(['s3', 'rm', `s3://${b}/data/small.txt`]);
    assert.doesNotMatch(await ok(['s3', 'ls', `s3://${b}/data/`]), /small\.txt/);
    assert.equal(await fails(['s3', 'rb', `s3://${b}`]), 'BucketNotEmpty');
    await ok(['s3', 'rb', `s3://${b}`, '--force']);
    assert.doesNotMatch(await ok(['s3', 'ls']), new RegExp(` ${b}\\n`));
  });

  test('aws s3 sync both ways', async () => {
    const b = uniqueName('sync');
    await ok(['s3', 'mb', `s3://${b}`]);
    const src = join(work, 'sync-src');
    mkdirSync(join(src, 'nested/deeper'), { recursive: true });
    const files = { 'a.txt': 'A', 'nested/b.txt': 'B'.repeat(1000), 'nested/deeper/c d.txt': 'C', 'unicodé.txt': 'é' };
    for (const [name, content] of Object.entries(files)) writeFileSync(join(src, name), content);
    const up = await ok(['s3', 'sync', src, `s3://${b}/tree`]);
    assert.equal(up.match(/upload:/g)?.length, 4);
    assert.equal((await ok(['s3', 'sync', src, `s3://${b}/tree`])).trim(), '', 'nothing changed, nothing uploaded');
    const dst = join(work, 'sync-dst');
    const down = await ok(['s3', 'sync', `s3://${b}/tree`, dst]);
    assert.equal(down.match(/download:/g)?.length, 4);
    for (const [name, content] of Object.entries(files)) assert.equal(readFileSync(join(dst, name), 'utf8'), content, name);
    rmSync(join(src, 'a.txt'));
    await ok(['s3', 'sync', src, `s3://${b}/tree`, '--delete']);
    const keys = ((await json(['s3api', 'list-objects-v2', '--bucket', b])).Contents as { Key: string }[]).map((c) => c.Key);
    assert.deepEqual(keys.sort(), ['tree/nested/b.txt', 'tree/nested/deeper/c d.txt', 'tree/unicodé.txt']);
    assert.deepEqual(readdirSync(dst).sort(), ['a.txt', 'nested', 'unicodé.txt']);
    await ok(['s3', 'rb', `s3://${b}`, '--force']);
  });

  test('aws s3api: objects, tags, copy, multi-delete, multipart, CORS', async () => {
    const b = uniqueName('api');
    await json(['s3api', 'create-bucket', '--bucket', b]);
    const body = join(work, 'body.txt');
    writeFileSync(body, 'api body');
    const put = await json(['s3api', 'put-object', '--bucket', b, '--key', 'k 1', '--body', body, '--tagging', 'env=test', '--metadata', 'owner=cli', '--content-type', 'text/plain']);
    assert.equal(put.ETag, `"${createHash('md5').update('api body').digest('hex')}"`);
    const out = join(work, 'got.txt');
    const got = await json(['s3api', 'get-object', '--bucket', b, '--key', 'k 1', out]);
    assert.equal(readFileSync(out, 'utf8'), 'api body');
    assert.deepEqual(got.Metadata, { owner: 'cli' });
    assert.equal(got.TagCount, 1);
    await json(['s3api', 'copy-object', '--bucket', b, '--key', 'k2', '--copy-source', `${b}/k 1`]);
    await json(['s3api', 'put-object-tagging', '--bucket', b, '--key', 'k2', '--tagging', 'TagSet=[{Key=a,Value=b}]']);
    assert.deepEqual((await json(['s3api', 'get-object-tagging', '--bucket', b, '--key', 'k2'])).TagSet, [{ Key: 'a', Value: 'b' }]);
    const listed = await json(['s3api', 'list-objects-v2', '--bucket', b, '--max-keys', '1']);
    assert.equal(listed.KeyCount, 1);
    assert.equal(listed.IsTruncated, true);
    const mpu = await json(['s3api', 'create-multipart-upload', '--bucket', b, '--key', 'mp']);
    const part = await json(['s3api', 'upload-part', '--bucket', b, '--key', 'mp', '--upload-id', String(mpu.UploadId), '--part-number', '1', '--body', body]);
    const parts = await json(['s3api', 'list-parts', '--bucket', b, '--key', 'mp', '--upload-id', String(mpu.UploadId)]);
    assert.equal((parts.Parts as unknown[]).length, 1);
    const layout = join(work, 'parts.json');
    writeFileSync(layout, JSON.stringify({ Parts: [{ PartNumber: 1, ETag: part.ETag }] }));
    await json(['s3api', 'complete-multipart-upload', '--bucket', b, '--key', 'mp', '--upload-id', String(mpu.UploadId), '--multipart-upload', `file://${layout}`]);
    const cors = join(work, 'cors.json');
    writeFileSync(cors, JSON.stringify({ CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['GET'] }] }));
    await json(['s3api', 'put-bucket-cors', '--bucket', b, '--cors-configuration', `file://${cors}`]);
    assert.deepEqual(((await json(['s3api', 'get-bucket-cors', '--bucket', b])).CORSRules as { AllowedMethods: string[] }[])[0].AllowedMethods, ['GET']);
    const del = await json(['s3api', 'delete-objects', '--bucket', b, '--delete', 'Objects=[{Key=k 1},{Key=k2},{Key=mp}]']);
    assert.equal((del.Deleted as unknown[]).length, 3);
    await json(['s3api', 'delete-bucket', '--bucket', b]);
  });

  test('errors as the CLI reports them', async () => {
    const b = uniqueName('err');
    await json(['s3api', 'create-bucket', '--bucket', b]);
    assert.equal(await fails(['s3api', 'get-object', '--bucket', b, '--key', 'missing', join(work, 'x')]), 'NoSuchKey');
    assert.equal(await fails(['s3api', 'head-object', '--bucket', b, '--key', 'missing']), '404');
    assert.equal(await fails(['s3api', 'create-bucket', '--bucket', 'BAD_bucket']), 'InvalidBucketName');
    assert.equal(await fails(['s3api', 'list-objects-v2', '--bucket', uniqueName('none')]), 'NoSuchBucket');
    assert.equal(await fails(['s3api', 'get-bucket-cors', '--bucket', b]), 'NoSuchCORSConfiguration');
    assert.equal(await fails(['s3api', 'abort-multipart-upload', '--bucket', b, '--key', 'k', '--upload-id', 'nope']), 'NoSuchUpload');
    assert.equal(await fails(['s3api', 'get-bucket-website', '--bucket', b]), 'NoSuchWebsiteConfiguration');
    await json(['s3api', 'delete-bucket', '--bucket', b]);
  });
});
