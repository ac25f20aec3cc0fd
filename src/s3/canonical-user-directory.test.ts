import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalUserId } from '../identity/canonical-user.js';
import { canonicalUserDirectory } from './canonical-user-directory.js';

test('resolves canonical ids of listed accounts; an unknown id re-lists at most once per refresh period', async () => {
  let accounts = ['111122223333'];
  let lists = 0;
  let clock = 0;
  const directory = canonicalUserDirectory({
    listAccountIds: async () => {
      lists++;
      return accounts;
    },
    now: () => clock,
    refreshMs: 1000,
  });
  assert.equal(await directory(canonicalUserId('111122223333')), '111122223333');
  assert.equal(await directory(canonicalUserId('111122223333')), '111122223333');
  assert.equal(lists, 1);
  accounts = ['111122223333', '444455556666'];
  assert.equal(await directory(canonicalUserId('444455556666')), undefined, 'within the refresh period');
  assert.equal(await directory('f'.repeat(64)), undefined);
  assert.equal(lists, 1);
  clock = 1000;
  assert.equal(await directory(canonicalUserId('444455556666')), '444455556666', 'an account created since');
  assert.equal(lists, 2);
});
