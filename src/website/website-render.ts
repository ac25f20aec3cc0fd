/**
 * The website endpoint's answers as values (server/http-response.ts writes them): redirects, and
 * errors as the HTML pages S3's website endpoint renders, or as the bucket's own error document.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/CustomErrorDocSupport.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html ("Error message
 * handling": "Returns an HTML document")
 */
import { STATUS_CODES } from 'node:http';
import { ServiceError, isServiceError } from '../errors/service-error.js';
import type { HttpResponse } from '../server/protocol.js';
import { s3Error } from '../s3/errors.js';
import { hostId } from '../s3/render.js';
import type { WebsiteRedirect } from './website-redirects.js';

/**
 * A website error, and what answers it: the bucket's error document (`page`, already read, with the
 * error's status), or S3's HTML page saying also why the error document could not be served
 * (`documentError`). Code, status and message are the error's, so the request's record says what
 * went wrong, whichever page answered.
 */
export class WebsiteError extends ServiceError {
  constructor(
    readonly error: ServiceError,
    readonly answer: { readonly page?: HttpResponse; readonly documentError?: ServiceError } = {},
  ) {
    super(error.code, error.message, error.status, { fields: { ...error.fields }, headers: { ...error.headers } });
  }
}

/** The headers every website answer starts with, as S3's. */
export function websiteLeadingHeaders(requestId: string): string[] {
  return ['x-amz-request-id', requestId, 'x-amz-id-2', hostId(requestId)];
}

export function redirectResponse(redirect: WebsiteRedirect, requestId: string): HttpResponse {
  const headers = { location: redirect.location };
  return { status: redirect.status, leadingHeaders: websiteLeadingHeaders(requestId), headers };
}

/**
 * Any failure as the website endpoint answers it: a WebsiteError's error document as it was read,
 * else the HTML page (a HEAD answer has its status and headers only). A failure that is not a
 * ServiceError is InternalError.
 */
export function websiteErrorResponse(err: unknown, requestId: string): HttpResponse {
  if (err instanceof WebsiteError && err.answer.page !== undefined) return err.answer.page;
  const e = isServiceError(err) ? err : s3Error('InternalError');
  const documentError = err instanceof WebsiteError ? err.answer.documentError : undefined;
  return {
    status: e.status,
    leadingHeaders: websiteLeadingHeaders(requestId),
    headers: { ...errorHeaders(e), 'content-type': 'text/html; charset=utf-8' },
    body: errorPage(e, { requestId, documentError }),
  };
}

/**
 * The error document served for `e`: its bytes and content headers, with the error's status and
 * S3's error headers ("Amazon S3 returns your custom error document ... the HTTP status code of the
 * error": CustomErrorDocSupport.html).
 */
export function errorDocumentResponse(e: ServiceError, document: HttpResponse): HttpResponse {
  return { ...document, status: e.status, headers: { ...document.headers, ...errorHeaders(e) } };
}

/**
 * `x-amz-error-code`, `x-amz-error-message` and one `x-amz-error-detail-<Field>` per field: what a
 * HEAD request, which gets no page, learns of the error. A value no header can carry is left out.
 */
function errorHeaders(e: ServiceError): Record<string, string> {
  const out: Record<string, string> = { ...e.headers };
  out['x-amz-error-code'] = e.code;
  const message = headerValue(e.message);
  if (message !== undefined) out['x-amz-error-message'] = message;
  for (const [name, value] of Object.entries(e.fields)) {
    const v = headerValue(value);
    if (v !== undefined && /^[A-Za-z0-9-]+$/.test(name)) out[`x-amz-error-detail-${name}`] = v;
  }
  return out;
}

function headerValue(value: string): string | undefined {
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) return undefined;
  return /[^\x00-\xff]/.test(value) ? Buffer.from(value, 'utf8').toString('latin1') : value;
}

/** S3's website error page: the error, then why the error document failed too, if it did. */
export function errorPage(
  e: ServiceError,
  o: { readonly requestId: string; readonly documentError?: ServiceError },
): string {
  const title = `${e.status} ${STATUS_CODES[e.status] ?? 'Error'}`;
  const lines = [`<html>`, `<head><title>${title}</title></head>`, `<body>`, `<h1>${title}</h1>`, `<ul>`];
  lines.push(...items(e), item('RequestId', o.requestId), item('HostId', hostId(o.requestId)), `</ul>`);
  if (o.documentError !== undefined) {
    lines.push(`<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>`, `<ul>`);
    lines.push(...items(o.documentError), `</ul>`);
  }
  lines.push(`<hr/>`, `</body>`, `</html>`, ``);
  return lines.join('\n');
}

function items(e: ServiceError): string[] {
  const out = [item('Code', e.code), item('Message', e.message)];
  for (const [name, value] of Object.entries(e.fields)) out.push(item(name, value));
  return out;
}

function item(name: string, value: string): string {
  return `<li>${escapeHtml(name)}: ${escapeHtml(value)}</li>`;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}
