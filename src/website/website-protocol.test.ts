/**
 * The website endpoint over the real S3 protocol, storage and policy authorizer: what anybody may read
 * is served, with index and error documents, redirects and S3's HTML errors; what nobody outside the
 * account may read stays private.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketWebsiteCommand,
  DeleteObjectCommand,
  DeletePublicAccessBlockCommand,
  GetBucketWebsiteCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutBucketWebsiteCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3ServiceException,
  type WebsiteConfiguration,
} from '@aws-sdk/client-s3';
import { startWebsiteTestServer, type WebsiteTestServer } from './testing/website-test-server.js';

let t: WebsiteTestServer;
after(async () => t.close());

const SITE = 'site';
const HOST = `${SITE}.s3-website.web.test`;
const get = (path: string, headers: Record<string, string> = {}, host = HOST) => t.visit({ host, path, headers });

async function putWebsite(bucket: string, config: WebsiteConfiguration): Promise<void> {
  await t.s3.send(new PutBucketWebsiteCommand({ Bucket: bucket, WebsiteConfiguration: config }));
}

const getWebsite = (bucket: string) => t.s3.send(new GetBucketWebsiteCommand({ Bucket: bucket }));

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    assert.ok(e instanceof S3ServiceException, String(e));
    return e.name;
  }
}

/**
 * Bucket `site`: anybody may read its objects but those under `private/`, and list it (so a missing
 * key is 404, not 403); an index and an error document.
 */
before(async () => {
  t = await startWebsiteTestServer();
  await t.s3.send(new CreateBucketCommand({ Bucket: SITE }));
  await t.s3.send(new DeletePublicAccessBlockCommand({ Bucket: SITE }));
  const statement = (effect: string, action: string, resource: string) => {
    return { Effect: effect, Principal: '*', Action: action, Resource: resource };
  };
  const policy = {
    Version: '2012-10-17',
    Statement: [
      statement('Allow', 's3:ListBucket', `arn:aws:s3:::${SITE}`),
      statement('Allow', 's3:GetObject', `arn:aws:s3:::${SITE}/*`),
      statement('Deny', 's3:GetObject', `arn:aws:s3:::${SITE}/private/*`),
    ],
  };
  await t.s3.send(new PutBucketPolicyCommand({ Bucket: SITE, Policy: JSON.stringify(policy) }));
  const pages = [
    ['index.html', 'home'],
    ['about/index.html', 'about'],
    ['404.html', 'not here'],
    ['private/index.html', 'secret'],
  ];
  for (const [key, body] of pages) {
    await t.s3.send(new PutObjectCommand({ Bucket: SITE, Key: key, Body: body, ContentType: 'text/html' }));
  }
  await putWebsite(SITE, { IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: '404.html' } });
});

