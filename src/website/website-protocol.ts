/**
 * The website endpoint as a protocol of its own (S3 static website hosting).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteHosting.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html
 *
 * "Supports only GET and HEAD requests on objects", "Supports only publicly readable content",
 * "Returns an HTML document" on errors (WebsiteEndpoints.html, key differences). Every object the
 * website reads is read by the S3 protocol itself: an anonymous GetObject (HeadObject for HEAD),
 * routed by S3's router and handler, so its checks are S3's (s3:GetObject with the bucket policy, the
 * ACLs where enabled, Block Public Access; s3:ListBucket deciding 404 or 403 for a missing key) and its
 * answer is S3's (ranges, conditional requests, headers). The website only chooses the key — the index
 * document for folders, the error document for errors — and redirects.
 *
 * Authorization stays the pipeline's, before execution: the website declares the S3 reads' checks as
 * advisory checks (a denial chooses the error page instead of ending the request) and reads the
 * decisions in `execute`. Deviation from AWS: OPTIONS (a CORS preflight) is 405 here.
 */
import type { IncomingMessage } from 'node:http';
import type { AuthenticationResult, RawRequest } from '../auth/types.js';
import { isServiceError, type ServiceError } from '../errors/service-error.js';
import type {
  AuthzCheck,
  Decision,
  OperationAudit,
  OperationResult,
  ProtocolAdapter,
  RequestInfo,
  RoutedOperation,
} from '../server/protocol.js';
import type { BucketRecord, BucketStore, ObjectStore } from '../storage/ports.js';
import { s3Error } from '../s3/errors.js';
import { hostId } from '../s3/render.js';
import { decodePathPart } from '../s3/router.js';
import type { WebsiteHost } from './website-host.js';
import {
  folderRedirect,
  redirectAllRequests,
  ruleBeforeRead,
  ruleOnError,
  ruleRedirect,
  type RedirectSource,
  type WebsiteRedirect,
} from './website-redirects.js';
import { WebsiteError, errorDocumentResponse, redirectResponse, websiteErrorResponse } from './website-render.js';

export interface WebsiteProtocolOptions {
  /** The S3 protocol: every object the website serves is its anonymous GetObject or HeadObject. */
  readonly s3: ProtocolAdapter;
  readonly buckets: Pick<BucketStore, 'getBucket'>;
  /** Whether keys exist (a folder named without its slash, an object that redirects). */
  readonly objects: Pick<ObjectStore, 'getObject'>;
  /** The bucket a Host header names (website-host.ts). */
  readonly hostOf: (host: string | undefined) => WebsiteHost;
}

export function createWebsiteProtocol(options: WebsiteProtocolOptions): ProtocolAdapter {
  return {
    service: 's3',
    route: (raw, req, auth, info) => route(options, { raw, req, auth, info }),
    errorResponse: (err, info) => websiteErrorResponse(err, info.requestId),
  };
}

interface WebsiteRequest {
  readonly raw: RawRequest;
  readonly req: IncomingMessage;
  readonly auth: AuthenticationResult;
  readonly info: RequestInfo;
}

type Operation = 'GetObject' | 'HeadObject';

