import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HIDDEN_DUE_TO_SECURITY_REASONS, REDACTION_RULES, redactSection, type RedactionRule,
} from './cloudtrail-redaction.js';
import { cloudTrailEvent } from './cloudtrail-event.js';
import type { RequestRecord } from './request-record.js';

/** A section holding the rule's field (nested as its path says) next to a field that must survive. */
function sectionFor(path: string): Record<string, unknown> {
  const parts = path.split('.');
  let inner: Record<string, unknown> = { [parts[parts.length - 1]]: 'SECRET', keep: 'k' };
  for (let i = parts.length - 2; i >= 0; i--) inner = { [parts[i]]: inner, keepOuter: 'o' };
  return inner;
}

function at(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

function operationsOf(rule: RedactionRule): string[] {
  return rule.operations === '*' ? ['PutObject', 'CopyObject'] : [...rule.operations];
}

for (const [i, rule] of REDACTION_RULES.entries()) {
  const name = `${rule.service}:${rule.operations === '*' ? '*' : rule.operations.join('|')} ${rule.section}` +
    ` ${rule.path ?? ''} → ${rule.action} (#${i})`;
  test(`redaction rule ${name}`, () => {
    assert.ok(rule.source.length > 0);
    for (const operation of operationsOf(rule)) {
      const value = rule.path ? sectionFor(rule.path) : { anything: 'x' };
      const out = redactSection({ service: rule.service, operation, section: rule.section, value });
      if (rule.action === 'nullSection') {
        assert.equal(out, null, operation);
        continue;
      }
      const parent = rule.path!.split('.').slice(0, -1).join('.');
      const field = rule.path!.split('.').pop()!;
      const holder = (parent ? at(out, parent) : out) as Record<string, unknown>;
      if (rule.action === 'omit') assert.equal(field in holder, false, operation);
      else assert.equal(holder[field], HIDDEN_DUE_TO_SECURITY_REASONS, operation);
      assert.equal(holder.keep, 'k');
      assert.equal(at(value, rule.path!), 'SECRET', 'the record is not modified');
      // This rule leaves the same field alone in the other section and in another service.
      const other = rule.section === 'requestParameters' ? 'responseElements' : 'requestParameters';
      assert.equal(redactSection({ service: rule.service, operation, section: other, value }, [rule]), value);
      assert.equal(redactSection({ service: 'organizations', operation, section: rule.section, value }, [rule]), value);
      assert.deepEqual(
        redactSection({ service: rule.service, operation: 'Unlisted', section: rule.section, value }, [rule]),
        rule.operations === '*' ? out : value);
    }
  });
}

test('redaction leaves an operation without rules unchanged, and null stays null', () => {
  const value = { accessKey: { secretAccessKey: 'S' } };
  assert.equal(redactSection({ service: 'iam', operation: 'ListAccessKeys', section: 'responseElements', value }), value);
  assert.equal(redactSection({ service: 'iam', operation: 'CreateAccessKey', section: 'responseElements', value: null }),
    null);
});

const base: RequestRecord = {
  requestId: 'R', eventTime: new Date('2026-01-01T00:00:00Z'), service: 'iam', region: 'us-east-1',
  authenticationType: 'AuthHeader', sourceIp: '127.0.0.1', http: { method: 'POST', uri: '/', version: 'HTTP/1.1' },
  status: 200, bytesIn: 0, bytesOut: 0, totalTimeMs: 1, completed: true,
  caller: { kind: 'Root', accountId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accessKeyId: 'AKIAR' },
};

test('event: CreateAccessKey keeps accessKeyId/status/userName and drops the secret', () => {
  const e = cloudTrailEvent({ ...base, operation: 'CreateAccessKey', requestParameters: { userName: 'u' },
    responseElements: { accessKey: { accessKeyId: 'AKIAN', secretAccessKey: 'S', status: 'Active', userName: 'u' } } },
  { eventId: 'E' })!;
  assert.deepEqual(e.responseElements, { accessKey: { accessKeyId: 'AKIAN', status: 'Active', userName: 'u' } });
});

test('event: AssumeRole keeps sessionToken and drops secretAccessKey; KMS Decrypt has null responseElements', () => {
  const e = cloudTrailEvent({ ...base, service: 'sts', operation: 'AssumeRole',
    responseElements: { credentials: { accessKeyId: 'ASIA', secretAccessKey: 'S', sessionToken: 'T', expiration: 'x' } } },
  { eventId: 'E' })!;
  assert.deepEqual(e.responseElements, { credentials: { accessKeyId: 'ASIA', sessionToken: 'T', expiration: 'x' } });
  const d = cloudTrailEvent({ ...base, service: 'kms', operation: 'Decrypt',
    requestParameters: { keyId: 'k', ciphertextBlob: 'C', encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
    responseElements: { plaintext: 'P', keyId: 'k' } }, { eventId: 'E' })!;
  assert.equal(d.responseElements, null);
  assert.deepEqual(d.requestParameters, { keyId: 'k', encryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
});
