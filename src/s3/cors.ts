/**
 * Bucket CORS: PutBucketCors, GetBucketCors, DeleteBucketCors, the OPTIONS preflight ("OPTIONS
 * object"), and the CORS headers of actual requests. S3 uses "the first CORSRule rule that matches":
 * the Origin matches an AllowedOrigin (one `*` wildcard, matching any run of characters), the method
 * (or Access-Control-Request-Method) is an AllowedMethod, and every requested header matches an
 * AllowedHeader (case-insensitively). https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html
 */
import type { BucketRecord, CorsRule } from '../storage/ports.js';
import type { XmlNode } from '../protocol/xml.js';
import { bucketCheck, prepared, requireBucket, type OperationHandler, type S3Context, type S3Response } from './context.js';
import { s3Error } from './errors.js';
import { emptyResponse, xmlResponse } from './render.js';
import { readVerifiedBody } from './request-body.js';
import { childTexts, children, parseXml } from './xml-parse.js';

const CORS_METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'DELETE'];
const MAX_RULES = 100;
/** "The document is limited to 64 KB in size." */
const MAX_CORS_BYTES = 64 * 1024;

/** Parses and validates a `<CORSConfiguration>` document. */
export function parseCorsDocument(xml: string): CorsRule[] {
  const root = parseXml(xml, 'CORSConfiguration', ['CORSRule', 'AllowedMethod', 'AllowedOrigin', 'AllowedHeader', 'ExposeHeader', 'MaxAgeSeconds', 'ID']);
  const rules = children(root, 'CORSRule');
  if (rules.length === 0 || rules.length > MAX_RULES) throw s3Error('MalformedXML');
  return rules.map((r) => {
    const allowedMethods = childTexts(r, 'AllowedMethod');
    const allowedOrigins = childTexts(r, 'AllowedOrigin');
    if (allowedMethods.length === 0 || allowedOrigins.length === 0) throw s3Error('MalformedXML');
    for (const m of allowedMethods) {
      if (!CORS_METHODS.includes(m)) throw s3Error('InvalidRequest', { message: `Found unsupported HTTP method in CORS config. Unsupported method is ${m}` });
    }
    for (const o of allowedOrigins) {
      if (countStars(o) > 1) throw s3Error('InvalidRequest', { message: `AllowedOrigin "${o}" can not have more than one wildcard.` });
    }
    const allowedHeaders = childTexts(r, 'AllowedHeader');
    for (const h of allowedHeaders) {
      if (countStars(h) > 1) throw s3Error('InvalidRequest', { message: `AllowedHeader "${h}" can not have more than one wildcard.` });
    }
    const exposeHeaders = childTexts(r, 'ExposeHeader');
    for (const h of exposeHeaders) {
      if (h.includes('*')) throw s3Error('InvalidRequest', { message: `ExposeHeader "${h}" contains wildcard. We currently do not support wildcard for ExposeHeader.` });
    }
    const ids = childTexts(r, 'ID');
    const maxAges = childTexts(r, 'MaxAgeSeconds');
    if (ids.length > 1 || maxAges.length > 1 || (ids[0] !== undefined && ids[0].length > 255)) throw s3Error('MalformedXML');
    if (maxAges[0] !== undefined && !/^\s*-?\d+\s*$/.test(maxAges[0])) throw s3Error('MalformedXML');
    return {
      id: ids[0],
      allowedMethods,
      allowedOrigins,
      allowedHeaders,
      exposeHeaders,
      maxAgeSeconds: maxAges[0] === undefined ? undefined : Number(maxAges[0]),
    };
  });
}

function countStars(s: string): number {
  return s.split('*').length - 1;
}

/** A pattern with at most one `*`, anchored at both ends; `*` matches any run, including none. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const p = caseInsensitive ? pattern.toLowerCase() : pattern;
  const v = caseInsensitive ? value.toLowerCase() : value;
  const star = p.indexOf('*');
  if (star === -1) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

export interface CorsRequest {
  readonly origin: string;
  readonly method: string;
  /** Lower-cased names from Access-Control-Request-Headers (preflight only). */
  readonly headers: readonly string[];
}

export function matchCorsRule(rules: readonly CorsRule[], request: CorsRequest): CorsRule | undefined {
  return rules.find(
    (rule) =>
      rule.allowedOrigins.some((o) => wildcardMatch(o, request.origin)) &&
      rule.allowedMethods.includes(request.method) &&
      request.headers.every((h) => rule.allowedHeaders.some((a) => wildcardMatch(a, h, true))),
  );
}

