/**
 * Object page redirects end to end: the aws CLI sets `x-amz-website-redirect-location` on an object
 * (`s3api put-object --website-redirect-location`, `s3 cp --website-redirect`), a browser POST form
 * sets it as a field, `head-object` shows it, a bad value is refused with S3's code, and the website
 * listener answers a browser's GET for the object with 301 and the stored Location.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-to-page-redirect.html
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { awsCli, s3Client, startServer, uniqueName, type TestServer } from './harness.js';

interface Page {
  readonly status: number;
  readonly location: string | undefined;
}

/** A browser's GET on the website listener: no signature, the bucket named by the Host. */
function browse(endpoint: string, host: string, path: string): Promise<Page> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('object website redirects with the aws CLI', () => {
  let server: TestServer;
  let website: string;
  const bucket = uniqueName('redirect');
  const cli = async (args: string[]) => {
    const r = await awsCli(server, args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const headRedirect = async (key: string) => {
    const head = await cli(['s3api', 'head-object', '--bucket', bucket, '--key', key]);
    return (JSON.parse(head) as Record<string, unknown>).WebsiteRedirectLocation;
  };

  before(async () => {
    server = await startServer({ extraArgs: ['--website-address', '127.0.0.1:0'] });
    const m = /"websiteEndpoint":"([^"]+)"/.exec(server.logs());
    assert.ok(m, server.logs());
    website = m[1];
    await cli(['s3api', 'create-bucket', '--bucket', bucket]);
    await cli(['s3api', 'delete-public-access-block', '--bucket', bucket]);
    const read = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` };
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [read] });
    await cli(['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', policy]);
    await cli(['s3', 'website', `s3://${bucket}/`, '--index-document', 'index.html']);
  });
  after(async () => {
    await server?.stop();
  });

  test('put-object --website-redirect-location: head-object shows it, the website answers 301 to it', async () => {
    const put = ['s3api', 'put-object', '--bucket', bucket, '--key', 'old.html'];
    await cli([...put, '--website-redirect-location', '/other.html']);
    assert.equal(await headRedirect('old.html'), '/other.html');
    const page = await browse(website, bucket, '/old.html');
    assert.deepEqual([page.status, page.location], [301, '/other.html']);
    // An object without one is served as itself.
    await cli(['s3api', 'put-object', '--bucket', bucket, '--key', 'other.html']);
    assert.equal(await headRedirect('other.html'), undefined);
    assert.equal((await browse(website, bucket, '/other.html')).status, 200);
  });

  test('s3 cp --website-redirect to another site', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strongbox-redirect-'));
    const local = join(dir, 'moved.html');
    writeFileSync(local, '<p>moved</p>');
    try {
      await cli(['s3', 'cp', local, `s3://${bucket}/moved.html`, '--website-redirect', 'https://example.com/new']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(await headRedirect('moved.html'), 'https://example.com/new');
    const page = await browse(website, bucket, '/moved.html');
    assert.deepEqual([page.status, page.location], [301, 'https://example.com/new']);
  });

  test('a browser POST form (SDK presigned post) sets it with its x-amz-website-redirect-location field', async () => {
    const s3 = s3Client(server);
    try {
      const Fields = { 'x-amz-website-redirect-location': '/index.html' };
      const Conditions = [{ 'x-amz-website-redirect-location': '/index.html' }];
      const presigned = await createPresignedPost(s3, { Bucket: bucket, Key: 'posted.html', Fields, Conditions, Expires: 600 });
      const form = new FormData();
      for (const [k, v] of Object.entries(presigned.fields)) form.append(k, v);
      form.append('file', new Blob(['<p>posted</p>']), 'posted.html');
      const res = await fetch(`${server.endpoint}/${bucket}`, { method: 'POST', body: form });
      assert.equal(res.status, 204, await res.text());
    } finally {
      s3.destroy();
    }
    assert.equal(await headRedirect('posted.html'), '/index.html');
    const page = await browse(website, bucket, '/posted.html');
    assert.deepEqual([page.status, page.location], [301, '/index.html']);
  });

  test('a value without /, http:// or https:// is refused with InvalidRedirectLocation', async () => {
    const put = ['s3api', 'put-object', '--bucket', bucket, '--key', 'bad.html'];
    const r = await awsCli(server, [...put, '--website-redirect-location', 'x.html']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /\(InvalidRedirectLocation\)/);
  });
});
