import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { AlertDispatcher, type AlertTransport } from './alert-dispatcher.js';
import { AlertDestinationError, type AlertDestination } from './alert-destination.js';
import { AlertOutbox, migrateAlertOutbox } from './alert-outbox.js';
import type { DeliveryResult } from './delivery-result.js';
import { decodeQuotedPrintable, sampleAlert, splitMessage } from './testing/sample-alert.js';
import { SmtpTestServer } from './testing/smtp-test-server.js';
import { verifyAlertSignature } from './webhook.js';

const secret = 'whsec-0123456789abcdef';
const httpServers: Server[] = [];
const smtpServers: SmtpTestServer[] = [];
after(async () => {
  httpServers.forEach((s) => (s.closeAllConnections(), s.close()));
  await Promise.all(smtpServers.map((s) => s.close()));
});

function outbox(options: { maxAttempts?: number } = {}): AlertOutbox {
  const db = new BetterSqlite3(':memory:');
  migrateAlertOutbox(db);
  return new AlertOutbox(db, { random: () => 0.5, ...options });
}

/** A webhook receiver answering each request with the next status of `statuses` (then the last). */
async function receiver(statuses: readonly (number | 'Silent')[]): Promise<{ url: string; verdicts: string[] }> {
  const verdicts: string[] = [];
  const server = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const header = req.headers['x-strongbox-signature'] as string | undefined;
      verdicts.push(verifyAlertSignature({ secret, header, body: Buffer.concat(chunks), now: new Date() }));
      const status = statuses[Math.min(verdicts.length, statuses.length) - 1];
      if (status !== 'Silent') res.writeHead(status).end();
    });
  });
  httpServers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, verdicts };
}

