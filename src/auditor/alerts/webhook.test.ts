import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { alertBody } from './alert.js';
import { sampleAlert } from './testing/sample-alert.js';
import { selfSignedCertificate } from './testing/self-signed-certificate.js';
import { alertSignatureHeader, deliverWebhook, verifyAlertSignature } from './webhook.js';

const secret = 'whsec-0123456789abcdef';
const servers: Server[] = [];
after(() => servers.forEach((s) => (s.closeAllConnections(), s.close())));

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

/** A webhook receiver on 127.0.0.1 answering with `respond`; records what it received. */
async function receiver(
  respond: (res: ServerResponse, n: number) => void,
  make: (handler: RequestListener) => Server = (handler) => createServer(handler),
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = make((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      respond(res, received.length);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/strongbox`, received };
}

const status =
  (code: number, headers: Record<string, string> = {}) =>
  (res: ServerResponse) =>
    res.writeHead(code, headers).end('{"ok":false}');

describe('deliverWebhook', () => {
  it('POSTs the alert JSON with its headers and a signature the receiver can verify', async () => {
    const { url, received } = await receiver(status(204));
    const now = new Date();
    const alert = sampleAlert();
    assert.deepEqual(await deliverWebhook({ url, secret }, alert, { now }), { outcome: 'Delivered' });
    const [{ headers, body }] = received;
    assert.equal(headers['content-type'], 'application/json');
    assert.equal(headers['user-agent'], 'Strongbox-Alerts/1');
    assert.equal(headers['x-strongbox-alert-id'], alert.id);
    assert.deepEqual(JSON.parse(body.toString()), alertBody(alert));
    const header = headers['x-strongbox-signature'] as string;
    assert.match(header, /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.equal(verifyAlertSignature({ secret, header, body, now: new Date() }), 'Valid');
    assert.equal(verifyAlertSignature({ secret: 'another-secret-0000', header, body, now }), 'Mismatch');
  });

  it('classifies answers: 2xx delivered; 408, 429, 5xx transient; 3xx and other 4xx permanent', async () => {
    const cases: [number, string][] = [
      [200, 'Delivered'],
      [202, 'Delivered'],
      [408, 'Transient'],
      [429, 'Transient'],
      [500, 'Transient'],
      [503, 'Transient'],
      [302, 'Permanent'],
      [400, 'Permanent'],
      [401, 'Permanent'],
      [404, 'Permanent'],
    ];
    for (const [code, expected] of cases) {
      const { url } = await receiver(status(code, code === 302 ? { Location: 'http://127.0.0.1:1/' } : {}));
      const r = await deliverWebhook({ url, secret }, sampleAlert(), { now: new Date() });
      assert.equal(r.outcome === 'Failed' ? r.failure : r.outcome, expected, `HTTP ${code}`);
      if (r.outcome === 'Failed') assert.match(r.error, new RegExp(`HTTP ${code}`));
    }
  });

  it("passes on a 429's Retry-After", async () => {
    const { url } = await receiver(status(429, { 'Retry-After': '30' }));
    const r = await deliverWebhook({ url, secret }, sampleAlert(), { now: new Date() });
    assert.equal(r.outcome === 'Failed' && r.retryAfterMs, 30_000);
  });

  it('gives up on a server that never answers after the timeout (transient)', async () => {
    const { url } = await receiver(() => undefined);
    const started = Date.now();
    const r = await deliverWebhook({ url, secret }, sampleAlert(), { now: new Date(), timeoutMs: 150 });
    assert.equal(r.outcome === 'Failed' && r.failure, 'Transient');
    assert.ok(Date.now() - started < 2_000);
  });

  it('does not read a large response body to its end', async () => {
    const { url } = await receiver((res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = (): void => {
        while (res.write(chunk));
        res.once('drain', pump);
      };
      pump();
    });
    const r = await deliverWebhook({ url, secret }, sampleAlert(), { now: new Date(), timeoutMs: 2_000 });
    assert.deepEqual(r, { outcome: 'Delivered' });
  });

  it('a refused connection is transient; a bad URL is permanent; errors never show userinfo or the path', async () => {
    const { url } = await receiver(status(200));
    const port = new URL(url).port;
    servers.at(-1)?.close();
    await new Promise((r) => setTimeout(r, 20));
    const refused = await deliverWebhook(
      { url: `http://user:hunter22@127.0.0.1:${port}/secret-path`, secret },
      sampleAlert(),
      {
        now: new Date(),
      },
    );
    assert.equal(refused.outcome === 'Failed' && refused.failure, 'Transient');
    assert.doesNotMatch(refused.outcome === 'Failed' ? refused.error : '', /hunter22|user|secret-path/);
    const ftp = await deliverWebhook({ url: 'ftp://127.0.0.1/x', secret }, sampleAlert(), { now: new Date() });
    assert.equal(ftp.outcome === 'Failed' && ftp.failure, 'Permanent');
  });

  it('https: verifies the certificate; a private CA can be trusted with `ca`', async () => {
    const certificate = selfSignedCertificate();
    const make = (handler: RequestListener): Server => createHttpsServer(certificate, handler);
    const { url, received } = await receiver(status(200), make);
    const httpsUrl = url.replace('http:', 'https:');
    const untrusted = await deliverWebhook({ url: httpsUrl, secret }, sampleAlert(), { now: new Date() });
    assert.equal(untrusted.outcome === 'Failed' && untrusted.failure, 'Transient');
    assert.equal(received.length, 0);
    const trusted = await deliverWebhook({ url: httpsUrl, secret, ca: certificate.cert }, sampleAlert(), {
      now: new Date(),
    });
    assert.deepEqual(trusted, { outcome: 'Delivered' });
  });

  it('an abort ends the request and reports Aborted', async () => {
    const { url } = await receiver(() => undefined);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 30);
    const r = await deliverWebhook({ url, secret }, sampleAlert(), { now: new Date(), signal: abort.signal });
    assert.deepEqual(r, { outcome: 'Aborted' });
  });
});