/** The Access-Control-* headers S3 answers for a matched rule. */
export function corsResponseHeaders(rule: CorsRule, request: CorsRequest): Record<string, string> {
  const anyOrigin = rule.allowedOrigins.includes('*');
  const h: Record<string, string> = {
    'access-control-allow-origin': anyOrigin ? '*' : request.origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
  if (!anyOrigin) h['access-control-allow-credentials'] = 'true';
  if (request.headers.length > 0) h['access-control-allow-headers'] = request.headers.join(', ');
  if (rule.exposeHeaders.length > 0) h['access-control-expose-headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) h['access-control-max-age'] = String(rule.maxAgeSeconds);
  return h;
}

function requestedHeaders(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
}

/**
 * CORS headers for an actual (non-preflight) request with an Origin: S3 matches on the origin and on
 * the method (Access-Control-Request-Method when sent); the request's own headers are not checked.
 */
export function actualRequestCorsHeaders(ctx: S3Context): Record<string, string> {
  const origin = ctx.header('origin');
  const rules = ctx.bucket?.cors;
  if (origin === undefined || rules === undefined || rules.length === 0) return {};
  const request = { origin, method: ctx.header('access-control-request-method') ?? ctx.raw.method, headers: [] };
  const rule = matchCorsRule(rules, request);
  return rule === undefined ? {} : corsResponseHeaders(rule, request);
}

/**
 * OPTIONS object: not authorized (browsers send preflights without credentials). No Origin is 400;
 * a bucket without CORS, or no matching rule, is 403 AccessForbidden.
 */
export const prepareOptionsObject: OperationHandler = async (ctx) => prepared([], async () => preflight(ctx));

function preflight(ctx: S3Context): S3Response {
  const origin = ctx.header('origin');
  if (origin === undefined) throw s3Error('BadRequest', { message: 'Insufficient information. Origin request header needed.' });
  const method = ctx.header('access-control-request-method') ?? 'OPTIONS';
  const forbidden = (message: string, resourceType: string) =>
    s3Error('AccessForbidden', { message, fields: { Method: method, ResourceType: resourceType } });
  const bucket: BucketRecord | undefined = ctx.bucket;
  if (bucket === undefined) throw forbidden('CORSResponse: Bucket not found', 'BUCKET');
  if (bucket.cors === undefined || bucket.cors.length === 0) throw forbidden('CORSResponse: CORS is not enabled for this bucket.', 'BUCKET');
  const request = { origin, method, headers: requestedHeaders(ctx.header('access-control-request-headers')) };
  const rule = matchCorsRule(bucket.cors, request);
  if (rule === undefined) {
    throw forbidden(
      "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
      ctx.target.key === undefined ? 'BUCKET' : 'OBJECT',
    );
  }
  return emptyResponse(200, corsResponseHeaders(rule, request));
}

export const preparePutBucketCors: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:PutBucketCORS')], async () => {
    const body = await readVerifiedBody(ctx, { requireIntegrity: true, maxBytes: MAX_CORS_BYTES });
    const rules = parseCorsDocument(body.toString('utf8'));
    await ctx.deps.storage.buckets.putBucketCors(requireBucket(ctx).name, rules);
    return emptyResponse(200);
  });

export const prepareGetBucketCors: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:GetBucketCORS')], async () => {
    const bucket = requireBucket(ctx);
    if (bucket.cors === undefined || bucket.cors.length === 0) throw s3Error('NoSuchCORSConfiguration', { fields: { BucketName: bucket.name } });
    const rules: XmlNode[] = bucket.cors.map((r) => ({
      ID: r.id,
      AllowedHeader: r.allowedHeaders,
      AllowedMethod: r.allowedMethods,
      AllowedOrigin: r.allowedOrigins,
      ExposeHeader: r.exposeHeaders,
      MaxAgeSeconds: r.maxAgeSeconds,
    }));
    return xmlResponse('CORSConfiguration', { CORSRule: rules });
  });

/** DeleteBucketCors needs s3:PutBucketCORS: there is no separate delete permission. */
export const prepareDeleteBucketCors: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:PutBucketCORS')], async () => {
    await ctx.deps.storage.buckets.putBucketCors(requireBucket(ctx).name, undefined);
    return emptyResponse(204);
  });
