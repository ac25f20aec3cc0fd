/**
 * Static website hosting end to end, with real clients: the aws CLI configures a website bucket
 * (`aws s3 website`, `s3api put-bucket-website`), a public-read bucket policy and Block Public Access;
 * node:http and curl read the site anonymously, over plain HTTP, on the website listener
 * (`--website-address`) and by a website host name on the API listener (`--base-domain`): index and
 * error documents, a routing rule's redirect, and the refusal once Block Public Access is back on.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsCli, python, run, startServer, uniqueName, type TestServer } from './harness.js';

interface Page {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A GET as a browser sends it: no signature, the Host naming the site. */
function browse(endpoint: string, host: string, path: string): Promise<Page> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers: { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static website hosting with real clients', () => {
  let server: TestServer;
  let website: string;
  let work: string;
  const bucket = uniqueName('site');
  const cli = async (args: string[]) => {
    const r = await awsCli(server, args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const file = (name: string, text: string) => {
    const path = join(work, name);
    writeFileSync(path, text);
    return path;
  };

  before(async () => {
    server = await startServer({ extraArgs: ['--base-domain', 'web.test', '--website-address', '127.0.0.1:0'] });
    const m = /"websiteEndpoint":"([^"]+)"/.exec(server.logs());
    assert.ok(m, server.logs());
    website = m[1];
    work = join(server.dataDir, '..');
    await cli(['s3api', 'create-bucket', '--bucket', bucket]);
    await cli(['s3api', 'delete-public-access-block', '--bucket', bucket]);
    const resource = `arn:aws:s3:::${bucket}/*`;
    const read = { Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: resource };
    const publicRead = { Version: '2012-10-17', Statement: [read] };
    await cli(['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', JSON.stringify(publicRead)]);
    const pages = [
      ['index.html', '<h1>home</h1>'],
      ['error.html', '<h1>oops</h1>'],
      ['docs/index.html', '<h1>guide</h1>'],
    ];
    for (const [key, html] of pages) {
      const local = file(key.replace('/', '-'), html);
      await cli(['s3', 'cp', local, `s3://${bucket}/${key}`, '--content-type', 'text/html']);
    }
    await cli(['s3', 'website', `s3://${bucket}/`, '--index-document', 'index.html', '--error-document', 'error.html']);
  });
  after(async () => {
    await server?.stop();
  });

  test('the CLI reads the configuration back', async () => {
    const got = JSON.parse(await cli(['s3api', 'get-bucket-website', '--bucket', bucket])) as Record<string, unknown>;
    assert.deepEqual(got.IndexDocument, { Suffix: 'index.html' });
    assert.deepEqual(got.ErrorDocument, { Key: 'error.html' });
  });

  test('index and error documents, anonymously, on the website listener and by website host name', async () => {
    const sites = [
      [website, `${bucket}.example.com`],
      [server.endpoint, `${bucket}.s3-website.web.test`],
    ];
    for (const [endpoint, host] of sites) {
      const home = await browse(endpoint, host, '/');
      const homeAnswer = [home.status, home.headers['content-type'], home.body];
      assert.deepEqual(homeAnswer, [200, 'text/html', '<h1>home</h1>'], host);
      assert.equal((await browse(endpoint, host, '/docs/')).body, '<h1>guide</h1>');
      const folder = await browse(endpoint, host, '/docs');
      assert.deepEqual([folder.status, folder.headers.location], [302, '/docs/']);
      // Anonymous callers may not list the bucket: a missing page is 403, answered by the error document.
      const missing = await browse(endpoint, host, '/missing.html');
      const answer = [missing.status, missing.headers['x-amz-error-code'], missing.body];
      assert.deepEqual(answer, [403, 'AccessDenied', '<h1>oops</h1>'], host);
    }
    // curl, as a user would try it.
    const host = `Host: ${bucket}.s3-website.web.test`;
    const curl = await run('curl', ['-s', '-H', host, `${server.endpoint}/index.html`]);
    assert.equal(curl.stdout, '<h1>home</h1>');
    // The API on the same listener is still the API: an unsigned ListObjects is refused in XML.
    const api = await browse(server.endpoint, `${bucket}.web.test`, '/');
    assert.deepEqual([api.status, api.headers['content-type']], [403, 'application/xml']);
  });

  test('a routing rule redirects, and bad configurations are refused with S3’s codes', async () => {
    const config = {
      IndexDocument: { Suffix: 'index.html' },
      ErrorDocument: { Key: 'error.html' },
      RoutingRules: [
        {
          Condition: { KeyPrefixEquals: 'old/' },
          Redirect: { ReplaceKeyPrefixWith: 'docs/', HttpRedirectCode: '301' },
        },
      ],
    };
    const json = `file://${file('website.json', JSON.stringify(config))}`;
    await cli(['s3api', 'put-bucket-website', '--bucket', bucket, '--website-configuration', json]);
    const moved = await browse(website, bucket, '/old/page.html');
    assert.deepEqual([moved.status, moved.headers.location], [301, `http://${bucket}/docs/page.html`]);
    const refused = await python(server, `
import boto3, os, botocore
s3 = boto3.client('s3', endpoint_url=os.environ['STRONGBOX_ENDPOINT'])
for config in ({'IndexDocument': {'Suffix': 'a/index.html'}}, {'ErrorDocument': {'Key': 'e.html'}}):
    try:
        s3.put_bucket_website(Bucket='${bucket}', WebsiteConfiguration=config)
        print('accepted')
    except botocore.exceptions.ClientError as e:
        print(e.response['Error']['Code'])
`);
    assert.deepEqual(refused.stdout.trim().split('\n'), ['InvalidArgument', 'InvalidArgument'], refused.stderr);
  });

  test('refused (403) with Block Public Access on, although the public policy is still there', async () => {
    const all = 'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true';
    await cli(['s3api', 'put-public-access-block', '--bucket', bucket, '--public-access-block-configuration', all]);
    const page = await browse(website, bucket, '/');
    assert.deepEqual([page.status, page.headers['x-amz-error-code']], [403, 'AccessDenied']);
    await cli(['s3api', 'delete-public-access-block', '--bucket', bucket]);
    assert.equal((await browse(website, bucket, '/')).status, 200);
    await cli(['s3api', 'delete-bucket-website', '--bucket', bucket]);
    const gone = await browse(website, bucket, '/');
    assert.deepEqual([gone.status, gone.headers['x-amz-error-code']], [404, 'NoSuchWebsiteConfiguration']);
    assert.match(gone.body, /<li>Code: NoSuchWebsiteConfiguration<\/li>/);
  });
});
