/**
 * The WebsiteConfiguration document of PutBucketWebsite and GetBucketWebsite, parsed, validated and
 * rendered as S3 does (botocore s3 model, `WebsiteConfiguration`).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketWebsite.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_WebsiteConfiguration.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_RoutingRule.html
 *
 * The refusals carry the codes and messages S3 answers with. AWS documents few of them; the ones
 * here are those S3 is observed to send (the Redirect and Condition checks, the 50-rule limit).
 * Pure: text in, a BucketWebsiteConfig or a ServiceError out.
 */
import { toXml, type XmlNode } from '../protocol/xml.js';
import type { BucketWebsiteConfig, WebsiteRoutingRule } from '../storage/ports.js';
import { s3Error } from '../s3/errors.js';
import { S3_XMLNS } from '../s3/render.js';
import { childText, children, onlyKnown, parseXml, type XmlElement } from '../s3/xml-parse.js';

/** "You can have up to 50 routing rules" (how-to-page-redirect.html, "Configuring redirects"). */
export const MAX_ROUTING_RULES = 50;

type Protocol = 'http' | 'https';

export function parseWebsiteConfiguration(text: string): BucketWebsiteConfig {
  const root = parseXml(text, 'WebsiteConfiguration', ['RoutingRule']);
  onlyKnown(root, ['ErrorDocument', 'IndexDocument', 'RedirectAllRequestsTo', 'RoutingRules']);
  const redirectAll = root.RedirectAllRequestsTo;
  if (redirectAll !== undefined) {
    // "If you specify this property, you can't specify any other property" (API_WebsiteConfiguration):
    // S3 refuses the document itself.
    if (Object.keys(root).length > 1) throw s3Error('MalformedXML');
    return { redirectAllRequestsTo: parseRedirectAll(only(root, 'RedirectAllRequestsTo')) };
  }
  if (root.IndexDocument === undefined) {
    const message = 'A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty';
    throw s3Error('InvalidArgument', { message });
  }
  const config: { -readonly [K in keyof BucketWebsiteConfig]: BucketWebsiteConfig[K] } = {
    indexDocumentSuffix: parseSuffix(only(root, 'IndexDocument')),
  };
  if (root.ErrorDocument !== undefined) config.errorDocumentKey = parseErrorKey(only(root, 'ErrorDocument'));
  const rules = root.RoutingRules === undefined ? [] : parseRoutingRules(only(root, 'RoutingRules'));
  if (rules.length > 0) config.routingRules = rules;
  return config;
}

/** The one child element `name` of `el` (MalformedXML when repeated). */
function only(el: XmlElement, name: string): XmlElement {
  const list = children(el, name);
  if (list.length !== 1) throw s3Error('MalformedXML');
  return list[0];
}

function required(el: XmlElement, name: string): string {
  const v = childText(el, name);
  if (v === undefined) throw s3Error('MalformedXML');
  return v;
}

function parseRedirectAll(el: XmlElement): NonNullable<BucketWebsiteConfig['redirectAllRequestsTo']> {
  onlyKnown(el, ['HostName', 'Protocol']);
  const hostName = required(el, 'HostName');
  if (hostName === '') {
    throw s3Error('InvalidArgument', { message: 'Valid HostName required in RedirectAllRequestsTo' });
  }
  const protocol = parseProtocol(childText(el, 'Protocol'));
  return protocol === undefined ? { hostName } : { hostName, protocol };
}

/** IndexDocument.Suffix: "cannot be empty and must not include a slash character" (API_IndexDocument). */
function parseSuffix(el: XmlElement): string {
  onlyKnown(el, ['Suffix']);
  const suffix = required(el, 'Suffix');
  if (suffix === '' || suffix.includes('/')) {
    throw s3Error('InvalidArgument', { message: 'The IndexDocument Suffix is not well formed' });
  }
  return suffix;
}

function parseErrorKey(el: XmlElement): string {
  onlyKnown(el, ['Key']);
  const key = required(el, 'Key');
  if (key === '') throw s3Error('InvalidArgument', { message: 'The ErrorDocument Key is not well formed' });
  return key;
}

function parseProtocol(value: string | undefined): Protocol | undefined {
  if (value === undefined) return undefined;
  if (value !== 'http' && value !== 'https') {
    const message =
      'Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically.';
    throw s3Error('InvalidRequest', { message });
  }
  return value;
}

function parseRoutingRules(el: XmlElement): WebsiteRoutingRule[] {
  onlyKnown(el, ['RoutingRule']);
  const rules = children(el, 'RoutingRule');
  if (rules.length > MAX_ROUTING_RULES) {
    const message =
      `${rules.length} routing rules provided, ` +
      `the number of routing rules in a website configuration is limited to ${MAX_ROUTING_RULES}.`;
    throw s3Error('InvalidRequest', { message });
  }
  return rules.map(parseRoutingRule);
}

