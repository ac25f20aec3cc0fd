import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { alertEmail } from './alert.js';
import type { DeliveryResult } from './delivery-result.js';
import { dotStuffed, sendMail, type SmtpServerConfig } from './smtp.js';
import { SmtpProtocolError, SmtpReplyParser, ehloExtensions } from './smtp-reply.js';
import { sampleAlert } from './testing/sample-alert.js';
import { selfSignedCertificate } from './testing/self-signed-certificate.js';
import { SmtpTestServer, type SmtpTestScript } from './testing/smtp-test-server.js';

const servers: SmtpTestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
async function server(script: SmtpTestScript): Promise<SmtpTestServer> {
  const s = await SmtpTestServer.start(script);
  servers.push(s);
  return s;
}

const envelope = { from: 'alerts@example.com', to: ['sec@example.com', 'ops@example.com'] };
const credentials = { user: 'strongbox', password: 'pa55-w0rd-never-logged' };
const fast = { timeoutMs: 500 };
const certificate = selfSignedCertificate();

function failure(r: DeliveryResult): string {
  return r.outcome === 'Failed' ? r.failure : r.outcome;
}
function errorOf(r: DeliveryResult): string {
  return r.outcome === 'Failed' ? r.error : '';
}

describe('sendMail', () => {
  it('delivers with AUTH PLAIN after a multi-line EHLO, dot-stuffing a line that starts with "."', async () => {
    const s = await server({
      extensions: ['PIPELINING', 'SIZE 10240000', 'AUTH LOGIN PLAIN', '8BITMIME'],
      credentials,
    });
    const message = 'Subject: test\r\n\r\nline one\n.hidden line\r\n..two dots\r\n.\r\nend';
    const r = await sendMail({ url: s.url(), ...credentials }, envelope, message, fast);
    assert.deepEqual(r, { outcome: 'Delivered' });
    const [session] = s.sessions;
    const plain = Buffer.from(`\0${credentials.user}\0${credentials.password}`).toString('base64');
    assert.deepEqual(session.commands, [
      'EHLO [127.0.0.1]',
      `AUTH PLAIN ${plain}`,
      'MAIL FROM:<alerts@example.com>',
      'RCPT TO:<sec@example.com>',
      'RCPT TO:<ops@example.com>',
      'DATA',
      'QUIT',
    ]);
    assert.equal(session.rawMessages[0], 'Subject: test\r\n\r\nline one\r\n..hidden line\r\n...two dots\r\n..\r\nend');
  });

  it('sends an alert e-mail as alertEmail wrote it', async () => {
    const s = await server({});
    const message = alertEmail(sampleAlert({ what: '.starts with a dot\nand goes on' }), envelope);
    assert.deepEqual(await sendMail({ url: s.url() }, envelope, message, fast), { outcome: 'Delivered' });
    assert.equal(s.sessions[0].rawMessages[0] + '\r\n', dotStuffed(message));
    assert.ok(s.sessions[0].rawMessages[0].includes('\r\n..starts with a dot'));
  });

  it('uses AUTH LOGIN when only that is offered', async () => {
    const s = await server({ extensions: ['AUTH LOGIN'], credentials });
    assert.deepEqual(await sendMail({ url: s.url(), ...credentials }, envelope, 'x', fast), { outcome: 'Delivered' });
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    assert.deepEqual(s.sessions[0].commands.slice(1, 4), [
      'AUTH LOGIN',
      b64(credentials.user),
      b64(credentials.password),
    ]);
  });

  it('falls back to HELO when EHLO is refused with 5xx', async () => {
    const s = await server({ replies: { EHLO: '502 5.5.2 what is EHLO' } });
    assert.deepEqual(await sendMail({ url: s.url() }, envelope, 'x', fast), { outcome: 'Delivered' });
    assert.deepEqual(s.sessions[0].commands.slice(0, 2), ['EHLO [127.0.0.1]', 'HELO [127.0.0.1]']);
  });

  it('a 550 on RCPT is a permanent failure of the whole message', async () => {
    const s = await server({ replies: { 'RCPT TO:<ops@example.com>': '550 5.1.1 <ops@example.com>: no such user' } });
    const r = await sendMail({ url: s.url() }, envelope, 'x', fast);
    assert.equal(failure(r), 'Permanent');
    assert.match(errorOf(r), /RCPT TO <ops@example.com> refused: 550 5\.1\.1/);
    assert.ok(!s.sessions[0].commands.includes('DATA'), 'no DATA after a refused recipient');
  });

  it('a 451 is transient, wherever it comes', async () => {
    for (const verb of ['MAIL', 'RCPT', '.', 'EHLO']) {
      const s = await server({ replies: { [verb]: '451 4.3.0 try again later' } });
      const r = await sendMail({ url: s.url() }, envelope, 'x', fast);
      assert.equal(failure(r), 'Transient', verb);
      assert.match(errorOf(r), /451 4\.3\.0/);
    }
    const greeting = await server({ replies: {} });
    assert.equal(failure(await sendMail({ url: greeting.url() }, { ...envelope, to: [] }, 'x', fast)), 'Permanent');
  });

  it('refused credentials are permanent, and the error never holds the password', async () => {
    const s = await server({ extensions: ['AUTH PLAIN'], credentials });
    const r = await sendMail({ url: s.url(), user: 'strongbox', password: 'wrong-password-1234' }, envelope, 'x', fast);
    assert.equal(failure(r), 'Permanent');
    assert.match(errorOf(r), /AUTH PLAIN refused: 535/);
    assert.doesNotMatch(errorOf(r), /wrong-password|d3JvbmctcGFzc3dvcmQ/);
    const none = await server({ extensions: [] });
    const r2 = await sendMail({ url: none.url(), ...credentials }, envelope, 'x', fast);
    assert.match(errorOf(r2), /neither AUTH PLAIN nor AUTH LOGIN/);
  });

  it('a server that never answers times out (transient); a closed port is transient', async () => {
    const s = await server({ silent: true });
    const started = Date.now();
    const r = await sendMail({ url: s.url() }, envelope, 'x', { timeoutMs: 150 });
    assert.equal(failure(r), 'Transient');
    assert.match(errorOf(r), /no reply to the greeting within 150 ms/);
    assert.ok(Date.now() - started < 2_000);
    const closed = await server({});
    const url = closed.url();
    await closed.close();
    assert.equal(failure(await sendMail({ url }, envelope, 'x', fast)), 'Transient');
  });

  it('an abort ends the session and reports Aborted', async () => {
    const s = await server({ silent: true });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 30);
    assert.deepEqual(await sendMail({ url: s.url() }, envelope, 'x', { timeoutMs: 5_000, signal: abort.signal }), {
      outcome: 'Aborted',
    });
  });

  it('rejects URLs it cannot use without echoing them', async () => {
    const cases: SmtpServerConfig[] = [
      { url: 'http://127.0.0.1:25' },
      { url: 'smtp://user:secret-in-url@127.0.0.1:25' },
      { url: 'not a url' },
    ];
    for (const config of cases) {
      const r = await sendMail(config, envelope, 'x', fast);
      assert.equal(failure(r), 'Permanent');
      assert.doesNotMatch(errorOf(r), /secret-in-url/);
    }
  });
});