describe('the website endpoint', () => {
  it('serves index documents for the root and folders, and objects by key', async () => {
    const home = await get('/');
    assert.deepEqual([home.status, home.headers['content-type'], home.body], [200, 'text/html', 'home']);
    assert.equal((await get('/about/')).body, 'about');
    assert.equal((await get('/index.html')).body, 'home');
    const head = await t.visit({ host: HOST, path: '/', method: 'HEAD' });
    assert.deepEqual([head.status, head.body, head.headers['content-length']], [200, '', '4']);
  });

  it('redirects a folder named without its slash, when its index may be read', async () => {
    const about = await get('/about');
    assert.deepEqual([about.status, about.headers.location, about.body], [302, '/about/', '']);
    const hidden = await get('/private');
    assert.equal(hidden.status, 404, 'no redirect to a folder whose index nobody may read');
  });

  it('answers errors with the error document, with their status', async () => {
    const missing = await get('/missing');
    assert.deepEqual([missing.status, missing.headers['x-amz-error-code']], [404, 'NoSuchKey']);
    assert.equal(missing.body, 'not here');
    const denied = await get('/private/');
    assert.deepEqual([denied.status, denied.headers['x-amz-error-code']], [403, 'AccessDenied']);
    assert.equal(denied.body, 'not here');
  });

  it('reads as S3 reads: ranges and conditional requests', async () => {
    const range = await get('/', { range: 'bytes=1-2' });
    assert.deepEqual([range.status, range.body], [206, 'om']);
    const etag = (await get('/')).headers.etag as string;
    const unchanged = await get('/', { 'if-none-match': etag });
    assert.equal(unchanged.status, 304);
    assert.equal(unchanged.headers['x-amz-error-code'], undefined);
  });

  it('takes GET and HEAD only: others are 405 MethodNotAllowed, as an HTML page', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const r = await t.visit({ host: HOST, path: '/index.html', method });
      assert.equal(r.status, 405, method);
      assert.equal(r.headers['x-amz-error-code'], 'MethodNotAllowed');
      assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
      assert.ok(r.body.includes('<li>Code: MethodNotAllowed</li>'), r.body);
    }
    assert.equal((await get('/index.html', {}, 'site.web.test')).body, 'home', 'the API still serves the bucket');
  });

  it('is anonymous: a signature is not even read', async () => {
    const credential = 'Credential=AKIANOSUCHKEY/20200101/us-east-1/iam/aws4_request';
    const r = await get('/', { authorization: `AWS4-HMAC-SHA256 ${credential}, SignedHeaders=host, Signature=00` });
    assert.deepEqual([r.status, r.body], [200, 'home']);
  });

  it("says so when a bucket is missing, is no website, or is another region's", async () => {
    const none = await get('/', {}, 'nothing.s3-website.web.test');
    assert.deepEqual([none.status, none.headers['x-amz-error-code']], [404, 'NoSuchBucket']);
    assert.ok(none.body.includes('<li>BucketName: nothing</li>'), none.body);
    await t.s3.send(new CreateBucketCommand({ Bucket: 'plain' }));
    const plain = await get('/', {}, 'plain.s3-website.web.test');
    assert.deepEqual([plain.status, plain.headers['x-amz-error-code']], [404, 'NoSuchWebsiteConfiguration']);
    const elsewhere = await get('/', {}, 'site.s3-website-eu-west-1.web.test');
    assert.deepEqual([elsewhere.status, elsewhere.headers['x-amz-error-code']], [400, 'IncorrectEndpoint']);
    assert.equal((await get('/', {}, 'site.s3-website.us-east-1.web.test')).status, 200);
  });

  it("without a readable error document, S3's page says why it could not be served", async () => {
    await putWebsite(SITE, { IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: 'private/index.html' } });
    try {
      const r = await get('/missing');
      assert.deepEqual([r.status, r.headers['content-type']], [404, 'text/html; charset=utf-8']);
      assert.ok(r.body.startsWith('<html>\n<head><title>404 Not Found</title></head>'), r.body);
      const error = '<li>Code: NoSuchKey</li>\n<li>Message: The specified key does not exist.</li>\n<li>Key: missing</li>';
      assert.ok(r.body.includes(error), r.body);
      assert.ok(r.body.includes('Custom Error Document</h3>\n<ul>\n<li>Code: AccessDenied</li>'), r.body);
    } finally {
      await putWebsite(SITE, { IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: '404.html' } });
    }
  });

  it('redirects by routing rules, before reading by prefix and after by error', async () => {
    await putWebsite(SITE, {
      IndexDocument: { Suffix: 'index.html' },
      RoutingRules: [
        { Condition: { KeyPrefixEquals: 'docs/' }, Redirect: { ReplaceKeyPrefixWith: 'documents/' } },
        {
          Condition: { HttpErrorCodeReturnedEquals: '404' },
          Redirect: { HostName: 'example.com', Protocol: 'https', HttpRedirectCode: '307', ReplaceKeyPrefixWith: 'lost/' },
        },
      ],
    });
    try {
      assert.equal((await get('/docs/a%20b.html')).headers.location, `http://${HOST}/documents/a%20b.html`);
      const gone = await get('/gone');
      assert.deepEqual([gone.status, gone.headers.location], [307, 'https://example.com/lost/gone']);
      assert.equal((await get('/')).body, 'home', 'found: no redirect');
      await putWebsite(SITE, { RedirectAllRequestsTo: { HostName: 'example.org', Protocol: 'https' } });
      const all = await get('/a/b?c=d');
      assert.deepEqual([all.status, all.headers.location], [301, 'https://example.org/a/b?c=d']);
    } finally {
      await putWebsite(SITE, { IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: '404.html' } });
    }
  });

  it('redirects an object with x-amz-website-redirect-location (301), when it may be read', async () => {
    await t.s3.send(new PutObjectCommand({ Bucket: SITE, Key: 'old.html', Body: 'old' }));
    t.redirects.set(`${SITE}/old.html`, '/about/');
    t.redirects.set(`${SITE}/private/old.html`, '/about/');
    await t.s3.send(new PutObjectCommand({ Bucket: SITE, Key: 'private/old.html', Body: 'old' }));
    const r = await get('/old.html');
    assert.deepEqual([r.status, r.headers.location, r.body], [301, '/about/', '']);
    assert.equal((await get('/private/old.html')).status, 403);
  });

  it('is refused with Block Public Access on: the public policy no longer opens the bucket', async () => {
    const restrict = { RestrictPublicBuckets: true };
    await t.s3.send(new PutPublicAccessBlockCommand({ Bucket: SITE, PublicAccessBlockConfiguration: restrict }));
    try {
      const r = await get('/');
      assert.deepEqual([r.status, r.headers['x-amz-error-code']], [403, 'AccessDenied']);
    } finally {
      await t.s3.send(new DeletePublicAccessBlockCommand({ Bucket: SITE }));
    }
    assert.equal((await get('/')).status, 200);
  });
});

