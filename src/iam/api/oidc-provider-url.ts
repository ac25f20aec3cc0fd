import { iamError } from '../errors.js';

/**
 * The issuer URL of an IAM OpenID Connect provider. AWS stores and returns it without its scheme
 * (`server.example.com/path`), which is also the resource part of the provider's ARN:
 * `arn:aws:iam::<account>:oidc-provider/server.example.com/path`.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

const invalidUrl = (url: string, why: string) => iamError('InvalidInput', { message: `Invalid Url ${url}: ${why}` });

/**
 * Checks the `Url` of CreateOpenIDConnectProvider and returns it as stored: host (and port) plus
 * path, without scheme or trailing slash. AWS: "The URL must begin with https:// ... Per the OIDC
 * standard, path components are allowed but query parameters are not."
 *
 * Deviation from AWS: `http://` is also accepted for a loopback host (127.0.0.1, localhost, [::1]),
 * whose issuer is then reached over plain HTTP (`oidcIssuerUrl`): tests, and a local issuer, run on
 * loopback without a certificate AWS would trust.
 */
export function normalizeOidcProviderUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidUrl(url, 'not a URL');
  }
  const https = parsed.protocol === 'https:';
  const loopbackHttp = parsed.protocol === 'http:' && isLoopback(parsed.hostname);
  if (!https && !loopbackHttp) throw invalidUrl(url, 'the URL must begin with https://');
  if (parsed.search !== '' || url.includes('?')) throw invalidUrl(url, 'query parameters are not allowed');
  if (parsed.hash !== '' || url.includes('#')) throw invalidUrl(url, 'fragments are not allowed');
  if (parsed.username !== '' || parsed.password !== '') throw invalidUrl(url, 'credentials are not allowed');
  const path = parsed.pathname.replace(/\/+$/, '');
  return `${parsed.host}${path}`;
}

/**
 * The URL to reach a provider's issuer (the `iss` of its tokens, the base of its discovery document):
 * `https://` + the stored URL, or `http://` for a loopback host (see the deviation above).
 */
export function oidcIssuerUrl(storedUrl: string): string {
  const host = storedUrl.split('/')[0];
  const hostname = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return `${isLoopback(hostname) ? 'http' : 'https'}://${storedUrl}`;
}

export function oidcProviderArn(accountId: string, storedUrl: string): string {
  return `arn:aws:iam::${accountId}:oidc-provider/${storedUrl}`;
}

/** `arn:aws:iam::<12 digits>:oidc-provider/<url>` → its parts; undefined when it is not one. */
export function parseOidcProviderArn(arn: string): { accountId: string; url: string } | undefined {
  const m = /^arn:aws:iam::(\d{12}):oidc-provider\/(.+)$/.exec(arn);
  return m ? { accountId: m[1], url: m[2] } : undefined;
}
