/**
 * Where a website request is redirected: RedirectAllRequestsTo, routing rules, and the redirect of a
 * folder named without its slash. Pure.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-to-page-redirect.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_RoutingRule.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_Redirect.html
 */
import type { BucketWebsiteConfig, WebsiteRoutingRule } from '../storage/ports.js';

export interface WebsiteRedirect {
  readonly status: number;
  readonly location: string;
}

/** What a redirect keeps of the request it answers. */
export interface RedirectSource {
  /** The object key the request named (before any index document suffix). */
  readonly key: string;
  /** The request's Host header: a redirect without a HostName stays on it. */
  readonly host: string;
  /** The request's protocol: a redirect without a Protocol keeps it. */
  readonly protocol: 'http' | 'https';
}

/**
 * RedirectAllRequestsTo: "Redirects all requests ... to another host name": 301 to the same path and
 * query on that host, with the configured protocol or the request's.
 */
export function redirectAllRequests(
  target: NonNullable<BucketWebsiteConfig['redirectAllRequestsTo']>,
  request: { readonly rawPath: string; readonly rawQuery: string; readonly protocol: 'http' | 'https' },
): WebsiteRedirect {
  const query = request.rawQuery === '' ? '' : `?${request.rawQuery}`;
  const location = `${target.protocol ?? request.protocol}://${target.hostName}${request.rawPath}${query}`;
  return { status: 301, location };
}

/**
 * The first rule that redirects before anything is read: one without an HttpErrorCodeReturnedEquals
 * whose KeyPrefixEquals (if any) the key starts with; a rule without a Condition matches every key.
 */
export function ruleBeforeRead(
  rules: readonly WebsiteRoutingRule[] | undefined,
  key: string,
): WebsiteRoutingRule | undefined {
  return rules?.find((r) => r.condition?.httpErrorCodeReturnedEquals === undefined && prefixMatches(r, key));
}

/**
 * The first rule for an error: its HttpErrorCodeReturnedEquals is the error's status and, "if both
 * are specified, both must be true" (API_Condition.html), its KeyPrefixEquals matches too.
 */
export function ruleOnError(
  rules: readonly WebsiteRoutingRule[] | undefined,
  key: string,
  status: number,
): WebsiteRoutingRule | undefined {
  const code = String(status);
  return rules?.find((r) => r.condition?.httpErrorCodeReturnedEquals === code && prefixMatches(r, key));
}

function prefixMatches(rule: WebsiteRoutingRule, key: string): boolean {
  const prefix = rule.condition?.keyPrefixEquals;
  return prefix === undefined || key.startsWith(prefix);
}

/**
 * A rule's redirect: ReplaceKeyWith replaces the key, ReplaceKeyPrefixWith "the value of
 * KeyPrefixEquals" (the empty prefix when the rule has none: the key is prefixed), else the key
 * stays; HostName and Protocol default to the request's; HttpRedirectCode to 301.
 */
export function ruleRedirect(rule: WebsiteRoutingRule, source: RedirectSource): WebsiteRedirect {
  const r = rule.redirect;
  const prefix = rule.condition?.keyPrefixEquals ?? '';
  let key = source.key;
  if (r.replaceKeyWith !== undefined) key = r.replaceKeyWith;
  else if (r.replaceKeyPrefixWith !== undefined) key = r.replaceKeyPrefixWith + source.key.slice(prefix.length);
  const location = `${r.protocol ?? source.protocol}://${r.hostName ?? source.host}/${urlPath(key)}`;
  return { status: r.httpRedirectCode === undefined ? 301 : Number(r.httpRedirectCode), location };
}

/**
 * "If you request `photos` and it doesn't exist, Amazon S3 looks for `photos/index.html` ... and returns
 * 302 Found pointing to `photos/`" (IndexDocumentSupport.html): a path-absolute Location, as S3 sends.
 */
export function folderRedirect(rawPath: string): WebsiteRedirect {
  return { status: 302, location: `${rawPath}/` };
}

/** A key as a URL path: each segment percent-encoded, the slashes kept. */
export function urlPath(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}
