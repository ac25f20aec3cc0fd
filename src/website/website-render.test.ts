import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { s3Error } from '../s3/errors.js';
import { WebsiteError, errorPage, websiteErrorResponse } from './website-render.js';

describe('website error pages', () => {
  it("S3's HTML page, with the error document's own failure when there is one", () => {
    const e = s3Error('NoSuchKey', { fields: { Key: 'a<b>' } });
    const page = errorPage(e, { requestId: 'ABCDEF0123456789', documentError: s3Error('AccessDenied') });
    const lines = (...l: string[]) => l.join('\n');
    const head = lines('<html>', '<head><title>404 Not Found</title></head>', '<body>', '<h1>404 Not Found</h1>', '<ul>', '');
    assert.ok(page.startsWith(head), page);
    const error = lines(
      '<li>Code: NoSuchKey</li>',
      '<li>Message: The specified key does not exist.</li>',
      '<li>Key: a&lt;b&gt;</li>',
      '<li>RequestId: ABCDEF0123456789</li>',
    );
    assert.ok(page.includes(error), page);
    const document = lines(
      '<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>',
      '<ul>',
      '<li>Code: AccessDenied</li>',
      '<li>Message: Access Denied</li>',
      '</ul>',
      '<hr/>',
    );
    assert.ok(page.includes(document), page);
    assert.ok(!errorPage(e, { requestId: 'R' }).includes('<h3>'));
  });

  it('as a response: text/html with the error headers; an error document answers as it was read', () => {
    const e = s3Error('NoSuchWebsiteConfiguration', { fields: { BucketName: 'site' } });
    const r = websiteErrorResponse(e, 'ABCDEF0123456789');
    assert.equal(r.status, 404);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(r.headers['x-amz-error-code'], 'NoSuchWebsiteConfiguration');
    assert.equal(r.headers['x-amz-error-detail-BucketName'], 'site');
    assert.deepEqual(r.leadingHeaders?.slice(0, 2), ['x-amz-request-id', 'ABCDEF0123456789']);
    const page = { status: 404, headers: { 'content-type': 'text/html' }, body: 'not here' };
    assert.equal(websiteErrorResponse(new WebsiteError(s3Error('NoSuchKey'), { page }), 'R'), page);
    assert.equal(websiteErrorResponse(new Error('boom'), 'R').status, 500);
  });
});
