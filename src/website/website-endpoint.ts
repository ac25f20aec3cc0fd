/**
 * The website endpoint's request path: its own pipeline (the same authorizer, observers and log as
 * the API's, anonymous authentication, the website protocol), reached two ways:
 * - on the API listener, by requests whose Host is a website host name under `--base-domain`
 *   (`<bucket>.s3-website[-.]<region>.<domain>`, `<bucket>.s3-website.<domain>`: website-host.ts);
 * - on the website listener (`--website-address`), by every request.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html
 * Deviation from AWS: a website host name on the TLS listener is served over HTTPS (AWS's website
 * endpoints are HTTP only). Website reads are recorded as S3's GetObject/HeadObject: access logs say
 * REST.GET.OBJECT where AWS writes WEBSITE.GET.OBJECT, and trails that select S3 data events see them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { UNSIGNED_FACTS, type AuthenticationResult } from '../auth/types.js';
import { ANONYMOUS } from '../identity/caller.js';
import { RequestPipeline, type PipelineDeps } from '../server/pipeline.js';
import { listenerHostOf, websiteHostOf } from './website-host.js';
import { createWebsiteProtocol, type WebsiteProtocolOptions } from './website-protocol.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface WebsiteEndpointOptions {
  /** The API's pipeline: the website's shares its authorizer, observers, log and S3 protocol. */
  readonly api: PipelineDeps;
  readonly storage: Pick<WebsiteProtocolOptions, 'buckets' | 'objects'>;
  readonly baseDomain: string | undefined;
}

export interface WebsiteEndpoint {
  /** The website's pipeline: the website listener's handler and HTTP-layer refusals. */
  readonly pipeline: RequestPipeline;
  /** The API listener's handler, with requests for website host names given to the website. */
  dispatch(api: Handler): Handler;
}

export function createWebsiteEndpoint(o: WebsiteEndpointOptions): WebsiteEndpoint {
  const protocol = createWebsiteProtocol({
    s3: o.api.s3,
    buckets: o.storage.buckets,
    objects: o.storage.objects,
    hostOf: (host) => listenerHostOf(host, o.baseDomain),
  });
  const pipeline = new RequestPipeline({
    ...o.api,
    authenticate: anonymous,
    s3: protocol,
    services: new Map(),
    service: 's3',
  });
  const baseDomain = o.baseDomain;
  return {
    pipeline,
    dispatch: (api) => {
      // Without a base domain no host name is a website's: the API's handler, untouched.
      if (baseDomain === undefined) return api;
      return (req, res) => (isWebsiteHost(req.headers.host, baseDomain) ? pipeline.handle : api)(req, res);
    },
  };
}

/** Cheap first: most requests' Host does not contain the label at all. */
function isWebsiteHost(host: string | undefined, baseDomain: string): boolean {
  if (host === undefined || !host.toLowerCase().includes('s3-website')) return false;
  return websiteHostOf(host, baseDomain) !== undefined;
}

/**
 * Website requests are anonymous: "Supports only publicly readable content" (WebsiteEndpoints.html).
 * An Authorization header or a presigned query is not read, let alone verified; the caller is
 * anonymous whatever the request carries.
 */
async function anonymous(_raw: unknown, body: Readable): Promise<AuthenticationResult> {
  return {
    caller: ANONYMOUS,
    service: undefined,
    region: undefined,
    facts: UNSIGNED_FACTS,
    body,
    trailers: () => ({}),
    decodedContentLength: undefined,
  };
}