describe('PutBucketWebsite, GetBucketWebsite, DeleteBucketWebsite', () => {
  it('answers the configuration as it was given, deletes it, and refuses bad documents', async () => {
    await t.s3.send(new CreateBucketCommand({ Bucket: 'config' }));
    assert.equal(await code(getWebsite('config')), 'NoSuchWebsiteConfiguration');
    const rules = [{ Condition: { KeyPrefixEquals: 'docs/' }, Redirect: { ReplaceKeyPrefixWith: 'documents/' } }];
    const config = { IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: 'e.html' }, RoutingRules: rules };
    await putWebsite('config', config);
    const got = await getWebsite('config');
    const { IndexDocument, ErrorDocument, RoutingRules } = got;
    assert.deepEqual({ IndexDocument, ErrorDocument, RoutingRules }, config);
    assert.equal(await code(putWebsite('config', { IndexDocument: { Suffix: 'a/b' } })), 'InvalidArgument');
    assert.equal(await code(putWebsite('config', {})), 'InvalidArgument');
    for (let i = 0; i < 2; i++) await t.s3.send(new DeleteBucketWebsiteCommand({ Bucket: 'config' }));
    assert.equal(await code(getWebsite('config')), 'NoSuchWebsiteConfiguration');
    assert.equal(await code(getWebsite('no-such-config')), 'NoSuchBucket');
  });

  it('the error document gone, the page: the S3 API itself unchanged', async () => {
    await t.s3.send(new DeleteObjectCommand({ Bucket: SITE, Key: '404.html' }));
    const r = await get('/missing');
    assert.ok(r.body.includes('Custom Error Document</h3>\n<ul>\n<li>Code: NoSuchKey</li>'), r.body);
    const listed = await t.s3.send(new ListObjectsV2Command({ Bucket: SITE }));
    assert.ok((listed.KeyCount ?? 0) >= 3);
  });
});
