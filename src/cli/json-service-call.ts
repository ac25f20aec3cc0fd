import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { signRequest, type SigningCredentials } from './sign-request.js';

export interface JsonServiceTarget {
  /** `http://127.0.0.1:9000` */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: SigningCredentials;
  /** SigV4 service name and X-Amz-Target prefix: `workloads`, `StrongboxWorkloads_20261201`. */
  readonly service: string;
  readonly targetPrefix: string;
  readonly now?: () => Date;
}

/** An error answer of an AWS JSON-protocol service (`{"__type": ..., "Message": ...}`). */
export class JsonServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'JsonServiceError';
  }
}

/**
 * One signed AWS JSON 1.1 call (`POST /`, `X-Amz-Target: <prefix>.<operation>`): the output
 * structure, or a JsonServiceError with the service's error code.
 */
export async function callJsonService(
  t: JsonServiceTarget,
  operation: string,
  input: Readonly<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const url = new URL('/', t.endpoint);
  const body = JSON.stringify(input);
  const headers = signRequest(
    {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${t.targetPrefix}.${operation}` },
      body,
    },
    { credentials: t.credentials, region: t.region, service: t.service, now: (t.now ?? (() => new Date()))() },
  );
  const { status, text } = await post(url, headers, body);
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    const shown = text.slice(0, 200);
    throw new JsonServiceError('InvalidResponse', `HTTP ${status} with a body that is not JSON: ${shown}`, status);
  }
  if (status !== 200) {
    // `__type` may carry a namespace (`com.amazon...#Code`) in some services; the code is after '#'.
    const code = String(parsed.__type ?? parsed.code ?? `HTTP${status}`).replace(/^.*#/, '');
    throw new JsonServiceError(code, String(parsed.Message ?? parsed.message ?? ''), status);
  }
  return parsed;
}

function post(url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const options = { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } };
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
