import { IncomingMessage, type ServerResponse } from 'node:http';
import { sha256Hex } from '../auth/canonical-request.js';
import { UNSIGNED_PAYLOAD } from '../auth/sigv4-constants.js';
import { signRawRequest, type SigningCredentials } from '../cli/sign-request.js';

/**
 * The console's calls to the public APIs. The page sends each one as the AWS request it is (the same
 * operation, query and body an SDK sends) to `/console/api/<service>/<path>`; this signs it with the
 * session's temporary credentials (SigV4, as an SDK would) and hands it to the request pipeline —
 * in process, on the browser's own connection, so the request is authenticated, authorized, audited
 * and answered exactly like one from the CLI, with the browser's address as aws:SourceIp. Nothing
 * here decides what may be done: the policies do.
 *
 * S3 bodies stream through unsigned (UNSIGNED-PAYLOAD, which S3 accepts); the other services sign
 * their body's hash, so their (small) bodies are read first and replayed.
 */
export const PROXIED_SERVICES: ReadonlySet<string> = new Set([
  's3',
  'iam',
  'sts',
  'organizations',
  'kms',
  'cloudtrail',
  'access-analyzer',
  'config',
]);

/** Query, JSON and form bodies: IAM's largest (a policy document) is far below this. */
const MAX_SIGNED_BODY = 1024 * 1024;

/** What the page may send on; everything else (cookies, Origin, Sec-Fetch-*) stays in the browser's request. */
const FORWARDED =
  /^(?:content-(?:type|md5|encoding|disposition|language)|cache-control|expires|range|if-(?:match|none-match|modified-since|unmodified-since)|x-amz-(?!date$|security-token$|content-sha256$)[a-z0-9-]+)$/;

export interface ProxyCall {
  readonly service: string;
  readonly region: string;
  /** The request's path at the API (`/bucket/key`, `/`), as percent-encoded on the wire. */
  readonly rawPath: string;
  readonly rawQuery: string;
  readonly credentials: SigningCredentials;
  readonly now: Date;
  /** Services with a signed body: whether the session may send this one (else CallNotAllowed). */
  readonly allowBody?: (body: Buffer) => boolean;
}

export type Dispatch = (req: IncomingMessage, res: ServerResponse) => void;

export class BodyTooLarge extends Error {}

export async function proxyApiCall(
  dispatch: Dispatch,
  req: IncomingMessage,
  res: ServerResponse,
  call: ProxyCall,
): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && FORWARDED.test(name)) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const sign = (payloadHash: string) =>
    signRawRequest(
      {
        method: req.method ?? 'GET',
        host: req.headers.host ?? '',
        rawPath: call.rawPath,
        rawQuery: call.rawQuery,
        headers,
        payloadHash,
      },
      { credentials: call.credentials, region: call.region, service: call.service, now: call.now },
    );
  const url = call.rawQuery === '' ? call.rawPath : `${call.rawPath}?${call.rawQuery}`;
  const userAgent = consoleUserAgent(req);
  if (call.service === 's3') {
    if (req.headers['content-length'] !== undefined) headers['content-length'] = req.headers['content-length'];
    rewrite(req, url, { ...sign(UNSIGNED_PAYLOAD), 'user-agent': userAgent });
    dispatch(req, res);
    return;
  }
  const body = await readBody(req, MAX_SIGNED_BODY);
  if (call.allowBody !== undefined && !call.allowBody(body)) throw new CallNotAllowed();
  dispatch(signedReplay(req, req.method ?? 'POST', headers, body, call, userAgent), res);
}

/** The session may not make this call (a password that must be changed first). */
export class CallNotAllowed extends Error {}

/**
 * A request of the console's own with `body`, signed, on the browser's connection (so it has the
 * browser's address): the replay of a page's call whose body was read, or a call the console makes.
 */
export function signedReplay(
  on: IncomingMessage,
  method: string,
  headers: Record<string, string>,
  body: Buffer,
  call: ProxyCall,
  userAgent: string,
): IncomingMessage {
  const all = { ...headers, 'content-length': String(body.length) };
  const signed = signRawRequest(
    {
      method,
      host: on.headers.host ?? '',
      rawPath: call.rawPath,
      rawQuery: call.rawQuery,
      headers: all,
      payloadHash: sha256Hex(body),
    },
    { credentials: call.credentials, region: call.region, service: call.service, now: call.now },
  );
  const replay = new IncomingMessage(on.socket);
  replay.method = method;
  replay.httpVersionMajor = on.httpVersionMajor;
  replay.httpVersionMinor = on.httpVersionMinor;
  replay.httpVersion = on.httpVersion;
  rewrite(replay, call.rawQuery === '' ? call.rawPath : `${call.rawPath}?${call.rawQuery}`, {
    ...signed,
    'user-agent': userAgent,
  });
  replay.push(body);
  replay.push(null);
  replay.complete = true;
  return replay;
}

export function consoleUserAgent(req: IncomingMessage): string {
  return `${req.headers['user-agent'] ?? ''} strongbox-console`.trim();
}

function rewrite(req: IncomingMessage, url: string, headers: Record<string, string>): void {
  req.url = url;
  req.headers = headers;
  req.rawHeaders = Object.entries(headers).flat();
}

/** The whole body, refused past `max` bytes. */
export async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > max) throw new BodyTooLarge(`the request body is larger than ${max} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