const t0 = new Date('2025-01-01T00:00:00Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);
const pass = { signal: new AbortController().signal };

describe('AlertDispatcher with a webhook', () => {
  it('500 then 200: the signed alert is delivered on the retry, after its backoff', async () => {
    const { url, verdicts } = await receiver([500, 200]);
    const errors: string[][] = [];
    const box = outbox();
    const dispatcher = new AlertDispatcher({
      destinations: [{ name: 'hook', type: 'webhook', url, secret }],
      outbox: box,
      onDeliveryError: (...e) => errors.push(e),
    });
    dispatcher.send(sampleAlert());
    assert.equal(await dispatcher.runPass({ ...pass, now: t0 }), 'Idle');
    assert.deepEqual(verdicts, ['Valid']);
    assert.equal(errors.length, 1);
    assert.deepEqual(errors[0].slice(0, 2), ['hook', 'alert-0001']);
    assert.match(errors[0][2], /HTTP 500 \(will be retried\)/);
    assert.equal(await dispatcher.runPass({ ...pass, now: at(999) }), 'Idle', 'not due yet');
    assert.equal(verdicts.length, 1);
    assert.equal(await dispatcher.runPass({ ...pass, now: at(1_000) }), 'Idle');
    assert.deepEqual(verdicts, ['Valid', 'Valid']);
    assert.deepEqual(box.counts(), { pending: 0, dead: 0 });
  });

  it('400: a dead letter at once', async () => {
    const { url, verdicts } = await receiver([400]);
    const box = outbox();
    const dispatcher = new AlertDispatcher({
      destinations: [{ name: 'hook', type: 'webhook', url, secret }],
      outbox: box,
    });
    dispatcher.send(sampleAlert());
    await dispatcher.runPass({ ...pass, now: t0 });
    assert.equal(verdicts.length, 1);
    assert.deepEqual(box.counts(), { pending: 0, dead: 1 });
    const [dead] = box.deadLetters({ limit: 5 });
    assert.equal(dead.destination, 'hook');
    assert.match(dead.error, /HTTP 400/);
  });

  it('a receiver that never answers: timeout, retry scheduled', async () => {
    const { url } = await receiver(['Silent']);
    const box = outbox();
    const errors: string[] = [];
    const dispatcher = new AlertDispatcher({
      destinations: [{ name: 'hook', type: 'webhook', url, secret }],
      outbox: box,
      webhookTimeoutMs: 150,
      onDeliveryError: (_d, _a, message) => errors.push(message),
    });
    dispatcher.send(sampleAlert());
    await dispatcher.runPass({ ...pass, now: t0 });
    assert.match(errors[0], /no answer within 150 ms/);
    assert.equal(box.due(at(999), 5).length, 0);
    assert.equal(box.due(at(1_000), 5)[0]?.attempts, 1);
  });
});

describe('AlertDispatcher with e-mail', () => {
  it('sends the alert e-mail through the SMTP server', async () => {
    const smtp = await SmtpTestServer.start({
      extensions: ['AUTH PLAIN'],
      credentials: { user: 'u', password: 'p-secret' },
    });
    smtpServers.push(smtp);
    const box = outbox();
    const dispatcher = new AlertDispatcher({
      destinations: [
        {
          name: 'security-team',
          type: 'email',
          smtp: { url: smtp.url(), user: 'u', password: 'p-secret' },
          from: 'alerts@example.com',
          to: ['sec@example.com'],
        },
      ],
      outbox: box,
      smtpTimeoutMs: 500,
    });
    dispatcher.send(sampleAlert());
    assert.equal(await dispatcher.runPass({ ...pass, now: t0 }), 'Idle');
    assert.deepEqual(box.counts(), { pending: 0, dead: 0 });
    const { headers, body } = splitMessage(smtp.sessions[0].rawMessages[0] + '\r\n');
    assert.equal(headers.get('To'), 'sec@example.com');
    assert.ok(decodeQuotedPrintable(body).includes('Who: arn:aws:iam::111122223333:user/alice'));
  });
});

describe('AlertDispatcher scheduling', () => {
  const destinations: AlertDestination[] = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => ({
    name,
    type: 'webhook',
    url: `http://127.0.0.1:9/${name}`,
    secret,
  }));

  it('runs at most 4 deliveries at a time, one destination in order, at most maxPerPass a pass', async () => {
    let active = 0;
    let peak = 0;
    const order = new Map<string, string[]>();
    const transport: AlertTransport = async (d, alert) => {
      active++;
      peak = Math.max(peak, active);
      order.set(d.name, [...(order.get(d.name) ?? []), alert.id]);
      await new Promise((r) => setTimeout(r, 10));
      active--;
      return { outcome: 'Delivered' };
    };
    const box = outbox();
    const dispatcher = new AlertDispatcher({ destinations, outbox: box, transport, maxPerPass: 10 });
    for (const id of ['1', '2', '3']) dispatcher.send(sampleAlert({ id }));
    assert.equal(await dispatcher.runPass({ ...pass, now: t0 }), 'More');
    assert.equal(box.counts().pending, 8);
    assert.equal(await dispatcher.runPass({ ...pass, now: t0 }), 'Idle');
    assert.equal(peak, 4);
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) assert.deepEqual(order.get(name), ['1', '2', '3'], name);
  });

  it('after a transient failure the destination waits; the others go on', async () => {
    const calls: string[] = [];
    const transport: AlertTransport = async (d, alert) => {
      calls.push(`${d.name}:${alert.id}`);
      return d.name === 'a'
        ? { outcome: 'Failed', failure: 'Transient', error: `down, secret ${secret}` }
        : { outcome: 'Delivered' };
    };
    const box = outbox();
    const two = destinations.slice(0, 2);
    const dispatcher = new AlertDispatcher({ destinations: two, outbox: box, transport });
    for (const id of ['1', '2', '3']) dispatcher.send(sampleAlert({ id }));
    assert.equal(await dispatcher.runPass({ ...pass, now: t0 }), 'Idle');
    assert.deepEqual(calls.sort(), ['a:1', 'b:1', 'b:2', 'b:3']);
    assert.deepEqual(
      box.due(at(1_000), 10).map((e) => [e.destination, e.alert.id, e.attempts]),
      [
        ['a', '1', 1],
        ['a', '2', 0],
        ['a', '3', 0],
      ],
    );
  });

  it('masks secrets in stored errors; an entry for a destination no longer configured is dead-lettered', async () => {
    const transport: AlertTransport = async () => ({
      outcome: 'Failed',
      failure: 'Permanent',
      error: `echo ${secret}`,
    });
    const box = outbox();
    new AlertDispatcher({ destinations: destinations.slice(0, 2), outbox: box, transport }).send(sampleAlert());
    const fewer = new AlertDispatcher({ destinations: destinations.slice(0, 1), outbox: box, transport });
    await fewer.runPass({ ...pass, now: t0 });
    const dead = box.deadLetters({ limit: 5 }).map((d) => [d.destination, d.error]);
    assert.deepEqual(dead.sort(), [
      ['a', 'echo ***'],
      ['b', 'alert destination b is no longer configured'],
    ]);
  });

  it('an abort stops the pass; the interrupted delivery does not count as an attempt', async () => {
    const abort = new AbortController();
    const transport: AlertTransport = (_d, _a, ctx) =>
      new Promise<DeliveryResult>((resolve) =>
        ctx.signal.addEventListener('abort', () => resolve({ outcome: 'Aborted' })),
      );
    const box = outbox();
    const dispatcher = new AlertDispatcher({ destinations: destinations.slice(0, 1), outbox: box, transport });
    dispatcher.send(sampleAlert());
    const running = dispatcher.runPass({ signal: abort.signal, now: t0 });
    assert.equal(await dispatcher.runPass({ ...pass, now: t0 }), 'More', 'one pass at a time');
    abort.abort();
    assert.equal(await running, 'Idle');
    assert.deepEqual(
      box.due(t0, 5).map((e) => e.attempts),
      [0],
    );
  });

  it('refuses destinations that cannot work, without echoing secrets', () => {
    const bad: AlertDestination[][] = [
      [{ name: 'x', type: 'webhook', url: 'ftp://127.0.0.1/', secret }],
      [{ name: 'x', type: 'webhook', url: 'http://127.0.0.1/', secret: 'short' }],
      [
        { name: 'x', type: 'webhook', url: 'http://127.0.0.1/', secret },
        { name: 'x', type: 'webhook', url: 'http://127.0.0.1/', secret },
      ],
      [{ name: 'bad name', type: 'webhook', url: 'http://127.0.0.1/', secret }],
      [{ name: 'm', type: 'email', smtp: { url: 'smtp://127.0.0.1' }, from: 'a@b', to: [] }],
      [{ name: 'm', type: 'email', smtp: { url: 'smtp://127.0.0.1' }, from: 'a@b', to: ['x\r\nBcc: y@z'] }],
      [
        {
          name: 'm',
          type: 'email',
          smtp: { url: 'smtp://127.0.0.1', password: 'pw-123456' },
          from: 'a@b',
          to: ['c@d'],
        },
      ],
    ];
    for (const destinations of bad) {
      assert.throws(
        () => new AlertDispatcher({ destinations, outbox: outbox() }),
        (e: unknown) => e instanceof AlertDestinationError && !/whsec|pw-123456/.test(e.message),
      );
    }
  });
});