describe('verifyAlertSignature', () => {
  const body = '{"id":"a"}';
  const now = new Date('2025-01-01T00:00:00Z');
  const header = alertSignatureHeader({ secret, body, now });

  it('accepts the signature within the tolerance, and reports expiry, tampering and garbage', () => {
    assert.equal(verifyAlertSignature({ secret, header, body, now: new Date(now.getTime() + 299_000) }), 'Valid');
    assert.equal(verifyAlertSignature({ secret, header, body, now: new Date(now.getTime() + 301_000) }), 'Expired');
    assert.equal(
      verifyAlertSignature({ secret, header, body, now: new Date(now.getTime() + 60_000), toleranceSeconds: 30 }),
      'Expired',
    );
    assert.equal(verifyAlertSignature({ secret, header, body: '{"id":"b"}', now }), 'Mismatch');
    const t = header.split(',')[0];
    assert.equal(verifyAlertSignature({ secret, header: header.replace(t, 't=1'), body, now }), 'Mismatch');
    for (const bad of [undefined, '', 'v1=abc', 't=1', `t=x,${header.split(',')[1]}`, `${header},t=2`]) {
      assert.equal(verifyAlertSignature({ secret, header: bad, body, now }), 'Malformed', String(bad));
    }
  });

  it('accepts any one of several v1 signatures (secret rotation), over the raw bytes', () => {
    const old = alertSignatureHeader({ secret: 'old-secret-000000000', body, now }).split(',')[1];
    const rotated = `${header},${old}`;
    assert.equal(verifyAlertSignature({ secret, header: rotated, body: Buffer.from(body), now }), 'Valid');
    assert.equal(verifyAlertSignature({ secret: 'old-secret-000000000', header: rotated, body, now }), 'Valid');
  });
});