async function route(o: WebsiteProtocolOptions, r: WebsiteRequest): Promise<RoutedOperation> {
  const { raw, info } = r;
  if (raw.method !== 'GET' && raw.method !== 'HEAD') {
    throw s3Error('MethodNotAllowed', { fields: { Method: raw.method, ResourceType: 'OBJECT' } });
  }
  const name: Operation = raw.method === 'GET' ? 'GetObject' : 'HeadObject';
  const host = headerOf(raw, 'host');
  const bucket = await loadWebsiteBucket(o, o.hostOf(host));
  const website = bucket.website!;
  const key = decodePathPart(raw.rawPath.slice(1));
  const protocol = info.secureTransport ? 'https' : 'http';
  const source: RedirectSource = { key, host: host ?? bucket.name, protocol };
  if (website.redirectAllRequestsTo !== undefined) {
    const redirect = redirectAllRequests(website.redirectAllRequestsTo, { ...raw, protocol });
    return redirectOperation(name, bucket, key, redirect, info);
  }
  const early = ruleBeforeRead(website.routingRules, key);
  if (early !== undefined) return redirectOperation(name, bucket, key, ruleRedirect(early, source), info);
  const suffix = website.indexDocumentSuffix ?? 'index.html';
  const folder = key === '' || key.endsWith('/');
  const objectKey = folder ? key + suffix : key;
  const read = (k: string, kind: ReadKind) => routeRead(o, r, { bucket: bucket.name, key: k, kind });
  const primary = await read(objectKey, 'request');
  const current = await o.objects.getObject(bucket.name, objectKey);
  // `photos` missing but `photos/index.html` there: a redirect to the folder (IndexDocumentSupport.html).
  const folderIndex = folder || current !== undefined ? undefined : `${key}/${suffix}`;
  const exists = async (k: string) => (await o.objects.getObject(bucket.name, k)) !== undefined;
  const probe = folderIndex !== undefined && (await exists(folderIndex)) ? folderIndex : undefined;
  const indexRead = probe === undefined ? undefined : await read(probe, 'probe');
  const errorKey = website.errorDocumentKey;
  const documentRead = errorKey === undefined ? undefined : await read(errorKey, 'document').catch(asFailure);
  const plan = new AdvicePlan([primary, indexRead, documentRead]);
  const redirectLocation = current?.websiteRedirectLocation;
  const answer: Answer = { bucket, key, source, rawPath: raw.rawPath, redirectLocation };
  return {
    name,
    checks: [],
    advisoryChecks: plan.checks,
    audit: primary.audit,
    execute: (advice) => serve({ plan: plan.with(advice), primary, indexRead, documentRead, answer, info }),
  };
}

interface Answer {
  readonly bucket: BucketRecord;
  readonly key: string;
  readonly source: RedirectSource;
  readonly rawPath: string;
  /** The object's `x-amz-website-redirect-location`, when it has one. */
  readonly redirectLocation: string | undefined;
}

interface Serving {
  readonly plan: DecidedPlan;
  readonly primary: RoutedOperation;
  readonly indexRead: RoutedOperation | undefined;
  readonly documentRead: RoutedOperation | ServiceError | undefined;
  readonly answer: Answer;
  readonly info: RequestInfo;
}

async function serve(s: Serving): Promise<OperationResult> {
  let failure: ServiceError;
  try {
    if (!s.plan.allowed(s.primary)) throw s3Error('AccessDenied');
    // "x-amz-website-redirect-location": a website request for the object is redirected (301).
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-to-page-redirect.html
    if (s.answer.redirectLocation !== undefined) {
      return { response: redirectResponse({ status: 301, location: s.answer.redirectLocation }, s.info.requestId) };
    }
    return await s.primary.execute(s.plan.advice(s.primary));
  } catch (e) {
    if (!isServiceError(e)) throw e;
    failure = e;
  }
  const redirect = redirectOnError(s, failure);
  if (redirect !== undefined) return { response: redirectResponse(redirect, s.info.requestId) };
  throw await errorAnswer(s, failure);
}

function redirectOnError(s: Serving, e: ServiceError): WebsiteRedirect | undefined {
  if (s.indexRead !== undefined && s.plan.allowed(s.indexRead)) return folderRedirect(s.answer.rawPath);
  const rule = ruleOnError(s.answer.bucket.website?.routingRules, s.answer.key, e.status);
  return rule === undefined ? undefined : ruleRedirect(rule, s.answer.source);
}

/**
 * "Amazon S3 returns your custom error document for only the HTTP 4XX class of error codes"
 * (CustomErrorDocSupport.html), read as any object is: anonymously, so it must be public too. When it
 * cannot be served, S3's page says why as well.
 */
async function errorAnswer(s: Serving, e: ServiceError): Promise<ServiceError> {
  const document = s.documentRead;
  if (document === undefined || e.status < 400 || e.status > 499) return e;
  if (!('execute' in document)) return new WebsiteError(e, { documentError: document });
  if (!s.plan.allowed(document)) return new WebsiteError(e, { documentError: s3Error('AccessDenied') });
  try {
    const page = (await document.execute(s.plan.advice(document))).response;
    return new WebsiteError(e, { page: errorDocumentResponse(e, page) });
  } catch (de) {
    if (!isServiceError(de)) throw de;
    return new WebsiteError(e, { documentError: de });
  }
}

