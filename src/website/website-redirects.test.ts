import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WebsiteRoutingRule } from '../storage/ports.js';
import { folderRedirect, redirectAllRequests, ruleBeforeRead, ruleOnError, ruleRedirect } from './website-redirects.js';

const source = { key: 'docs/a b.html', host: 'site.s3-website.web.test:9000', protocol: 'http' as const };

describe('website redirects', () => {
  it('RedirectAllRequestsTo keeps path and query, with its protocol or the request’s', () => {
    const request = { rawPath: '/a/b%20c', rawQuery: 'x=1', protocol: 'http' as const };
    const https = redirectAllRequests({ hostName: 'example.org', protocol: 'https' }, request);
    assert.deepEqual(https, { status: 301, location: 'https://example.org/a/b%20c?x=1' });
    const same = redirectAllRequests({ hostName: 'example.org' }, { ...request, rawQuery: '' });
    assert.equal(same.location, 'http://example.org/a/b%20c');
  });

  it('rules before reading: by key prefix, or without a condition; error rules only on their status', () => {
    const rules: WebsiteRoutingRule[] = [
      {
        condition: { httpErrorCodeReturnedEquals: '404', keyPrefixEquals: 'docs/' },
        redirect: { hostName: 'lost.example' },
      },
      { condition: { keyPrefixEquals: 'docs/' }, redirect: { replaceKeyPrefixWith: 'documents/' } },
      {
        condition: { httpErrorCodeReturnedEquals: '403' },
        redirect: { replaceKeyWith: 'denied.html', httpRedirectCode: '307' },
      },
    ];
    assert.equal(ruleBeforeRead(rules, 'docs/x'), rules[1]);
    assert.equal(ruleBeforeRead(rules, 'img/x'), undefined);
    assert.equal(ruleBeforeRead([{ redirect: { hostName: 'a' } }], 'anything')?.redirect.hostName, 'a');
    assert.equal(ruleOnError(rules, 'docs/x', 404), rules[0]);
    assert.equal(ruleOnError(rules, 'img/x', 404), undefined, 'both conditions must hold');
    assert.equal(ruleOnError(rules, 'img/x', 403), rules[2]);
    assert.equal(ruleOnError(undefined, 'img/x', 403), undefined);
  });

  it('the Location of a rule: key replaced whole or by prefix, host and protocol defaulting to the request’s', () => {
    const here = 'http://site.s3-website.web.test:9000';
    const prefix: WebsiteRoutingRule = {
      condition: { keyPrefixEquals: 'docs/' },
      redirect: { replaceKeyPrefixWith: 'documents/' },
    };
    assert.deepEqual(ruleRedirect(prefix, source), { status: 301, location: `${here}/documents/a%20b.html` });
    const noPrefix: WebsiteRoutingRule = {
      redirect: { replaceKeyPrefixWith: 'lost/', hostName: 'example.com', protocol: 'https', httpRedirectCode: '307' },
    };
    assert.deepEqual(ruleRedirect(noPrefix, source), { status: 307, location: 'https://example.com/lost/docs/a%20b.html' });
    assert.equal(ruleRedirect({ redirect: { replaceKeyWith: 'x.html' } }, source).location, `${here}/x.html`);
    assert.equal(ruleRedirect({ redirect: {} }, source).location, `${here}/docs/a%20b.html`);
  });

  it('a folder named without its slash: 302 to it, path-absolute', () => {
    assert.deepEqual(folderRedirect('/about'), { status: 302, location: '/about/' });
  });
});
