import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newWorkloadToken,
  newWorkloadTokenId,
  TOKEN_ID_PATTERN,
  WORKLOAD_TOKEN_PATTERN,
  workloadTokenSha256,
} from './workload-token-secret.js';

test('tokens are sbw_ + 40 Base62 characters, each one new', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const t = newWorkloadToken();
    assert.match(t, WORKLOAD_TOKEN_PATTERN);
    seen.add(t);
  }
  assert.equal(seen.size, 200);
});

test('token ids are wt- + 17 lower-case base32 characters', () => {
  const re = new RegExp(`^${TOKEN_ID_PATTERN}$`);
  for (let i = 0; i < 200; i++) assert.match(newWorkloadTokenId(), re);
});

test('the stored form is the hex SHA-256 of the token text', () => {
  assert.equal(workloadTokenSha256('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});
