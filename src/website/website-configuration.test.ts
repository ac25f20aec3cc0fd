import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isServiceError } from '../errors/service-error.js';
import { parseWebsiteConfiguration, websiteConfigurationXml } from './website-configuration.js';

const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const doc = (inner: string) => `<WebsiteConfiguration ${NS}>${inner}</WebsiteConfiguration>`;
const INDEX = '<IndexDocument><Suffix>index.html</Suffix></IndexDocument>';
const rule = (inner: string) => `<RoutingRules><RoutingRule>${inner}</RoutingRule></RoutingRules>`;

function refusal(text: string): { code: string; message: string } {
  try {
    parseWebsiteConfiguration(text);
  } catch (e) {
    assert.ok(isServiceError(e), String(e));
    return { code: e.code, message: e.message };
  }
  assert.fail('accepted');
}

describe('WebsiteConfiguration', () => {
  it('parses index and error documents and routing rules, and renders them back in the model order', () => {
    const text = doc(
      `${INDEX}<ErrorDocument><Key>error.html</Key></ErrorDocument>` +
        '<RoutingRules><RoutingRule><Condition><KeyPrefixEquals>docs/</KeyPrefixEquals></Condition>' +
        '<Redirect><ReplaceKeyPrefixWith>documents/</ReplaceKeyPrefixWith></Redirect></RoutingRule>' +
        '<RoutingRule><Condition><HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals></Condition>' +
        '<Redirect><HostName>example.com</HostName><Protocol>https</Protocol><HttpRedirectCode>302</HttpRedirectCode>' +
        '<ReplaceKeyWith>missing.html</ReplaceKeyWith></Redirect></RoutingRule></RoutingRules>',
    );
    const config = parseWebsiteConfiguration(text);
    assert.deepEqual(config, {
      indexDocumentSuffix: 'index.html',
      errorDocumentKey: 'error.html',
      routingRules: [
        { condition: { keyPrefixEquals: 'docs/' }, redirect: { replaceKeyPrefixWith: 'documents/' } },
        {
          condition: { httpErrorCodeReturnedEquals: '404' },
          redirect: {
            hostName: 'example.com',
            protocol: 'https',
            httpRedirectCode: '302',
            replaceKeyWith: 'missing.html',
          },
        },
      ],
    });
    const xml = websiteConfigurationXml(config);
    assert.ok(xml.startsWith(`<?xml version="1.0" encoding="UTF-8"?>\n<WebsiteConfiguration ${NS}>`), xml);
    const documents = '<IndexDocument><Suffix>index.html</Suffix></IndexDocument><ErrorDocument><Key>error.html</Key>';
    assert.ok(xml.includes(documents), xml);
    const redirect = '<Redirect><HostName>example.com</HostName><HttpRedirectCode>302</HttpRedirectCode><Protocol>https';
    assert.ok(xml.includes(redirect), xml);
    assert.deepEqual(parseWebsiteConfiguration(xml), config, 'what Get answers, Put accepts unchanged');
  });

  it('RedirectAllRequestsTo alone; with any other member the document is MalformedXML', () => {
    const redirectAll = (inner: string) => `<RedirectAllRequestsTo>${inner}</RedirectAllRequestsTo>`;
    const all = redirectAll('<HostName>example.com</HostName><Protocol>https</Protocol>');
    const expected = { redirectAllRequestsTo: { hostName: 'example.com', protocol: 'https' } };
    assert.deepEqual(parseWebsiteConfiguration(doc(all)), expected);
    assert.equal(refusal(doc(all + INDEX)).code, 'MalformedXML');
    assert.equal(refusal(doc(redirectAll('<Protocol>http</Protocol>'))).code, 'MalformedXML');
  });

  it("refuses what S3 refuses, with S3's codes and messages", () => {
    assert.deepEqual(refusal(doc('')), {
      code: 'InvalidArgument',
      message: 'A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty',
    });
    assert.deepEqual(refusal(doc('<IndexDocument><Suffix>a/index.html</Suffix></IndexDocument>')), {
      code: 'InvalidArgument',
      message: 'The IndexDocument Suffix is not well formed',
    });
    assert.equal(refusal(doc('<IndexDocument><Suffix></Suffix></IndexDocument>')).code, 'InvalidArgument');
    assert.equal(refusal(doc('<IndexDocument></IndexDocument>')).code, 'MalformedXML');
    assert.equal(refusal(doc(`${INDEX}<Unknown/>`)).code, 'MalformedXML');
    assert.equal(refusal('<WebsiteConfiguration><IndexDocument>').code, 'MalformedXML');
    assert.deepEqual(refusal(doc(INDEX + rule('<Redirect><HttpRedirectCode>300</HttpRedirectCode></Redirect>'))), {
      code: 'InvalidRequest',
      message: 'The provided HTTP redirect code (300) is not valid. Valid codes are 3XX except 300.',
    });
    const both = '<Redirect><ReplaceKeyWith>a</ReplaceKeyWith><ReplaceKeyPrefixWith>b/</ReplaceKeyPrefixWith></Redirect>';
    assert.deepEqual(refusal(doc(INDEX + rule(both))), {
      code: 'InvalidRequest',
      message: 'You can only define ReplaceKeyPrefix or ReplaceKey but not both.',
    });
    const toA = '<Redirect><HostName>a</HostName></Redirect>';
    const on302 = `<Condition><HttpErrorCodeReturnedEquals>302</HttpErrorCodeReturnedEquals></Condition>${toA}`;
    assert.deepEqual(refusal(doc(INDEX + rule(on302))), {
      code: 'InvalidRequest',
      message: 'The provided HTTP error code (302) is not valid. Valid codes are 4XX or 5XX.',
    });
    assert.equal(refusal(doc(INDEX + rule(`<Condition></Condition>${toA}`))).code, 'InvalidRequest');
    assert.equal(refusal(doc(INDEX + rule('<Redirect><Protocol>ftp</Protocol></Redirect>'))).code, 'InvalidRequest');
    const noRedirect = '<Condition><KeyPrefixEquals>a</KeyPrefixEquals></Condition>';
    assert.equal(refusal(doc(INDEX + rule(noRedirect))).code, 'MalformedXML');
  });

  it('at most 50 routing rules', () => {
    const one = '<RoutingRule><Redirect><HostName>example.com</HostName></Redirect></RoutingRule>';
    const rules = (n: number) => `<RoutingRules>${one.repeat(n)}</RoutingRules>`;
    assert.equal(parseWebsiteConfiguration(doc(INDEX + rules(50))).routingRules?.length, 50);
    assert.deepEqual(refusal(doc(INDEX + rules(51))), {
      code: 'InvalidRequest',
      message: '51 routing rules provided, the number of routing rules in a website configuration is limited to 50.',
    });
  });
});