function parseRoutingRule(el: XmlElement): WebsiteRoutingRule {
  onlyKnown(el, ['Condition', 'Redirect']);
  if (el.Redirect === undefined) throw s3Error('MalformedXML');
  const redirect = parseRedirect(only(el, 'Redirect'));
  if (el.Condition === undefined) return { redirect };
  return { condition: parseCondition(only(el, 'Condition')), redirect };
}

function parseCondition(el: XmlElement): NonNullable<WebsiteRoutingRule['condition']> {
  onlyKnown(el, ['HttpErrorCodeReturnedEquals', 'KeyPrefixEquals']);
  const keyPrefixEquals = childText(el, 'KeyPrefixEquals');
  const code = childText(el, 'HttpErrorCodeReturnedEquals');
  if (keyPrefixEquals === undefined && code === undefined) {
    const message =
      'Condition cannot be empty. ' +
      "To redirect all requests without a condition, the condition element shouldn't be present.";
    throw s3Error('InvalidRequest', { message });
  }
  const out: { keyPrefixEquals?: string; httpErrorCodeReturnedEquals?: string } = {};
  if (keyPrefixEquals !== undefined) out.keyPrefixEquals = keyPrefixEquals;
  if (code !== undefined) {
    const n = httpCode(code);
    if (!(n >= 400 && n <= 599)) {
      const message = `The provided HTTP error code (${code}) is not valid. Valid codes are 4XX or 5XX.`;
      throw s3Error('InvalidRequest', { message });
    }
    out.httpErrorCodeReturnedEquals = String(n);
  }
  return out;
}

function parseRedirect(el: XmlElement): WebsiteRoutingRule['redirect'] {
  onlyKnown(el, ['HostName', 'HttpRedirectCode', 'Protocol', 'ReplaceKeyPrefixWith', 'ReplaceKeyWith']);
  const out: { -readonly [K in keyof WebsiteRoutingRule['redirect']]: WebsiteRoutingRule['redirect'][K] } = {};
  const hostName = childText(el, 'HostName');
  if (hostName !== undefined) out.hostName = hostName;
  const code = childText(el, 'HttpRedirectCode');
  if (code !== undefined) {
    const n = httpCode(code);
    if (!(n > 300 && n <= 399)) {
      const message = `The provided HTTP redirect code (${code}) is not valid. Valid codes are 3XX except 300.`;
      throw s3Error('InvalidRequest', { message });
    }
    out.httpRedirectCode = String(n);
  }
  const protocol = parseProtocol(childText(el, 'Protocol'));
  if (protocol !== undefined) out.protocol = protocol;
  const prefix = childText(el, 'ReplaceKeyPrefixWith');
  const key = childText(el, 'ReplaceKeyWith');
  if (prefix !== undefined && key !== undefined) {
    throw s3Error('InvalidRequest', { message: 'You can only define ReplaceKeyPrefix or ReplaceKey but not both.' });
  }
  if (prefix !== undefined) out.replaceKeyPrefixWith = prefix;
  if (key !== undefined) out.replaceKeyWith = key;
  return out;
}

/** An HTTP status code as text; anything but digits is not one (NaN fails every range check). */
function httpCode(text: string): number {
  return /^\d{1,3}$/.test(text.trim()) ? Number(text.trim()) : NaN;
}

/** GetBucketWebsite's body: the members of GetBucketWebsiteOutput, in the model's order. */
export function websiteConfigurationXml(config: BucketWebsiteConfig): string {
  const body: XmlNode = {
    RedirectAllRequestsTo: config.redirectAllRequestsTo && {
      HostName: config.redirectAllRequestsTo.hostName,
      Protocol: config.redirectAllRequestsTo.protocol,
    },
    IndexDocument: config.indexDocumentSuffix === undefined ? undefined : { Suffix: config.indexDocumentSuffix },
    ErrorDocument: config.errorDocumentKey === undefined ? undefined : { Key: config.errorDocumentKey },
    RoutingRules: config.routingRules && { RoutingRule: config.routingRules.map(routingRuleXml) },
  };
  return toXml('WebsiteConfiguration', body, S3_XMLNS);
}

function routingRuleXml(rule: WebsiteRoutingRule): XmlNode {
  const c = rule.condition;
  const r = rule.redirect;
  return {
    Condition: c && { KeyPrefixEquals: c.keyPrefixEquals, HttpErrorCodeReturnedEquals: c.httpErrorCodeReturnedEquals },
    Redirect: {
      HostName: r.hostName,
      HttpRedirectCode: r.httpRedirectCode,
      Protocol: r.protocol,
      ReplaceKeyPrefixWith: r.replaceKeyPrefixWith,
      ReplaceKeyWith: r.replaceKeyWith,
    },
  };
}