/** The bucket a website host names, which must exist, be in that host's region and be a website. */
async function loadWebsiteBucket(o: WebsiteProtocolOptions, site: WebsiteHost): Promise<BucketRecord> {
  let bucket: BucketRecord | undefined;
  for (const name of site.buckets) {
    bucket = await o.buckets.getBucket(name);
    if (bucket !== undefined) break;
  }
  if (bucket === undefined) throw s3Error('NoSuchBucket', { fields: { BucketName: site.buckets[0] ?? '' } });
  // "400 Malformed Request: ... access a bucket through the incorrect regional endpoint" (WebsiteEndpoints.html).
  // Deviation from AWS: the code is undocumented; IncorrectEndpoint is S3's code for a wrong Region.
  if (site.region !== undefined && site.region !== bucket.region) {
    throw s3Error('IncorrectEndpoint', { fields: { BucketName: bucket.name } });
  }
  if (bucket.website === undefined) {
    throw s3Error('NoSuchWebsiteConfiguration', { fields: { BucketName: bucket.name } });
  }
  return bucket;
}

function redirectOperation(
  name: Operation,
  bucket: BucketRecord,
  key: string,
  redirect: WebsiteRedirect,
  info: RequestInfo,
): RoutedOperation {
  const audit: OperationAudit = {
    s3: {
      bucket: bucket.name,
      key: key === '' ? undefined : key,
      bucketOwnerAccountId: bucket.ownerAccountId,
      hostId: hostId(info.requestId),
      logging: bucket.logging,
    },
  };
  return { name, checks: [], audit, execute: async () => ({ response: redirectResponse(redirect, info.requestId) }) };
}

/**
 * What an object read carries of the website request: the conditional and range headers for the
 * object the request names (S3's answer: 206, 304, 412); for the folder probe and the error document
 * none of them (the document is answered whole, with the error's status).
 */
type ReadKind = 'request' | 'probe' | 'document';

const READ_HEADERS = ['range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since'];
const ALWAYS = ['origin', 'user-agent', 'referer'];

async function routeRead(
  o: WebsiteProtocolOptions,
  r: WebsiteRequest,
  read: { readonly bucket: string; readonly key: string; readonly kind: ReadKind },
): Promise<RoutedOperation> {
  const headers: Record<string, string | string[]> = {};
  for (const name of read.kind === 'request' ? [...READ_HEADERS, ...ALWAYS] : ALWAYS) {
    const v = r.raw.headers[name];
    if (v !== undefined) headers[name] = v;
  }
  // Path-style, no Host and no query: S3 sees a plain anonymous read of exactly this key.
  const raw: RawRequest = {
    method: read.kind === 'probe' ? 'HEAD' : r.raw.method,
    rawPath: `/${read.bucket}/${encodeURIComponent(read.key)}`,
    rawQuery: '',
    headers,
    rawHeaders: [],
  };
  return o.s3.route(raw, r.req, r.auth, r.info);
}

function asFailure(e: unknown): ServiceError {
  if (isServiceError(e)) return e;
  throw e;
}

/** Where each read's decisions sit among the website's advisory checks. */
class AdvicePlan {
  readonly checks: AuthzCheck[] = [];
  private readonly at = new Map<RoutedOperation, number>();

  constructor(reads: readonly (RoutedOperation | ServiceError | undefined)[]) {
    for (const read of reads) {
      if (read === undefined || !('execute' in read)) continue;
      this.at.set(read, this.checks.length);
      this.checks.push(...read.checks, ...(read.advisoryChecks ?? []));
    }
  }

  with(advice: readonly Decision[]): DecidedPlan {
    return {
      allowed: (read) => {
        const start = this.at.get(read)!;
        return read.checks.every((_, i) => advice[start + i] === 'Allow');
      },
      advice: (read) => {
        const start = this.at.get(read)! + read.checks.length;
        return advice.slice(start, start + (read.advisoryChecks?.length ?? 0));
      },
    };
  }
}

/** The pipeline's decisions, by read. */
interface DecidedPlan {
  /** Every check gating the read was allowed. */
  allowed(read: RoutedOperation): boolean;
  /** The decisions on the read's own advisory checks, in order. */
  advice(read: RoutedOperation): readonly Decision[];
}

function headerOf(raw: RawRequest, name: string): string | undefined {
  const v = raw.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}
