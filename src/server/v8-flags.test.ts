import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { SERVER_V8_FLAGS, withServerV8Flags } from './v8-flags.js';

const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));

describe('the server V8 flags', () => {
  it('are the ones the strongbox command runs with, and node accepts them through its shebang', async () => {
    assert.equal(readFileSync(CLI, 'utf8').split('\n')[0], `#!/usr/bin/env -S node ${SERVER_V8_FLAGS.join(' ')}`);
    // Executed as a file, as npx and npm start do: env splits the line, node starts with the flags.
    const { stderr } = await promisify(execFile)(CLI, ['help']);
    assert.match(stderr, /^usage: strongbox server/);
  });

  it('are added to a command line that lacks them, and never override one given by hand', () => {
    assert.deepEqual(withServerV8Flags(['--enable-source-maps']), ['--enable-source-maps', ...SERVER_V8_FLAGS]);
    assert.deepEqual(withServerV8Flags(['--initial-old-space-size=256']), ['--initial-old-space-size=256']);
    assert.deepEqual(withServerV8Flags(['--initial_old_space_size=8']), ['--initial_old_space_size=8']);
    assert.deepEqual(withServerV8Flags(SERVER_V8_FLAGS), [...SERVER_V8_FLAGS]);
  });
});
