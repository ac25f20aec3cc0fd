import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newAccessKeyId, newAccountId, newSecretAccessKey, newUniqueId, ACCESS_KEY_ID_PATTERN, UNIQUE_ID_PATTERN } from './ids.js';
import { parsePolicyArn, userArn } from './arn.js';

test('ids have AWS formats and do not repeat', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const k = newAccessKeyId();
    assert.match(k, ACCESS_KEY_ID_PATTERN);
    assert.equal(k.length, 20);
    for (const p of ['AIDA', 'AGPA', 'ANPA', 'AROA'] as const) {
      const id = newUniqueId(p);
      assert.match(id, UNIQUE_ID_PATTERN);
      assert.ok(id.startsWith(p));
      assert.equal(id.length, 21);
    }
    assert.match(newSecretAccessKey(), /^[A-Za-z0-9+/]{40}$/);
    assert.match(newAccountId(), /^[1-9]\d{11}$/);
    seen.add(k);
  }
  assert.equal(seen.size, 200);
});

test('ARNs', () => {
  assert.equal(userArn('123456789012', '/dev/', 'alice'), 'arn:aws:iam::123456789012:user/dev/alice');
  assert.deepEqual(parsePolicyArn('arn:aws:iam::aws:policy/job-function/ViewOnlyAccess'), { owner: 'aws', path: '/job-function/', name: 'ViewOnlyAccess' });
  assert.deepEqual(parsePolicyArn('arn:aws:iam::123456789012:policy/P'), { owner: '123456789012', path: '/', name: 'P' });
  assert.equal(parsePolicyArn('arn:aws:iam::123456789012:user/P'), undefined);
});