describe('sendMail over TLS (self-signed certificate made with node:crypto)', () => {
  const tlsScript = { extensions: ['STARTTLS', 'AUTH PLAIN'], credentials, certificate };

  it('upgrades with STARTTLS when offered, then EHLOs again and authenticates inside TLS', async () => {
    const s = await server(tlsScript);
    const r = await sendMail({ url: s.url(), ...credentials, ca: certificate.cert }, envelope, 'x', fast);
    assert.deepEqual(r, { outcome: 'Delivered' });
    const [session] = s.sessions;
    assert.equal(session.tls, true);
    assert.deepEqual(
      session.commands.slice(0, 4).map((c) => c.split(' ')[0]),
      ['EHLO', 'STARTTLS', 'EHLO', 'AUTH'],
    );
  });

  it('verifies the certificate: an untrusted one is a transient failure and nothing is sent', async () => {
    const s = await server(tlsScript);
    const r = await sendMail({ url: s.url(), ...credentials }, envelope, 'x', fast);
    assert.equal(failure(r), 'Transient');
    assert.match(errorOf(r), /certificate/i);
    assert.deepEqual(s.sessions[0].commands, ['EHLO [127.0.0.1]', 'STARTTLS']);
  });

  it('requireTls fails permanently when the server does not offer STARTTLS', async () => {
    const s = await server({ extensions: ['AUTH PLAIN'], credentials });
    const r = await sendMail({ url: s.url(), ...credentials, requireTls: true }, envelope, 'x', fast);
    assert.equal(failure(r), 'Permanent');
    assert.match(errorOf(r), /requireTls/);
    assert.ok(!s.sessions[0].commands.some((c) => c.startsWith('AUTH')));
  });

  it('speaks implicit TLS to smtps://', async () => {
    const s = await server({ implicitTls: true, certificate, extensions: ['AUTH PLAIN'], credentials });
    const r = await sendMail({ url: s.url('smtps'), ...credentials, ca: certificate.cert }, envelope, 'x', fast);
    assert.deepEqual(r, { outcome: 'Delivered' });
    assert.equal(s.sessions[0].tls, true);
  });
});

describe('SMTP replies', () => {
  it('parses multi-line replies arriving in any chunks', () => {
    const text = '250-mail.example.com hello\r\n250-SIZE 1000\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n220 next\n';
    for (let split = 1; split < text.length; split += 7) {
      const parser = new SmtpReplyParser();
      const replies = [...parser.push(text.slice(0, split)), ...parser.push(text.slice(split))];
      assert.equal(replies.length, 2);
      assert.deepEqual(replies[0], {
        code: 250,
        lines: ['mail.example.com hello', 'SIZE 1000', 'AUTH PLAIN LOGIN', 'STARTTLS'],
      });
      assert.deepEqual(replies[1], { code: 220, lines: ['next'] });
      assert.deepEqual([...ehloExtensions(replies[0]).keys()], ['SIZE', 'AUTH', 'STARTTLS']);
    }
  });

  it('refuses garbage, codes that change within a reply, and unbounded lines', () => {
    assert.throws(() => new SmtpReplyParser().push('hello\r\n'), SmtpProtocolError);
    assert.throws(() => new SmtpReplyParser().push('250-a\r\n251 b\r\n'), SmtpProtocolError);
    assert.throws(() => new SmtpReplyParser().push('250 ' + 'x'.repeat(10_000)), SmtpProtocolError);
    const many = new SmtpReplyParser();
    assert.throws(() => many.push('250-x\r\n'.repeat(500)), SmtpProtocolError);
    assert.deepEqual(new SmtpReplyParser().push('354\r\n'), [{ code: 354, lines: [''] }]);
  });

  it('dot-stuffs and normalises line endings', () => {
    assert.equal(dotStuffed('.a\n.b\r\nc'), '..a\r\n..b\r\nc\r\n');
    assert.equal(dotStuffed('a\r\n'), 'a\r\n');
    assert.equal(dotStuffed('.'), '..\r\n');
  });
});
