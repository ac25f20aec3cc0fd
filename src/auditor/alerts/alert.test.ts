import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alertBody, alertEmail, alertJson, emailText, parseAlertJson } from './alert.js';
import { quotedPrintable, rfc5322Date } from './mime.js';
import { decodeEncodedWords, decodeQuotedPrintable, sampleAlert, splitMessage } from './testing/sample-alert.js';

const addresses = { from: 'alerts@example.com', to: ['sec@example.com', 'ops@example.com'] };

describe('alertJson: the webhook body', () => {
  it('has stable field names, an ISO 8601 time and nulls for what is unknown', () => {
    const body = JSON.parse(alertJson(sampleAlert({ who: undefined, fix: undefined, severity: undefined })));
    assert.deepEqual(Object.keys(body), [
      'version',
      'id',
      'kind',
      'title',
      'accountId',
      'time',
      'what',
      'who',
      'fix',
      'severity',
      'details',
    ]);
    assert.equal(body.version, 1);
    assert.equal(body.time, '2025-03-04T05:06:07.089Z');
    assert.equal(body.who, null);
    assert.equal(body.fix, null);
    assert.equal(body.severity, null);
  });

  it('reads back what it wrote', () => {
    const alert = sampleAlert();
    assert.deepEqual(parseAlertJson(alertJson(alert)), alert);
    const bare = sampleAlert({ who: undefined, fix: undefined, severity: undefined });
    assert.deepEqual(alertBody(parseAlertJson(alertJson(bare))), alertBody(bare));
    assert.throws(() => parseAlertJson('{"id":"x"}'));
    assert.throws(() => parseAlertJson(alertJson(sampleAlert()).replace('"Finding"', '"Other"')));
  });
});

describe('alertEmail', () => {
  it('is an RFC 5322 message with the required headers, CRLF line endings and a quoted-printable body', () => {
    const alert = sampleAlert();
    const message = alertEmail(alert, addresses);
    assert.doesNotMatch(message.replace(/\r\n/g, ''), /[\r\n]/, 'every line ends with CRLF');
    const { headers, body } = splitMessage(message);
    assert.equal(headers.get('From'), 'alerts@example.com');
    assert.equal(headers.get('To'), 'sec@example.com, ops@example.com');
    assert.equal(headers.get('Subject'), `[Strongbox] HIGH ${alert.title}`);
    assert.equal(headers.get('Date'), 'Tue, 04 Mar 2025 05:06:07 +0000');
    assert.equal(headers.get('Message-ID'), '<alert-0001.alert@example.com>');
    assert.equal(headers.get('MIME-Version'), '1.0');
    assert.equal(headers.get('Content-Type'), 'text/plain; charset=utf-8');
    assert.equal(headers.get('Content-Transfer-Encoding'), 'quoted-printable');
    assert.equal(headers.get('Auto-Submitted'), 'auto-generated');
    const text = decodeQuotedPrintable(body);
    assert.equal(text.replace(/\r\n$/, ''), emailText(alert).replace(/\n/g, '\r\n'));
    for (const part of ['What changed:', alert.what, `Who: ${alert.who}`, `Fix: ${alert.fix}`, '"findingType"']) {
      assert.ok(text.includes(part), part);
    }
    for (const line of body.split('\r\n')) assert.ok(line.length <= 76, `QP line too long: ${line}`);
    assert.match(body, /^[\x20-\x7e\r\n]*$/, '7-bit body');
  });

  it('neutralises header injection through any value', () => {
    const evil = '\r\nBcc: victim@example.net\r\nX-Evil: 1\n\rContent-Type: text/html';
    const alert = sampleAlert({ id: `a1${evil}`, title: `Bucket${evil}`, what: `x${evil}`, fix: `y${evil}` });
    const message = alertEmail(alert, { from: `alerts@example.com${evil}`, to: [`sec@example.com${evil}`] });
    const { headers, lines } = splitMessage(message);
    assert.equal(headers.get('Bcc'), undefined);
    assert.equal(headers.get('X-Evil'), undefined);
    for (const line of lines) assert.match(line, /^([A-Za-z-]+: |[ \t])/, `not a header line: ${JSON.stringify(line)}`);
    assert.equal(lines.filter((l) => l.startsWith('Content-Type:')).length, 1, 'a single Content-Type, ours');
    assert.match(headers.get('Message-ID') ?? '', /^<[0-9a-f]{40}\.alert@[A-Za-z0-9.-]+>$/);
  });

  it('encodes a non-ASCII subject as RFC 2047 encoded-words, folded, of whole characters', () => {
    const title = 'Compartiment « photos » rendu public par José — 公開バケット '.repeat(3).trim();
    const { headers, lines } = splitMessage(alertEmail(sampleAlert({ title, severity: undefined }), addresses));
    const subject = headers.get('Subject') ?? '';
    assert.match(subject, /^=\?UTF-8\?B\?/);
    assert.equal(decodeEncodedWords(subject), `[Strongbox] ${title}`);
    for (const line of lines) assert.ok(line.length <= 76, `header line too long: ${line}`);
    for (const word of subject.split('\r\n ')) assert.ok(word.length <= 75);
  });

  it('encodes an ASCII subject that looks like an encoded-word, and keeps a plain one as is', () => {
    const { headers } = splitMessage(
      alertEmail(sampleAlert({ title: '=?UTF-8?B?SGk=?=', severity: undefined }), addresses),
    );
    assert.equal(decodeEncodedWords(headers.get('Subject') ?? ''), '[Strongbox] =?UTF-8?B?SGk=?=');
    assert.notEqual(headers.get('Subject'), '[Strongbox] =?UTF-8?B?SGk=?=');
  });
});

describe('mime helpers', () => {
  it('quoted-printable encodes =, trailing spaces, controls and non-ASCII, and soft-breaks long lines', () => {
    assert.equal(quotedPrintable('a=b'), 'a=3Db');
    assert.equal(quotedPrintable('end  '), 'end =20');
    assert.equal(quotedPrintable('é'), '=C3=A9');
    assert.equal(quotedPrintable('a\nb\r\nc\rd'), 'a\r\nb\r\nc\r\nd');
    const long = 'x'.repeat(200);
    const encoded = quotedPrintable(long);
    assert.ok(encoded.split('\r\n').every((l) => l.length <= 76));
    assert.equal(decodeQuotedPrintable(encoded), long);
    const mixed = 'ü'.repeat(60) + ' . = \t';
    assert.equal(decodeQuotedPrintable(quotedPrintable(mixed)), mixed);
  });

  it('formats the RFC 5322 date in UTC', () => {
    assert.equal(rfc5322Date(new Date('2021-12-07T20:06:00Z')), 'Tue, 07 Dec 2021 20:06:00 +0000');
  });
});
