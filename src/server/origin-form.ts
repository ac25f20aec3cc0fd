/**
 * The request target in origin form (`/path?query`). HTTP/1.1 servers "MUST accept the absolute-form"
 * (`GET http://host:port/path HTTP/1.1`, RFC 9112 §3.2.2), which clients send to a proxy: an SDK whose
 * endpoint host does not resolve (S3 Control's `<account>.127.0.0.1`) reaches Strongbox as its proxy.
 * Scheme and authority are dropped here, once, for every protocol. The Host header is kept as sent:
 * the client signed it (SigV4) and sends the same authority in both (RFC 9112 would have the target's
 * authority replace it; only a request whose two differ could tell).
 */
export function originForm(target: string): string {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(target);
  if (!m) return target;
  const rest = target.slice(m[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}
