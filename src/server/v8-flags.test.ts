import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SERVER_V8_FLAGS, withServerV8Flags } from './v8-flags.js';

describe('the server V8 flags', () => {
  it('are added to a command line that lacks them, and never override one given by hand', () => {
    assert.deepEqual(withServerV8Flags(['--enable-source-maps']), ['--enable-source-maps', ...SERVER_V8_FLAGS]);
    assert.deepEqual(withServerV8Flags(['--initial-old-space-size=256']), ['--initial-old-space-size=256']);
    assert.deepEqual(withServerV8Flags(['--initial_old_space_size=8']), ['--initial_old_space_size=8']);
    assert.deepEqual(withServerV8Flags(SERVER_V8_FLAGS), [...SERVER_V8_FLAGS]);
  });
});
