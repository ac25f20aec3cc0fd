import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newAccountId, newSecretAccessKey, newUniqueId, ACCESS_KEY_ID_PATTERN, UNIQUE_ID_PATTERN } from './ids.js';
import { parsePolicyArn, userArn } from './arn.js';
import { accountOfAccessKeyId, newAccessKeyIdFor } from './access-key-account.js';

test('ids have AWS formats and do not repeat', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const account = newAccountId();
    const k = newAccessKeyIdFor('AKIA', account);
    assert.match(k, ACCESS_KEY_ID_PATTERN);
    assert.equal(k.length, 20);
    // Key ids carry their account, as AWS's do (GetAccessKeyInfo).
    assert.equal(accountOfAccessKeyId(k), account);
    assert.equal(accountOfAccessKeyId(newAccessKeyIdFor('ASIA', '012345678901')), '012345678901');
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

test('the account an AWS key id encodes (the published example key)', () => {
  assert.equal(accountOfAccessKeyId('ASIAQNZGKIQY56JQ7WML'), '029608264753');
});

test('ARNs', () => {
  assert.equal(userArn('123456789012', '/dev/', 'alice'), 'arn:aws:iam::123456789012:user/dev/alice');
  assert.deepEqual(parsePolicyArn('arn:aws:iam::aws:policy/job-function/ViewOnlyAccess'), { owner: 'aws', path: '/job-function/', name: 'ViewOnlyAccess' });
  assert.deepEqual(parsePolicyArn('arn:aws:iam::123456789012:policy/P'), { owner: '123456789012', path: '/', name: 'P' });
  assert.equal(parsePolicyArn('arn:aws:iam::123456789012:user/P'), undefined);
});
