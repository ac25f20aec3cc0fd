import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listenerHostOf, websiteHostOf } from './website-host.js';

describe('website host names', () => {
  it("AWS's two forms and the region-less one, under the base domain", () => {
    const site = (region?: string) => (region === undefined ? { buckets: ['site'] } : { buckets: ['site'], region });
    assert.deepEqual(websiteHostOf('site.s3-website-us-west-2.web.test', 'web.test'), site('us-west-2'));
    assert.deepEqual(websiteHostOf('site.s3-website.eu-west-1.web.test:8080', 'web.test'), site('eu-west-1'));
    assert.deepEqual(websiteHostOf('www.example.com.s3-website.WEB.test.', 'web.test'), { buckets: ['www.example.com'] });
    assert.deepEqual(websiteHostOf('Site.S3-Website.web.test', 'web.test'), { buckets: ['site'] });
  });

  it('anything else is the API’s', () => {
    assert.equal(websiteHostOf('site.web.test', 'web.test'), undefined, 'virtual-hosted S3');
    assert.equal(websiteHostOf('s3-website.web.test', 'web.test'), undefined, 'no bucket');
    assert.equal(websiteHostOf('site.s3-website-nowhere.web.test', 'web.test'), undefined, 'not a region');
    assert.equal(websiteHostOf('site.s3-website.other.test', 'web.test'), undefined);
    assert.equal(websiteHostOf('site.s3-website.web.test', undefined), undefined, 'no base domain');
    assert.equal(websiteHostOf(undefined, 'web.test'), undefined);
  });

  it('on the website listener: a website host name, else the host itself, then its first label', () => {
    assert.deepEqual(listenerHostOf('site.s3-website.web.test', 'web.test'), { buckets: ['site'] });
    assert.deepEqual(listenerHostOf('www.example.com:8080', 'web.test'), { buckets: ['www.example.com', 'www'] });
    assert.deepEqual(listenerHostOf('site.localhost', undefined), { buckets: ['site.localhost', 'site'] });
    assert.deepEqual(listenerHostOf('site', undefined), { buckets: ['site'] });
    assert.deepEqual(listenerHostOf('[::1]:80', undefined), { buckets: ['[::1]'] });
  });
});
